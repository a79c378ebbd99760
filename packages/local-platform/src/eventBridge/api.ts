import type { ApiDestinations } from './apiDestinations';
import type { Archives } from './archives';
import type { EventBuses } from './buses';
import type { Connections } from './connections';
import { UnknownOperationException } from './errors';
import type { Body } from './jsonProtocol';
import { testEventPattern } from './patterns';
import type { Replays } from './replays';
import type { Rules } from './rules';

/** The parts of the local EventBridge the API operations act on. */
export interface ApiServices {
  buses: EventBuses;
  rules: Rules;
  connections: Connections;
  destinations: ApiDestinations;
  archives: Archives;
  replays: Replays;
  putEvents(b: Body): Body;
}

type Operation = (s: ApiServices, body: Body) => Body;

/** The Amazon EventBridge operations this endpoint serves, by X-Amz-Target operation name. */
const OPERATIONS: Record<string, Operation> = {
  CreateEventBus: (s, b) => s.buses.create(b),
  DescribeEventBus: (s, b) => s.buses.describe(b),
  ListEventBuses: (s, b) => s.buses.list(b),
  DeleteEventBus: (s, b) => s.buses.delete(b),

  PutEvents: (s, b) => s.putEvents(b),

  PutRule: (s, b) => s.rules.put(b),
  DescribeRule: (s, b) => s.rules.describe(b),
  ListRules: (s, b) => s.rules.list(b),
  ListRuleNamesByTarget: (s, b) => s.rules.listNamesByTarget(b),
  DeleteRule: (s, b) => s.rules.delete(b),
  EnableRule: (s, b) => s.rules.setState(b, 'ENABLED'),
  DisableRule: (s, b) => s.rules.setState(b, 'DISABLED'),
  TestEventPattern: (_s, b) => testEventPattern(b),

  PutTargets: (s, b) => s.rules.putTargets(b),
  RemoveTargets: (s, b) => s.rules.removeTargets(b),
  ListTargetsByRule: (s, b) => s.rules.listTargets(b),

  CreateConnection: (s, b) => s.connections.create(b),
  DescribeConnection: (s, b) => s.connections.describe(b),
  ListConnections: (s, b) => s.connections.list(b),
  DeleteConnection: (s, b) => s.connections.delete(b),

  CreateApiDestination: (s, b) => s.destinations.create(b),
  DescribeApiDestination: (s, b) => s.destinations.describe(b),
  ListApiDestinations: (s, b) => s.destinations.list(b),
  UpdateApiDestination: (s, b) => s.destinations.update(b),
  DeleteApiDestination: (s, b) => s.destinations.delete(b),

  CreateArchive: (s, b) => s.archives.create(b),
  DescribeArchive: (s, b) => s.archives.describe(b),
  ListArchives: (s, b) => s.archives.list(b),
  UpdateArchive: (s, b) => s.archives.update(b),
  DeleteArchive: (s, b) => s.archives.delete(b),

  StartReplay: (s, b) => s.replays.start(b),
  DescribeReplay: (s, b) => s.replays.describe(b),
  ListReplays: (s, b) => s.replays.list(b),
  CancelReplay: (s, b) => s.replays.cancel(b),
};

/** Runs one operation on a PascalCase body (the platform's programmatic calls use this too). */
export function runOperation(services: ApiServices, operation: string, body: Body): Body {
  const op = Object.prototype.hasOwnProperty.call(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
  if (!op)
    throw new UnknownOperationException(
      `Operation '${operation}' is not served by the local EventBridge endpoint. Supported: ${Object.keys(OPERATIONS).join(', ')}.`,
    );
  return op(services, body);
}
