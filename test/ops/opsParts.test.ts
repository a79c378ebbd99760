/**
 * The operator tool's pure parts: key parsing and matching, filters, the trace diff, plan hashes, the rate bound,
 * the Step Functions read rate.
 */
import { describe, expect, it } from 'vitest';
import { identify, OpsKeySettingError, parseKeys } from '../../ops/access/opsKeys';
import { OpsValidationError } from '../../ops/errors';
import { parseWhere, whereText } from '../../ops/query/parseWhere';
import { runBounded } from '../../ops/replay/boundedRunner';
import { PlanHasher, planHash } from '../../ops/replay/planHash';
import type { PlanItem } from '../../ops/replay/replayPlan';
import { traceDiff } from '../../ops/show/traceDiff';
import { CallRate } from '../../ops/backends/stepFunctions/callRate';
import { stepFunctionsReadRate } from '../../ops/opsFromSettings';
import { setEnv } from '../fixtures/env';
import { redriveEligibility } from '../../ops/backends/stepFunctions/redriveEligibility';
import type { SagaRun } from '../../ops/model/sagaRun';

describe('ops keys', () => {
  const keys = [
    ...parseKeys('OPS_READER_KEYS', 'rita=reader-key-0123456789', 'reader'),
    ...parseKeys('OPS_OPERATOR_KEYS', 'otto=operator-key-0123456789, olga=operator-key-rotated-01', 'operator'),
  ];

  it('finds the caller by key, by name and role, for every key of a role (rotation)', () => {
    expect(identify(keys, 'reader-key-0123456789')).toEqual({ name: 'rita', role: 'reader' });
    expect(identify(keys, 'operator-key-rotated-01')).toEqual({ name: 'olga', role: 'operator' });
    expect(identify(keys, 'operator-key-012345678')).toBeUndefined();
    expect(identify(keys, '')).toBeUndefined();
    expect(identify(keys, null)).toBeUndefined();
  });

  it('refuses malformed settings naming the setting and entry, never echoing a key', () => {
    expect(() => parseKeys('OPS_READER_KEYS', 'rita=short', 'reader')).toThrow(OpsKeySettingError);
    try {
      parseKeys('OPS_OPERATOR_KEYS', 'ok=operator-key-0123456789,=secret-without-a-name-123', 'operator');
    } catch (e) {
      expect((e as Error).message).toMatch(/^OPS_OPERATOR_KEYS entry 2 is not name=key/);
      expect((e as Error).message).not.toContain('secret-without-a-name-123');
    }
  });
});

describe('filters', () => {
  it('reads statuses, engines, prefixes and times, case-insensitively, and refuses what it does not know', () => {
    expect(parseWhere(whereText('status=failed|NeedsAttention,engine=durable,since=2026-12-01T00:00:00Z'))).toEqual({
      statuses: ['Failed', 'NeedsAttention'],
      engines: ['durable'],
      createdFrom: Date.parse('2026-12-01T00:00:00Z'),
    });
    expect(() => parseWhere({ since: 'yesterday' })).toThrow(/since="yesterday" is not an ISO-8601/);
    expect(() => parseWhere({ engine: 'lambda' })).toThrow(OpsValidationError);
    expect(() => whereText('status')).toThrow(/is not name=value/);
  });
});

describe('trace diff', () => {
  it('names the first divergence, the steps missing on each side, outcomes and attempt counts', () => {
    const attempt = (activity: string) => ({
      kind: 'attempt' as const,
      activity,
      attempt: 1,
      start: '',
      result: 'succeeded' as const,
    });
    const diff = traceDiff(
      {
        trace: ['reserveInventory', 'chargePayment', 'await:PaymentConfirmed', 'sendNotification'],
        timeline: [attempt('chargePayment'), attempt('chargePayment')],
        outcome: 'Completed',
      },
      {
        trace: ['reserveInventory', 'chargePayment', 'releaseInventory'],
        timeline: [attempt('chargePayment')],
        outcome: 'Compensated',
      },
    );
    expect(diff).toEqual({
      same: false,
      firstDivergence: { index: 2, durable: 'await:PaymentConfirmed', stepFunctions: 'releaseInventory' },
      missingOnDurable: ['releaseInventory'],
      missingOnStepFunctions: ['await:PaymentConfirmed', 'sendNotification'],
      outcome: { durable: 'Completed', stepFunctions: 'Compensated' },
      attempts: [{ activity: 'chargePayment', durable: 2, stepFunctions: 1 }],
    });
  });
});

