import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PUT_EVENTS_MAX_ENTRY_BYTES, putEventsEntrySize, putEventsEntrySizeError } from './entrySize';
import type { EventTooLargeError } from './errors';

/** PutEvents: 1 to this many entries per request. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
/** PutEvents: the entries of one request together at most this many bytes (entry sizes as AWS computes them). */
export const PUT_EVENTS_MAX_REQUEST_BYTES = 262_144;

export interface PutEventsLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxRequestBytes: number;
}

export const PUT_EVENTS_LIMITS: PutEventsLimits = {
  maxEntries: PUT_EVENTS_MAX_ENTRIES,
  maxEntryBytes: PUT_EVENTS_MAX_ENTRY_BYTES,
  maxRequestBytes: PUT_EVENTS_MAX_REQUEST_BYTES,
};

/** One PutEvents request: its entries, where each came from in the planned list, and their total size. */
export interface PutEventsBatch {
  entries: PutEventsRequestEntry[];
  /** `indexes[i]` is the position of `entries[i]` in the list given to planPutEventsBatches. */
  indexes: number[];
  totalBytes: number;
}

/** An entry that can never be sent: PutEvents refuses it on size alone. */
export interface RejectedPutEventsEntry {
  index: number;
  entry: PutEventsRequestEntry;
  error: EventTooLargeError;
}

export interface PutEventsBatchPlan {
  batches: PutEventsBatch[];
  rejected: RejectedPutEventsEntry[];
}

/**
 * Splits entries, in order, into PutEvents requests within the entry-count and total-size limits. An entry over
 * the per-entry limit is rejected with its size error and never sent: EventBridge would fail it (or the whole
 * request) on every attempt.
 */
export function planPutEventsBatches(
  entries: readonly PutEventsRequestEntry[],
  limits: Partial<PutEventsLimits> = {},
): PutEventsBatchPlan {
  const { maxEntries, maxEntryBytes, maxRequestBytes } = { ...PUT_EVENTS_LIMITS, ...limits };
  const batches: PutEventsBatch[] = [];
  const rejected: RejectedPutEventsEntry[] = [];
  let current: PutEventsBatch | undefined;
  entries.forEach((entry, index) => {
    // An entry that fits the entry limit but not an empty request could never be sent either.
    const error = putEventsEntrySizeError(entry, Math.min(maxEntryBytes, maxRequestBytes));
    if (error) {
      rejected.push({ index, entry, error });
      return;
    }
    const size = putEventsEntrySize(entry);
    if (!current || current.entries.length >= maxEntries || current.totalBytes + size > maxRequestBytes) {
      current = { entries: [], indexes: [], totalBytes: 0 };
      batches.push(current);
    }
    current.entries.push(entry);
    current.indexes.push(index);
    current.totalBytes += size;
  });
  return { batches, rejected };
}
