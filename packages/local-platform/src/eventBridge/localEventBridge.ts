import type {
  CreateApiDestinationRequest,
  CreateArchiveRequest,
  CreateConnectionRequest,
  CreateEventBusRequest,
  PutEventsRequest,
  PutRuleRequest,
  PutTargetsRequest,
} from '@aws-sdk/client-eventbridge';
import type { Clock } from '../clock';
import type { ServiceDatabase } from '../persistence/serviceDatabase';
import type { MountRequest } from '../http/mountedApi';
import type { LambdaInvoker } from '../lambda/invoke';
import { ActivityLog, ActivityRecord } from './activity';
import { ApiServices, runOperation } from './api';
import { ApiDestinations } from './apiDestinations';
import { Archives } from './archives';
import { ArnScope, busNameFromArn, targetKind } from './arns';
import { EventBuses } from './buses';
import { Connections } from './connections';
import { DeadLetterRecord, DeadLetterStore } from './deadLetters';
import { defaultRetryDelayMs, DeliveryEngine } from './delivery';
import { EventBridgeApiError } from './errors';
import { EventRouter } from './eventRouter';
import { EntryResult, EventEnvelope, isoSeconds, readPutEvents } from './events';
import { PutEventsFault, PutEventsFaults } from './faults';
import { renderTargetInput } from './inputTransformer';
import { Body, errorResponse, JsonResponse, okResponse, readRequest } from './jsonProtocol';
import { EventBridgeStore, type PendingDelivery } from './persistence/eventBridgeStore';
import { ResourceIds } from './persistence/resourceIds';
import { Replays } from './replays';
import { Rules } from './rules';
import { invokeApiDestination } from './targets/apiDestination';
import { invokeEventBus } from './targets/eventBus';
import { type FirehoseRecordSink, invokeFirehose } from './targets/firehose';
import { invokeLambda } from './targets/lambda';
import { invokeStateMachine, StepFunctionsStarter } from './targets/stepFunctions';
import type { AttemptOutcome, DeliveryJob } from './targets/types';

