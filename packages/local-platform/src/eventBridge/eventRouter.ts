import type { Clock } from '../clock';
import type { ActivityLog } from './activity';
import type { Archives } from './archives';
import type { DeliveryEngine } from './delivery';
import type { EventEnvelope, IngestedEvent } from './events';
import type { Rules } from './rules';

export interface EventRouterDeps {
  clock: Clock;
  rules: Rules;
  archives: Archives;
  engine: DeliveryEngine;
  activity: ActivityLog;
}

/** Takes accepted events to their bus's archives and to every target of the ENABLED rules that match them. */
export class EventRouter {
  constructor(private readonly deps: EventRouterDeps) {}

  ingest(ev: IngestedEvent): void {
    this.deps.archives.archive(ev.bus, ev.event, ev.ingestionTime);
    this.dispatch(ev.bus, ev.event, ev.ingestionTime, ev.hops, undefined);
  }

  /**
   * Queues one delivery per target of each matching rule (only the rules in `ruleArns` when given, for replays).
   * Targets are copied as they are now: a later PutTargets does not change deliveries already under way.
   */
  dispatch(
    bus: string,
    event: EventEnvelope,
    ingestionTime: number,
    hops: number,
    ruleArns: readonly string[] | undefined,
  ): void {
    const { rules, engine, activity, clock } = this.deps;
    const eventText = JSON.stringify(event);
    for (const rule of rules.matching(bus, event)) {
      if (ruleArns && !ruleArns.includes(rule.arn)) continue;
      activity.add({
        time: new Date(clock.now()).toISOString(),
        kind: 'rule-matched',
        eventBusName: bus,
        eventId: event.id,
        ruleArn: rule.arn,
        message: `${rule.targets.length} target(s)`,
        ...(event['replay-name'] ? { replayName: event['replay-name'] } : {}),
      });
      for (const target of rule.targets)
        engine.enqueue({
          id: engine.newJobId(),
          bus,
          event,
          eventText,
          ingestionTime,
          hops,
          ruleName: rule.name,
          ruleArn: rule.arn,
          target: structuredClone(target),
          attempts: 0,
        });
    }
  }
}