describe('plan hash', () => {
  const item = (fingerprint: string): PlanItem => ({
    orderId: 'o1',
    engine: 'durable',
    run: 'o1',
    status: 'Failed',
    engineStatus: 'Failed',
    action: 'rewind',
    eligible: true,
    reason: '',
    steps: [],
    fingerprint,
  });
  it("depends on the mode, each saga's state and the plan's order, and is the same fed page by page", () => {
    const other = { ...item('b'), orderId: 'o2', run: 'o2' };
    const streamed = new PlanHasher('resume');
    for (const page of [[item('a')], [other]]) for (const i of page) streamed.add(i);
    expect(streamed.digest()).toBe(planHash('resume', [item('a'), other]));
    expect(planHash('resume', [item('a'), other])).not.toBe(planHash('resume', [other, item('a')]));
    expect(planHash('resume', [item('a')])).not.toBe(planHash('resume', [item('a2')]));
    expect(planHash('resume', [item('a')])).not.toBe(planHash('restart', [item('a')]));
  });
});

describe('redrive rules', () => {
  const run = (over: Partial<SagaRun>): SagaRun => ({
    engine: 'stepFunctions',
    run: 'o1',
    status: 'Failed',
    engineStatus: 'FAILED',
    createdAt: '',
    updatedAt: '',
    ...over,
  });
  it("reports each of RedriveExecution's rules as a reason", () => {
    const now = Date.parse('2026-12-20T00:00:00Z');
    expect(
      redriveEligibility(run({}), { redriveStatus: 'REDRIVABLE', stopDate: new Date('2026-12-19T00:00:00Z') }, now)
        .eligible,
    ).toBe(true);
    expect(
      redriveEligibility(run({}), { redriveStatus: 'REDRIVABLE', stopDate: new Date('2026-12-01T00:00:00Z') }, now)
        .reason,
    ).toMatch(/within 14 days of closing/);
    expect(redriveEligibility(run({ status: 'Completed', engineStatus: 'SUCCEEDED' }), {}, now).reason).toMatch(
      /nothing to replay/,
    );
    expect(redriveEligibility(run({ status: 'NeedsAttention' }), { redriveStatus: 'REDRIVABLE' }, now).reason).toMatch(
      /would fail there again/,
    );
    expect(
      redriveEligibility(
        run({}),
        { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution is SUCCEEDED' },
        now,
      ).reason,
    ).toMatch(/NOT_REDRIVABLE: Execution is SUCCEEDED/);
  });
});

describe('bounded runner', () => {
  it('keeps at most `concurrency` in flight and spaces starts to the rate', async () => {
    let inFlight = 0;
    let most = 0;
    const t0 = Date.now();
    const starts: number[] = [];
    await runBounded(
      Array.from({ length: 10 }, (_, i) => i),
      { concurrency: 3, perSecond: 50 },
      async () => {
        starts.push(Date.now() - t0);
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 30));
        inFlight--;
      },
    );
    expect(most).toBeLessThanOrEqual(3);
    expect(starts[9]).toBeGreaterThanOrEqual(9 * 20 - 5);
  });
});

describe('Step Functions read rate', () => {
  it('hands out turns spaced to the rate, in the order asked, and none at all when unlimited', async () => {
    const rate = new CallRate(50);
    const t0 = Date.now();
    const at: number[] = [];
    await Promise.all(Array.from({ length: 6 }, async (_, i) => (await rate.turn(), (at[i] = Date.now() - t0))));
    expect(at[5]).toBeGreaterThanOrEqual(5 * 20 - 5);
    expect([...at].sort((a, b) => a - b)).toEqual(at);

    const free = new CallRate(Infinity);
    const t1 = Date.now();
    for (let i = 0; i < 1000; i++) await free.turn();
    expect(Date.now() - t1).toBeLessThan(50);
    expect(() => new CallRate(0)).toThrow(RangeError);
  });

  it('allows 10 reads a second against AWS, none spaced against a local endpoint, or what the setting says', () => {
    const rate = (env: Record<string, string | undefined>) => {
      const restore = setEnv({ AWS_ENDPOINT_URL_SFN: undefined, OPS_SFN_READS_PER_SECOND: undefined, ...env });
      try {
        return stepFunctionsReadRate();
      } finally {
        restore();
      }
    };
    expect(rate({})).toBe(10);
    expect(rate({ AWS_ENDPOINT_URL_SFN: 'http://127.0.0.1:7071/stepfunctions' })).toBe(Infinity);
    expect(rate({ AWS_ENDPOINT_URL_SFN: 'https://states.eu-west-1.amazonaws.com' })).toBe(10);
    expect(rate({ OPS_SFN_READS_PER_SECOND: '4', AWS_ENDPOINT_URL_SFN: 'http://localhost:7071' })).toBe(4);
    expect(() => rate({ OPS_SFN_READS_PER_SECOND: 'fast' })).toThrow(
      /OPS_SFN_READS_PER_SECOND="fast" must be a positive integer/,
    );
  });
});
