import type { IntegrationEvent } from './domain/events';
import type { Order } from './domain/order';
import type { StepResult } from './domain/saga';

/** Interfaces the activities need; adapters/ implements them over Cosmos DB, HTTP and Service Bus. */

export interface StockLine {
  sku: string;
  qty: number;
}

/** What reserveInventory holds: the reservations' key and the lines. */
export interface Reservation {
  key: string;
  lines: StockLine[];
}

/**
 * Stock per SKU, kept as three counters (available + reserved + sold = the SKU's stock) and one reservation per
 * key and SKU. `key` names the reservations (the order id, `holdKey`), so every call is idempotent by it.
 */
export interface InventoryPort {
  /** Reserves every line or none; a repeat under the same key is a no-op. */
  reserve(key: string, lines: StockLine[]): Promise<StepResult<Reservation>>;
  /**
   * Gives back exactly what the key's reservations hold, once: a repeat gives back nothing, and a release that
   * comes before its reserve closes the key, so that reserve (arriving late) holds nothing.
   */
  release(key: string, lines: StockLine[]): Promise<{ released: StockLine[] }>;
  /** Turns what the key's reservations hold into sold stock, once, and archives them (they expire). */
  finalize(key: string, lines: StockLine[]): Promise<{ sold: StockLine[] }>;
}

export interface ChargeRequest {
  orderId: string;
  amountMinor: number;
  currency: string;
  paymentMethod: string;
  idempotencyKey: string;
  /** Kept on the charge and sent with its webhook events (the engine that waits for the confirmation). */
  metadata?: Record<string, string>;
}

export interface Charge {
  chargeId: string;
  status: 'pending' | 'succeeded' | 'failed' | 'refunded';
  amountMinor: number;
  amountRefundedMinor: number;
  currency: string;
}

export interface PaymentPort {
  charge(request: ChargeRequest): Promise<StepResult<Charge>>;
  /** Refunds what is left of a charge; `idempotencyKey` makes a repeat a no-op. */
  refund(request: {
    chargeId: string;
    idempotencyKey: string;
    reason: string;
  }): Promise<StepResult<{ refundId?: string; amountMinor: number }>>;
  /** Every charge of the order, with the engine its metadata names (absent on charges made without one). */
  chargesForOrder(orderId: string): Promise<(Charge & { engine?: string })[]>;
  /** The charge as the gateway holds it now, or undefined when it has no such charge. */
  getCharge(chargeId: string): Promise<Charge | undefined>;
}

export type NotificationKind = 'orderConfirmed';

export interface OutboxEntry {
  id: string;
  orderId: string;
  kind: NotificationKind;
  to: string;
  subject: string;
  body: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastError?: string;
  providerMessageId?: string;
}

export interface NotificationOutbox {
  /** Creates the entry unless one exists for (orderId, kind); returns the stored entry either way. */
  claim(entry: Omit<OutboxEntry, 'id' | 'status' | 'attempts'>): Promise<OutboxEntry>;
  record(entry: OutboxEntry): Promise<void>;
}

export interface EmailSender {
  /** `idempotencyKey` makes the provider send at most once per key. */
  send(message: {
    to: string;
    subject: string;
    body: string;
    idempotencyKey: string;
  }): Promise<StepResult<{ messageId: string }>>;
}

export interface OrderFact {
  id: string;
  orderId: string;
  customerId: string;
  outcome: string;
  total: number;
  currency: string;
  lines: number;
  units: number;
  failedStep?: string;
  reason?: string;
}

export interface AnalyticsStore {
  upsertOrderFact(fact: OrderFact): Promise<void>;
}

/**
 * How a saga run ended, recorded by the run itself as it ends. Step Functions lists a Completed and a Compensated
 * execution alike (SUCCEEDED; the outcome is in the output, which only DescribeExecution returns, throttled by AWS
 * to a few calls per second): with this record the operator tool classifies a listed execution without a call.
 */
export interface RunOutcomeRecord {
  /** The run's name: the Step Functions execution name (saga/domain/runName.ts). */
  id: string;
  orderId: string;
  engine: 'stepfunctions';
  outcome: string;
  failedStep?: string;
  reason?: string;
  recordedAt: string;
}

export interface RunOutcomes {
  /** Upserts by run name: a retried step writes the same record again. */
  record(outcome: RunOutcomeRecord): Promise<void>;
  /** The records of these runs that exist (missing ones are simply absent from the map). */
  find(runs: string[]): Promise<Map<string, RunOutcomeRecord>>;
}

export interface EventPublisher {
  /** Sends events with messageId = event id, so Service Bus duplicate detection absorbs repeats. */
  publish(events: IntegrationEvent[]): Promise<void>;
}

export interface OrderRecord {
  id: string;
  orderId: string;
  order: Order;
  receivedAt: string;
  /** How the order arrived: 'http' or 'servicebus:<messageId>'. */
  via: string;
}

export interface OrderRepository {
  /** Stores the order unless it exists; `created` says which. */
  saveIfAbsent(record: OrderRecord): Promise<{ created: boolean; record: OrderRecord }>;
  get(orderId: string): Promise<OrderRecord | undefined>;
}

/** Ties an event to the wait: it belongs there when `payload[field] === value`; a null correlation takes any event. */
export interface EventCorrelation {
  field: string;
  value: unknown;
}

/** A Step Functions task paused on `.waitForTaskToken` until the saga event arrives. */
export interface SagaWait {
  orderId: string;
  event: string;
  correlation: EventCorrelation | null;
  taskToken: string;
}

/**
 * What became of a raised event: `delivered` to the waiting task; `pending`, kept for the wait still to come;
 * `ignored`, the wait expects another one (it goes on waiting, as the Durable orchestrator does); `moot`, the
 * waiting execution is over.
 */
export type SagaEventOutcome = 'delivered' | 'pending' | 'ignored' | 'moot';

/**
 * The Step Functions side of "wait for an event": waits and events meet whichever comes first, so an event that
 * arrives before its wait is registered is not lost (Durable buffers external events the same way).
 */
export interface SagaCallbacks {
  /** Registers the wait, replacing an earlier one for the same order and event; takes a matching pending event. */
  register(wait: SagaWait): Promise<{ delivered: boolean }>;
  raise(orderId: string, event: string, payload: Record<string, unknown>): Promise<SagaEventOutcome>;
}

export interface TaskTokenSender {
  /** Completes the task waiting on `taskToken` with `output` (JSON text); `moot` when that task is over. */
  succeed(taskToken: string, output: string): Promise<'sent' | 'moot'>;
}
