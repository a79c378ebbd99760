// Paging a query's finished result: the result is kept for the continuation tokens of the next pages, bounded in
// entries, items and time; a page whose kept result is gone recomputes it and continues at its offset.
import { describe, expect, it } from 'vitest';
import { queryPage } from '../../src/cosmos/queryExecution/queryPages';
import { QueryResultCache } from '../../src/cosmos/queryExecution/queryResultCache';

const numbers = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('queryPage', () => {
  it('computes the result once and pages through it with continuation tokens', () => {
    const cache = new QueryResultCache();
    let computed = 0;
    const compute = () => (computed++, numbers(10));
    const pages: string[][] = [];
    let continuation: string | undefined;
    do {
      const page = queryPage(cache, 'q', compute, 4, continuation);
      pages.push(page.items);
      continuation = page.continuation;
    } while (continuation);
    expect(pages).toEqual([
      ['0', '1', '2', '3'],
      ['4', '5', '6', '7'],
      ['8', '9'],
    ]);
    expect(computed).toBe(1);
  });

  it('recomputes when the kept result expired, and refuses a token it did not issue', () => {
    let now = 0;
    const cache = new QueryResultCache(64, 1_000_000, 1_000, () => now);
    const first = queryPage(cache, 'q', () => numbers(10), 4, undefined);
    now = 5_000;
    let computed = 0;
    const second = queryPage(cache, 'q', () => (computed++, numbers(10)), 4, first.continuation);
    expect(second.items).toEqual(['4', '5', '6', '7']);
    expect(computed).toBe(1);
    expect(() => queryPage(cache, 'q', () => [], 4, 'not-a-token')).toThrow(/was not issued/);
  });

  it('keeps results for the same query only, and evicts the oldest past its item budget', () => {
    const cache = new QueryResultCache(64, 15);
    const a = cache.keep('a', numbers(10));
    expect(cache.get(a, 'other query')).toBeUndefined();
    const b = cache.keep('b', numbers(10));
    expect(cache.get(a, 'a')).toBeUndefined();
    expect(cache.get(b, 'b')).toHaveLength(10);
  });

  it('ends a page before 4 MB of results, whatever the page size asked for', () => {
    const big = Array.from({ length: 5 }, () => 'x'.repeat(1024 * 1024));
    const page = queryPage(new QueryResultCache(), 'big', () => big, 100, undefined);
    expect(page.items).toHaveLength(3);
    expect(page.continuation).toBeDefined();
  });
});
