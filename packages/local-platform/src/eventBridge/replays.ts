import type { Clock, ScheduledWake } from '../clock';
import type { ActivityLog } from './activity';
import type { Archives } from './archives';
import { oneFilter } from './archives';
import { ArnScope, archiveNameFromArn, busNameFromArn, checkName, parseRuleArn, replayArn } from './arns';
import { busNotFound, EventBuses } from './buses';
import {
  IllegalStatusException,
  invalidParameter,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  validationError,
} from './errors';
import type { EventEnvelope } from './events';
import {
  Body,
  epochSeconds,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalStringArray,
  requireString,
  requireTimestamp,
} from './jsonProtocol';
import { MAX_DESCRIPTION_LENGTH } from './limits';
import { page } from './paging';
import type { Rules } from './rules';

export type ReplayState = 'STARTING' | 'RUNNING' | 'CANCELLING' | 'COMPLETED' | 'CANCELLED' | 'FAILED';
const REPLAY_STATES: readonly ReplayState[] = ['CANCELLED', 'CANCELLING', 'COMPLETED', 'FAILED', 'RUNNING', 'STARTING'];

export interface ReplayRow {
  name: string;
  arn: string;
  description?: string;
  archiveArn: string;
  archiveName: string;
  bus: string;
  destination: { Arn: string; FilterArns?: string[] };
  eventStartTime: number;
  eventEndTime: number;
  state: ReplayState;
  stateReason?: string;
  replayStartTime: number;
  replayEndTime?: number;
  eventLastReplayedTime?: number;
}

export interface ReplayDeps {
  scope: ArnScope;
  clock: Clock;
  buses: EventBuses;
  rules: Rules;
  archives: Archives;
  activity: ActivityLog;
  /** Sends a replayed event to the bus's matching rules (only `ruleArns` when given). */
  dispatch(bus: string, event: EventEnvelope, ruleArns: readonly string[] | undefined): void;
  /** Counts a replay as pending work until it has dispatched its events. */
  track(delta: 1 | -1): void;
}

function replayNotFound(name: string): Error {
  return new ResourceNotFoundException(`Replay ${name} does not exist.`);
}

/**
 * Replays: the archived events of a time window (by event time; start inclusive, end exclusive) are sent again
 * to the archive's bus — to its matching rules, or only to Destination.FilterArns — carrying `replay-name`, and
 * are not archived again. Events are sent in event-time order as fast as the local targets take them.
 */
export class Replays {
  private readonly rows = new Map<string, ReplayRow>();
  private readonly wakes = new Set<ScheduledWake>();

  constructor(private readonly deps: ReplayDeps) {}

  start(b: Body): Body {
    const { scope, clock, buses, rules, archives } = this.deps;
    const name = requireString(b, 'ReplayName');
    checkName('replay', 'ReplayName', name);
    const description = optionalString(b, 'Description');
    if (description !== undefined && description.length > MAX_DESCRIPTION_LENGTH)
      throw validationError('description', `Member must have length less than or equal to ${MAX_DESCRIPTION_LENGTH}`);
    const source = requireString(b, 'EventSourceArn');
    const start = requireTimestamp(b, 'EventStartTime');
    const end = requireTimestamp(b, 'EventEndTime');
    const destination = optionalObject(b, 'Destination');
    if (!destination) throw validationError('destination', 'Member must not be null');
    const destinationArn = requireString(destination, 'Arn');
    const filterArns = optionalStringArray(destination, 'FilterArns');
    const archiveName = archiveNameFromArn(scope, source);
    const archive = archiveName !== undefined ? archives.byArn(source) : undefined;
    if (!archive) throw invalidParameter('EventSourceArn', `Archive ${archiveName ?? source} does not exist.`);
    const bus = busNameFromArn(scope, destinationArn);
    if (bus === undefined) throw invalidParameter('Destination.Arn', 'Must contain an event bus ARN.');
    if (!buses.find(bus)) throw busNotFound(bus);
    if (bus !== archive.bus) throw invalidParameter('Destination.Arn', 'Cross event bus replay is not permitted.');
    for (const arn of filterArns ?? []) {
      const rule = parseRuleArn(scope, arn);
      if (!rule || rule.bus !== bus || !rules.byArn(arn))
        throw invalidParameter('Destination.FilterArns', `${arn} is not a rule of event bus ${bus}.`);
    }
    if (start >= end) throw invalidParameter('EventEndTime', 'EventStartTime must be before EventEndTime.');
    if (this.rows.has(name)) throw new ResourceAlreadyExistsException(`Replay ${name} already exists.`);
    const row: ReplayRow = {
      name,
      arn: replayArn(scope, name),
      description,
      archiveArn: archive.arn,
      archiveName: archive.name,
      bus,
      destination: { Arn: destinationArn, ...(filterArns ? { FilterArns: [...filterArns] } : {}) },
      eventStartTime: start,
      eventEndTime: end,
      state: 'STARTING',
      replayStartTime: clock.now(),
    };
    this.rows.set(name, row);
    this.deps.track(1);
    const wake = clock.schedule(clock.now(), () => {
      this.wakes.delete(wake);
      try {
        this.run(row);
      } finally {
        this.deps.track(-1);
      }
    });
    this.wakes.add(wake);
    return { ReplayArn: row.arn, State: row.state, ReplayStartTime: epochSeconds(row.replayStartTime) };
  }