export interface LocalEventBridgeOptions {
  /** All waiting (retry backoff, API destination timeouts) goes through it: a VirtualClock skips it in tests. */
  clock: Clock;
  region: string;
  accountId: string;
  /** Runs Lambda targets. */
  lambda?: LambdaInvoker;
  /** Starts Step Functions targets (LocalStepFunctions has this method; it throws on errors). */
  stepFunctions?: StepFunctionsStarter;
  /** Takes records for Firehose stream targets (LocalFirehose has this method). */
  firehose?: FirehoseRecordSink;
  /** Calls API destinations (default: the global fetch). */
  fetch?: typeof fetch;
  /** Delay before retry number `attempt` (1 for the first retry); default: exponential backoff with jitter. */
  retryDelayMs?: (attempt: number) => number;
  /**
   * Where to keep configuration made through the API, archived events, dead letters and unfinished deliveries
   * across a restart (the API answers only once its changes are committed). Without it everything is in memory.
   */
  database?: ServiceDatabase;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** The operations that change configuration: what the journal replays after a restart. */
const CONFIGURATION_CHANGES = new Set([
  'CreateEventBus',
  'DeleteEventBus',
  'PutRule',
  'DeleteRule',
  'EnableRule',
  'DisableRule',
  'PutTargets',
  'RemoveTargets',
  'CreateConnection',
  'DeleteConnection',
  'CreateApiDestination',
  'UpdateApiDestination',
  'DeleteApiDestination',
  'CreateArchive',
  'UpdateArchive',
  'DeleteArchive',
]);

/**
 * A request as the API takes it: the SDK's request shape, or any PascalCase object with the required name member
 * (values resolved from a template arrive untyped). Either way it is validated exactly as the API request is; an
 * EventPattern may also be an object (SAM templates write it as YAML/JSON).
 */
export type EventBridgeRequest<T, Required extends string> =
  T | ({ [K in Required]: string } & Record<string, unknown>);

export type CreateEventBusInput = EventBridgeRequest<CreateEventBusRequest, 'Name'>;
export type PutRuleInput = EventBridgeRequest<PutRuleRequest, 'Name'>;
export type PutTargetsInput = EventBridgeRequest<PutTargetsRequest, 'Rule'>;
export type CreateConnectionInput = EventBridgeRequest<CreateConnectionRequest, 'Name'>;
export type CreateApiDestinationInput = EventBridgeRequest<CreateApiDestinationRequest, 'Name'>;
export type CreateArchiveInput = EventBridgeRequest<CreateArchiveRequest, 'ArchiveName'>;
export type PutEventsInput = PutEventsRequest | ({ Entries: Record<string, unknown>[] } & Record<string, unknown>);

export interface PutEventsOutput {
  FailedEntryCount: number;
  Entries: EntryResult[];
}

export interface PutTargetsOutput {
  FailedEntryCount: number;
  FailedEntries: { TargetId: string; ErrorCode: string; ErrorMessage: string }[];
}

/**
 * A local Amazon EventBridge: event buses, rules with event patterns, targets (API destinations, Lambda
 * functions, Step Functions state machines, other buses) with input shaping, retries and dead-lettering, API
 * connections, archives and replays. `handle` serves the AWS JSON 1.1 protocol (`X-Amz-Target: AWSEvents.*`) so
 * the real @aws-sdk/client-eventbridge works against it unchanged.
 *
 * With a `database`, what was configured through the API, archived events, dead letters and deliveries not yet
 * finished survive a restart (an acknowledged PutEvents is delivered, at least once); without one everything lives
 * in memory. The platform reinstalls the SAM template's resources on every start either way.
 */
export class LocalEventBridge {
  readonly scope: ArnScope;
  private readonly clock: Clock;
  private readonly log: LocalEventBridgeOptions['log'];
  private readonly buses: EventBuses;
  private readonly rules: Rules;
  private readonly connections: Connections;
  private readonly destinations: ApiDestinations;
  private readonly archives: Archives;
  private readonly replays: Replays;
  private readonly deadLetterStore: DeadLetterStore;
  private readonly store: EventBridgeStore | undefined;
  private readonly ids = new ResourceIds();
  private readonly activityLog = new ActivityLog(1000);
  private readonly faults = new PutEventsFaults();
  private readonly engine: DeliveryEngine;
  private readonly router: EventRouter;
  private readonly services: ApiServices;
  private pendingReplays = 0;
  /** Deliveries the last run left unfinished, waiting for `resumeDeliveries`. */
  private unfinished: PendingDelivery[] = [];

  constructor(private readonly options: LocalEventBridgeOptions) {
    this.scope = { region: options.region, accountId: options.accountId };
    this.clock = options.clock;
    this.log = options.log;
    this.store = options.database ? new EventBridgeStore(options.database) : undefined;
    const store = this.store;
    this.deadLetterStore = new DeadLetterStore(store && ((r) => store.deadLettered(r)));
    this.buses = new EventBuses(this.scope, this.clock, (bus) => {
      this.rules.onBusDeleted(bus);
      this.archives.onBusDeleted(bus);
    });
    this.rules = new Rules(this.scope, this.buses, this.log);
    this.connections = new Connections(this.scope, this.clock, this.ids);
    this.destinations = new ApiDestinations(this.scope, this.clock, this.connections, this.ids);
    this.archives = new Archives(this.scope, this.clock, this.buses, this.store);
    this.engine = new DeliveryEngine({
      clock: this.clock,
      retryDelayMs: options.retryDelayMs ?? ((retry) => defaultRetryDelayMs(retry)),
      attempt: (job, signal) => this.attempt(job, signal),
      deadLetters: this.deadLetterStore,
      activity: this.activityLog,
      keeper: this.store,
      log: this.log,
    });
    this.router = new EventRouter({
      clock: this.clock,
      rules: this.rules,
      archives: this.archives,
      engine: this.engine,
      activity: this.activityLog,
    });
    this.replays = new Replays({
      scope: this.scope,
      clock: this.clock,
      buses: this.buses,
      rules: this.rules,
      archives: this.archives,
      activity: this.activityLog,
      dispatch: (bus, event, ruleArns) => this.router.dispatch(bus, event, this.clock.now(), 0, ruleArns),
      track: (delta) => void (this.pendingReplays += delta),
    });
    this.services = {
      buses: this.buses,
      rules: this.rules,
      connections: this.connections,
      destinations: this.destinations,
      archives: this.archives,
      replays: this.replays,
      putEvents: (b) => this.putEventsBody(b),
    };
    if (this.store) this.restore(this.store);
  }

