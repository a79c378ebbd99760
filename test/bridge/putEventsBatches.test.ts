import { describe, expect, it } from 'vitest';
import { EventTooLargeError, planPutEventsBatches, putEventsEntrySize } from '../../bridge';
import { entryOfSize } from './helpers';

const small = (n: number) => Array.from({ length: n }, (_, i) => entryOfSize(100, `e${i}`));
const indexesOf = (plan: ReturnType<typeof planPutEventsBatches>) => plan.batches.map((b) => b.indexes);

describe('planPutEventsBatches', () => {
  it('builds the test entries at exactly the requested size', () => {
    expect(putEventsEntrySize(entryOfSize(131_072, 'x'))).toBe(131_072);
  });

  it('puts exactly 10 entries in one request', () => {
    const plan = planPutEventsBatches(small(10));
    expect(indexesOf(plan)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    expect(plan.batches[0].totalBytes).toBe(1_000);
    expect(plan.rejected).toEqual([]);
  });

  it('starts a new request at the 11th entry, keeping the order', () => {
    const entries = small(23);
    const plan = planPutEventsBatches(entries);
    expect(plan.batches.map((b) => b.entries.length)).toEqual([10, 10, 3]);
    expect(plan.batches.flatMap((b) => b.entries)).toEqual(entries);
    expect(plan.batches[2].indexes).toEqual([20, 21, 22]);
  });

  it('fills a request to exactly 262,144 bytes', () => {
    const plan = planPutEventsBatches([entryOfSize(131_072, 'a'), entryOfSize(131_072, 'b')]);
    expect(indexesOf(plan)).toEqual([[0, 1]]);
    expect(plan.batches[0].totalBytes).toBe(262_144);
  });

  it('starts a new request when one more byte would exceed 262,144', () => {
    const plan = planPutEventsBatches([entryOfSize(131_072, 'a'), entryOfSize(131_073, 'b'), entryOfSize(100, 'c')]);
    expect(indexesOf(plan)).toEqual([[0], [1, 2]]);
    expect(plan.batches.map((b) => b.totalBytes)).toEqual([131_072, 131_173]);
  });

  it('applies both limits together', () => {
    const entries = [...small(4), entryOfSize(200_000, 'big'), entryOfSize(61_744, 'rest'), ...small(11)];
    const plan = planPutEventsBatches(entries);
    expect(indexesOf(plan)).toEqual([[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [16]]);
    expect(plan.batches.map((b) => b.totalBytes)).toEqual([262_144, 1_000, 100]);
  });

  it('sends an entry of exactly 262,144 bytes alone and rejects one of 262,145 with its size error', () => {
    const entries = [
      entryOfSize(100, 'a'),
      entryOfSize(262_145, 'too-big'),
      entryOfSize(262_144, 'max'),
      entryOfSize(100, 'b'),
    ];
    const plan = planPutEventsBatches(entries);
    expect(indexesOf(plan)).toEqual([[0], [2], [3]]);
    expect(plan.rejected).toHaveLength(1);
    const [rejected] = plan.rejected;
    expect(rejected.index).toBe(1);
    expect(rejected.entry).toBe(entries[1]);
    expect(rejected.error).toBeInstanceOf(EventTooLargeError);
    expect(rejected.error).toMatchObject({ limitName: 'EventBridgeEntry', actualBytes: 262_145, eventId: 'too-big' });
    expect(rejected.error.message).toContain(
      "EventBridge entry for event 'too-big' is 262,145 bytes; PutEvents allows 262,144 bytes per entry (1 bytes over).",
    );
  });

  it('plans nothing for no entries', () => {
    expect(planPutEventsBatches([])).toEqual({ batches: [], rejected: [] });
  });

  it('takes other limits when AWS changes them', () => {
    expect(indexesOf(planPutEventsBatches(small(5), { maxEntries: 2 }))).toEqual([[0, 1], [2, 3], [4]]);
  });
});