  describe(b: Body): Body {
    const name = requireString(b, 'ReplayName');
    const row = this.rows.get(name);
    if (!row) throw replayNotFound(name);
    return {
      ReplayName: row.name,
      ReplayArn: row.arn,
      ...(row.description !== undefined ? { Description: row.description } : {}),
      ...this.summary(row),
      Destination: structuredClone(row.destination),
    };
  }

  list(b: Body): Body {
    const prefix = optionalString(b, 'NamePrefix');
    const source = optionalString(b, 'EventSourceArn');
    const state = optionalString(b, 'State');
    oneFilter('ListReplays', prefix, source, state);
    if (state !== undefined && !REPLAY_STATES.includes(state as ReplayState))
      throw validationError('state', `Member must satisfy enum value set: [${REPLAY_STATES.join(', ')}]`, state);
    const result = page(
      [...this.rows.values()].filter(
        (r) =>
          (prefix === undefined || r.name.startsWith(prefix)) &&
          (source === undefined || r.archiveArn === source) &&
          (state === undefined || r.state === state),
      ),
      (r) => r.name,
      `replays:${prefix ?? ''}:${source ?? ''}:${state ?? ''}`,
      optionalString(b, 'NextToken'),
      optionalNumber(b, 'Limit'),
    );
    return {
      Replays: result.items.map((r) => ({ ReplayName: r.name, ...this.summary(r) })),
      ...(result.nextToken ? { NextToken: result.nextToken } : {}),
    };
  }

  cancel(b: Body): Body {
    const name = requireString(b, 'ReplayName');
    const row = this.rows.get(name);
    if (!row) throw replayNotFound(name);
    if (row.state !== 'STARTING' && row.state !== 'RUNNING')
      throw new IllegalStatusException(`Replay ${name} is not in a valid state for this operation.`);
    row.state = 'CANCELLING';
    return { ReplayArn: row.arn, State: row.state };
  }

  /** Replays that have not run yet never will (the platform is stopping). */
  stop(): void {
    for (const wake of this.wakes) wake.cancel();
    this.wakes.clear();
  }

  private run(row: ReplayRow): void {
    const { clock, archives, activity } = this.deps;
    if (row.state === 'CANCELLING') return this.finish(row, 'CANCELLED', 0);
    const archive = archives.byArn(row.archiveArn);
    if (!archive) {
      row.stateReason = `Archive ${row.archiveName} was deleted before the replay ran.`;
      return this.finish(row, 'FAILED');
    }
    row.state = 'RUNNING';
    activity.add({
      time: new Date(clock.now()).toISOString(),
      kind: 'replay-started',
      eventBusName: row.bus,
      replayName: row.name,
    });
    const window = archive.events
      .filter((e) => e.eventTime >= row.eventStartTime && e.eventTime < row.eventEndTime)
      .sort((a, b) => a.eventTime - b.eventTime);
    // The window is sent in one go (queued deliveries then run on their own), so only a replay that has not
    // started yet can still be cancelled.
    for (const archived of window) {
      this.deps.dispatch(row.bus, { ...archived.event, 'replay-name': row.name }, row.destination.FilterArns);
      row.eventLastReplayedTime = archived.eventTime;
    }
    this.finish(row, 'COMPLETED', window.length);
  }

  private finish(row: ReplayRow, state: ReplayState, count?: number): void {
    const { clock, activity } = this.deps;
    row.state = state;
    row.replayEndTime = clock.now();
    activity.add({
      time: new Date(clock.now()).toISOString(),
      kind: 'replay-completed',
      eventBusName: row.bus,
      replayName: row.name,
      message: count !== undefined ? `${state}: ${count} events replayed` : state,
    });
  }

  private summary(r: ReplayRow): Body {
    return {
      EventSourceArn: r.archiveArn,
      State: r.state,
      ...(r.stateReason !== undefined ? { StateReason: r.stateReason } : {}),
      EventStartTime: epochSeconds(r.eventStartTime),
      EventEndTime: epochSeconds(r.eventEndTime),
      ...(r.eventLastReplayedTime !== undefined
        ? { EventLastReplayedTime: epochSeconds(r.eventLastReplayedTime) }
        : {}),
      ReplayStartTime: epochSeconds(r.replayStartTime),
      ...(r.replayEndTime !== undefined ? { ReplayEndTime: epochSeconds(r.replayEndTime) } : {}),
    };
  }
}