  /** Serves the AWS JSON protocol; any SigV4 Authorization header is accepted (signatures are not verified). */
  async handle(req: MountRequest): Promise<JsonResponse> {
    let answer: JsonResponse;
    try {
      const { operation, body } = readRequest(req);
      this.ids.take();
      answer = okResponse(runOperation(this.services, operation, body));
      if (this.store && CONFIGURATION_CHANGES.has(operation)) {
        this.store.journal({ operation, body, ids: this.ids.take() });
        this.store.keepArchives(this.archives.names());
      }
    } catch (e) {
      if (e instanceof EventBridgeApiError) return errorResponse(e);
      throw e;
    }
    // Nothing is acknowledged before it is durable: a configuration change, or the deliveries PutEvents queued.
    await this.store?.settled();
    return answer;
  }

  /**
   * Takes up the deliveries the last run left unfinished (each attempt at its due time, or at once if overdue).
   * Called once the targets they name exist again (the platform installs its template's resources first).
   */
  resumeDeliveries(): void {
    const pending = this.unfinished;
    this.unfinished = [];
    if (!pending.length) return;
    this.log('info', `EventBridge: resuming ${pending.length} deliveries left unfinished by the last run.`);
    this.engine.resume(pending);
  }

  /** Deliveries due now or running, and replays not yet run (deliveries waiting for a retry are not counted). */
  inFlight(): number {
    return this.engine.inFlight() + this.pendingReplays;
  }

  /** Cancels scheduled retries and replays and waits for running deliveries to end. */
  async stop(): Promise<void> {
    this.replays.stop();
    this.pendingReplays = 0;
    await this.engine.stop();
  }

  // ---- programmatic equivalents of the API (same PascalCase input, validation and errors) ----

  createEventBus(input: CreateEventBusInput): { EventBusArn: string; Description?: string } {
    return this.run('CreateEventBus', input) as { EventBusArn: string; Description?: string };
  }

  putRule(input: PutRuleInput): { RuleArn: string } {
    return this.run('PutRule', input) as { RuleArn: string };
  }

  putTargets(input: PutTargetsInput): PutTargetsOutput {
    return this.run('PutTargets', input) as unknown as PutTargetsOutput;
  }

  createConnection(input: CreateConnectionInput): { ConnectionArn: string; ConnectionState: string } {
    return this.run('CreateConnection', input) as { ConnectionArn: string; ConnectionState: string };
  }

  createApiDestination(input: CreateApiDestinationInput): { ApiDestinationArn: string; ApiDestinationState: string } {
    return this.run('CreateApiDestination', input) as { ApiDestinationArn: string; ApiDestinationState: string };
  }

  createArchive(input: CreateArchiveInput): { ArchiveArn: string; State: string } {
    return this.run('CreateArchive', input) as { ArchiveArn: string; State: string };
  }

  putEvents(input: PutEventsInput): PutEventsOutput {
    return this.run('PutEvents', input) as unknown as PutEventsOutput;
  }

  // ---- local inspection and test hooks ----

  /** What targets dead-lettered (all queues, or one queue ARN), oldest first. */
  deadLetters(queueArn?: string): DeadLetterRecord[] {
    return this.deadLetterStore.list(queueArn);
  }

  /** The next `count` matching PutEvents entries fail with `errorCode` (a per-entry error, not an exception). */
  injectPutEventsFaults(fault: PutEventsFault): void {
    this.faults.inject(fault);
  }

  /** The last 1000 things that happened (puts, rule matches, deliveries, retries, dead letters, replays). */
  activity(): ActivityRecord[] {
    return this.activityLog.list();
  }

