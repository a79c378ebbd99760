import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

/**
 * The event EventBridge delivers to a target (and so what an API destination POSTs) for a PutEvents entry:
 * detail-type and source from the entry, resources as given (or []), Detail parsed, time from the entry (or the
 * time of the call) in whole seconds, plus the id, account and region EventBridge adds.
 */
export function envelopeFromEntry(
  entry: PutEventsRequestEntry,
  options: { id?: string; account?: string; region?: string; receivedAt?: Date } = {},
): Record<string, unknown> {
  const time = entry.Time ?? options.receivedAt ?? new Date('2025-03-01T10:00:00Z');
  return {
    version: '0',
    id: options.id ?? '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: options.account ?? '123456789012',
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: options.region ?? 'eu-west-1',
    resources: entry.Resources ?? [],
    detail: JSON.parse(entry.Detail ?? '{}'),
  };
}

/** The event without the bridge's crossing marks, to compare with what was sent. */
export function withoutCrossingMarks(event: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...event };
  delete rest.bridgeorigin;
  delete rest.bridgehops;
  return rest;
}

/** The error a function throws (fails the test if it does not). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to throw');
}

/** A PutEvents entry of exactly `bytes` bytes as EventBridge counts them, whose Detail carries `id`. */
export function entryOfSize(bytes: number, id: string): PutEventsRequestEntry {
  const empty = JSON.stringify({ id, pad: '' });
  const fixed = 1 + 1 + Buffer.byteLength(empty); // Source 's' + DetailType 't' + Detail
  if (bytes < fixed) throw new Error(`an entry needs at least ${fixed} bytes`);
  return { Source: 's', DetailType: 't', Detail: JSON.stringify({ id, pad: 'x'.repeat(bytes - fixed) }) };
}
