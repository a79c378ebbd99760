/**
 * Aggregate functions, as the Cosmos docs define them over semi-structured data:
 *  - COUNT counts the defined values.
 *  - SUM and AVG skip undefined values; any other non-number (string, boolean, null, array, object) makes the whole
 *    aggregate undefined. SUM of nothing is 0, AVG of nothing is undefined.
 *  - MIN and MAX skip undefined values and compare across kinds in the order null < boolean < number < string; an
 *    array or object makes them undefined. Of nothing they are undefined.
 *  - MAKELIST and MAKESET (reported by the SDK's query plan) collect the defined values, MAKESET without repeats.
 */
import { canonicalKey, compareValues, kindOf } from './typeOrder';

export type AggregateName = 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX' | 'MAKELIST' | 'MAKESET';

/** The names the query plan's `aggregates` uses (AggregateOperator in the SDKs). */
export const AGGREGATE_OPERATORS: Readonly<Record<AggregateName, string>> = {
  COUNT: 'Count',
  SUM: 'Sum',
  AVG: 'Average',
  MIN: 'Min',
  MAX: 'Max',
  MAKELIST: 'MakeList',
  MAKESET: 'MakeSet',
};

export function aggregateName(functionName: string): AggregateName | undefined {
  const upper = functionName.toUpperCase();
  return upper in AGGREGATE_OPERATORS ? (upper as AggregateName) : undefined;
}

export interface Accumulator {
  add(value: unknown): void;
  result(): unknown;
}

class CountAccumulator implements Accumulator {
  private count = 0;
  add(value: unknown): void {
    if (value !== undefined) this.count++;
  }
  result(): unknown {
    return this.count;
  }
}

class SumAccumulator implements Accumulator {
  private sum = 0;
  private count = 0;
  private poisoned = false;
  constructor(private readonly average: boolean) {}
  add(value: unknown): void {
    if (value === undefined) return;
    if (typeof value !== 'number') this.poisoned = true;
    else {
      this.sum += value;
      this.count++;
    }
  }
  result(): unknown {
    if (this.poisoned) return undefined;
    if (!this.average) return this.sum;
    return this.count === 0 ? undefined : this.sum / this.count;
  }
}

class ExtremeAccumulator implements Accumulator {
  private best: unknown = undefined;
  private poisoned = false;
  constructor(private readonly sign: 1 | -1) {}
  add(value: unknown): void {
    if (value === undefined) return;
    const kind = kindOf(value);
    if (kind === 'array' || kind === 'object') this.poisoned = true;
    else if (this.best === undefined || this.sign * compareValues(value, this.best) > 0) this.best = value;
  }
  result(): unknown {
    return this.poisoned ? undefined : this.best;
  }
}

class ListAccumulator implements Accumulator {
  private readonly values: unknown[] = [];
  private readonly seen = new Set<string>();
  constructor(private readonly distinct: boolean) {}
  add(value: unknown): void {
    if (value === undefined) return;
    if (this.distinct) {
      const key = canonicalKey(value);
      if (this.seen.has(key)) return;
      this.seen.add(key);
    }
    this.values.push(value);
  }
  result(): unknown {
    return [...this.values];
  }
}

export function createAccumulator(name: AggregateName): Accumulator {
  switch (name) {
    case 'COUNT':
      return new CountAccumulator();
    case 'SUM':
      return new SumAccumulator(false);
    case 'AVG':
      return new SumAccumulator(true);
    case 'MIN':
      return new ExtremeAccumulator(-1);
    case 'MAX':
      return new ExtremeAccumulator(1);
    case 'MAKELIST':
      return new ListAccumulator(false);
    case 'MAKESET':
      return new ListAccumulator(true);
  }
}
