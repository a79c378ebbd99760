import { describe, expect, it } from 'vitest';
import { parseRunName, runName } from '../../saga/domain/runName';

describe('run names', () => {
  it('names the first run by the order id and restarts <orderId>.r<N>, and reads them back', () => {
    expect(runName('ord-1', 1)).toBe('ord-1');
    expect(runName('ord-1', 3)).toBe('ord-1.r3');
    expect(parseRunName('ord-1')).toEqual({ orderId: 'ord-1', attempt: 1 });
    expect(parseRunName('ord-1.r3')).toEqual({ orderId: 'ord-1', attempt: 3 });
  });

  it('treats names no order saga would have as orphans', () => {
    for (const name of ['', 'ord 1', 'ord-1.r1', 'ord-1.r0', 'ord-1.rx', '.r2', 'a/b'])
      expect(parseRunName(name)).toBeUndefined();
    expect(() => runName('ord-1', 0)).toThrow(/whole number/);
  });
});