  // ---- internals ----

  /** Replays the API journal, then puts back archived events, dead letters and unfinished deliveries. */
  private restore(store: EventBridgeStore): void {
    const state = store.load();
    for (const entry of state.journal) {
      try {
        this.ids.replay(entry.ids, () => runOperation(this.services, entry.operation, entry.body));
      } catch (e) {
        // It succeeded when it was made; failing now means what it refers to is gone, which later calls did too.
        this.log('warn', `EventBridge: replaying ${entry.operation} after a restart failed: ${(e as Error).message}`);
      }
    }
    for (const { archive, event } of state.archivedEvents) this.archives.restore(archive, event);
    for (const record of state.deadLetters) this.deadLetterStore.restore(record);
    this.unfinished = state.deliveries;
  }

  private run(operation: string, input: object): Body {
    return runOperation(this.services, operation, input as Body);
  }

  private putEventsBody(b: Body): Body {
    const { failedEntryCount, results, accepted } = readPutEvents(b, {
      scope: this.scope,
      clock: this.clock,
      buses: this.buses,
      faults: this.faults,
    });
    const time = new Date(this.clock.now()).toISOString();
    results.forEach((r, i) => {
      if ('ErrorCode' in r)
        this.activityLog.add({
          time,
          kind: 'put-failed',
          errorCode: r.ErrorCode,
          message: `entry ${i}: ${r.ErrorMessage}`,
        });
    });
    for (const ev of accepted) {
      this.activityLog.add({ time, kind: 'put-accepted', eventBusName: ev.bus, eventId: ev.event.id });
      this.router.ingest(ev);
    }
    return { FailedEntryCount: failedEntryCount, Entries: results };
  }

  private forward(bus: string, event: EventEnvelope, hops: number): void {
    const now = this.clock.now();
    this.activityLog.add({
      time: new Date(now).toISOString(),
      kind: 'put-accepted',
      eventBusName: bus,
      eventId: event.id,
      message: `forwarded from another bus at ${isoSeconds(now)}`,
    });
    this.router.ingest({ bus, event, ingestionTime: now, hops });
  }

  /** One delivery attempt: shape the input as the target asks, then call the target by kind. */
  private async attempt(job: DeliveryJob, signal: AbortSignal): Promise<AttemptOutcome> {
    let input: string;
    try {
      input = renderTargetInput(job.target, {
        event: job.event as unknown as Record<string, unknown>,
        ruleArn: job.ruleArn,
        ruleName: job.ruleName,
        ingestionTime: job.ingestionTime,
      });
    } catch (e) {
      return { ok: false, retryable: false, errorCode: 'INVALID_PARAMETER', errorMessage: (e as Error).message };
    }
    const arn = job.target.Arn;
    switch (targetKind(arn)) {
      case 'apiDestination':
        return invokeApiDestination(
          {
            clock: this.clock,
            destinations: this.destinations,
            connections: this.connections,
            fetch: this.options.fetch ?? fetch,
          },
          job,
          input,
          signal,
        );
      case 'stateMachine':
        return invokeStateMachine(this.options.stepFunctions, job, input);
      case 'lambda':
        return invokeLambda(this.options.lambda, job, input);
      case 'firehose':
        return invokeFirehose(this.options.firehose, job, input);
      case 'eventBus': {
        const bus = busNameFromArn(this.scope, arn);
        if (bus === undefined)
          return {
            ok: false,
            retryable: false,
            errorCode: 'NO_RESOURCE',
            errorMessage: `Event bus ${arn} is in another account or region; the local EventBridge emulates ${this.scope.accountId} in ${this.scope.region}.`,
          };
        return invokeEventBus(
          { has: (name) => !!this.buses.find(name), forward: (name, event, hops) => this.forward(name, event, hops) },
          bus,
          job,
          input,
        );
      }
      default:
        return {
          ok: false,
          retryable: false,
          errorCode: 'NO_RESOURCE',
          errorMessage: `Targets like ${arn} are not emulated locally (API destinations, Lambda functions, Step Functions state machines, Firehose streams and event buses are).`,
        };
    }
  }
}
