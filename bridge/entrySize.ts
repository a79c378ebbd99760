import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EventTooLargeError } from './errors';

/** PutEvents: at most this many bytes per entry (as computed by putEventsEntrySize). */
export const PUT_EVENTS_MAX_ENTRY_BYTES = 262_144;

const utf8Bytes = (text: string | undefined): number => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));

/**
 * The size EventBridge charges an entry against the PutEvents limits, as AWS documents it ("Calculating Amazon
 * EventBridge PutEvents event entry size"): Time counts 14 bytes when present; Source, DetailType, Detail and each
 * Resource count their UTF-8 bytes. TraceHeader and EventBusName are not part of the documented calculation.
 */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time ? 14 : 0;
  size += utf8Bytes(entry.Source) + utf8Bytes(entry.DetailType) + utf8Bytes(entry.Detail);
  for (const resource of entry.Resources ?? []) size += utf8Bytes(resource);
  return size;
}

/** The CloudEvent id inside an entry's Detail (toPutEventsEntry puts the whole event there), for error messages. */
export function eventIdOfEntry(entry: PutEventsRequestEntry): string | undefined {
  if (!entry.Detail) return undefined;
  try {
    const id = (JSON.parse(entry.Detail) as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The size error for an entry PutEvents would refuse, or undefined when it fits. */
export function putEventsEntrySizeError(
  entry: PutEventsRequestEntry,
  limitBytes: number = PUT_EVENTS_MAX_ENTRY_BYTES,
): EventTooLargeError | undefined {
  const size = putEventsEntrySize(entry);
  return size > limitBytes
    ? new EventTooLargeError('EventBridgeEntry', limitBytes, size, eventIdOfEntry(entry))
    : undefined;
}
