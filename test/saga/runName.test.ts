import { describe, expect, it } from 'vitest';
import { attemptRunName, compareRuns, parseRunName, resumeRunName, runName } from '../../saga/domain/runName';

describe('run names', () => {
  it('names the first run by the order id and restarts <orderId>.r<N>, and reads them back', () => {
    expect(runName('ord-1', 1)).toBe('ord-1');
    expect(runName('ord-1', 3)).toBe('ord-1.r3');
    expect(parseRunName('ord-1')).toEqual({ orderId: 'ord-1', attempt: 1 });
    expect(parseRunName('ord-1.r3')).toEqual({ orderId: 'ord-1', attempt: 3 });
  });

  it("names resume runs <run>.resume<M>, told apart from restarts, acting under their attempt's run", () => {
    expect(resumeRunName('ord-1', 1, 1)).toBe('ord-1.resume1');
    expect(resumeRunName('ord-1', 3, 2)).toBe('ord-1.r3.resume2');
    expect(parseRunName('ord-1.resume1')).toEqual({ orderId: 'ord-1', attempt: 1, resume: 1 });
    expect(parseRunName('ord-1.r3.resume2')).toEqual({ orderId: 'ord-1', attempt: 3, resume: 2 });
    expect(attemptRunName('ord-1.r3.resume2')).toBe('ord-1.r3');
    expect(attemptRunName('ord-1.resume4')).toBe('ord-1');
    expect(attemptRunName('ord-1.r3')).toBe('ord-1.r3');
    expect(attemptRunName('hand.made.name')).toBe('hand.made.name');
    const names = ['ord-1.r2', 'ord-1.resume2', 'ord-1', 'ord-1.r2.resume1', 'ord-1.resume1'];
    expect(names.sort((a, b) => compareRuns(parseRunName(a)!, parseRunName(b)!))).toEqual([
      'ord-1',
      'ord-1.resume1',
      'ord-1.resume2',
      'ord-1.r2',
      'ord-1.r2.resume1',
    ]);
    expect(() => resumeRunName('ord-1', 1, 0)).toThrow(/whole number/);
  });

  it('treats names no order saga would have as orphans', () => {
    for (const name of [
      '',
      'ord 1',
      'ord-1.r1',
      'ord-1.r0',
      'ord-1.rx',
      '.r2',
      'a/b',
      'ord-1.resume0',
      'ord-1.resume',
      'ord-1.resumex',
      'ord-1.r1.resume1',
      '.resume1',
      'ord-1.resume1.r2',
    ])
      expect(parseRunName(name)).toBeUndefined();
    expect(() => runName('ord-1', 0)).toThrow(/whole number/);
  });
});
