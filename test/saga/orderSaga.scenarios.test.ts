import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import type { SagaResult } from '../../saga/domain/saga';
import { inventory, settleSaga, startOrderApp } from '../fixtures/orderApp';
import { ORDER_SCENARIOS, scenarioOrder } from '../fixtures/orderScenarios';
import { expectSideEffects, placeOrder, withScenarioSettings } from '../fixtures/orderScenarioRun';
import { forgeOnDurable } from '../fixtures/forgedConfirmation';

let t: TestPlatform;

beforeAll(async () => {
  t = await startOrderApp();
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe.each(ORDER_SCENARIOS.map((s, i) => [s.name, s, i] as const))('order saga: %s', (_name, scenario, index) => {
  it('reaches the expected outcome with exactly the expected side effects', async () => {
    const order = scenarioOrder(scenario, index);
    const orderId = order.orderId as string;
    await withScenarioSettings(scenario, async () => {
      await inventory(t).set(scenario.stock);
      await placeOrder(t, scenario, order);
      if (scenario.forge) await forgeOnDurable(t, orderId);
      await settleSaga(t, orderId);
    });
    const exp = scenario.expect;
    const status = t.platform.engine.getStatus(orderId)!;
    const result = status.output as SagaResult;

    if (exp.outcome === 'NeedsAttention') {
      expect(status.runtimeStatus).toBe('Running');
      expect(status.customStatus).toMatchObject({
        phase: 'parked',
        outcome: 'NeedsAttention',
        failedStep: exp.failedStep,
      });
      expect(JSON.stringify(status.customStatus)).toContain(exp.reason!);
      expect((status.customStatus as { trace?: string[] }).trace).toEqual(exp.trace);
    } else {
      expect(status.runtimeStatus).toBe('Completed');
      expect(result.outcome).toBe(exp.outcome);
      expect(result.trace).toEqual(exp.trace);
      expect(result.failedStep).toBe(exp.failedStep);
      if (exp.reason) expect(result.reason).toContain(exp.reason);
      expect(result.warnings.map((w) => w.step)).toEqual(exp.warnings);
      // A forged confirmation is recorded with why it was not trusted; nothing else is ever ignored.
      expect(result.ignoredEvents ?? []).toEqual(
        scenario.forge
          ? [
              {
                event: 'PaymentConfirmed',
                reason: expect.stringMatching(/PaymentNotVerified: charge ch_\w+ is pending/),
              },
            ]
          : [],
      );
    }

    await expectSideEffects(t, scenario, orderId);
  });
});
