/**
 * The same order run on Durable and on Step Functions (the dashboard demo does this; the conformance suite uses
 * separate ids): each engine's run is its own run of the order, with its own reservation and its own charge
 * under keys that carry the engine (saga/domain/idempotency.ts keyRun). Neither engine's run is refused as
 * "idempotency key reused", answers from the other's reservation, or releases or refunds what the other holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../fixtures/orderApp';
import {
  executionStatus,
  OpsPlatform,
  order,
  passTimeUntil,
  placeOnDurable,
  placeOnStepFunctions,
  setStock,
  startOpsPlatform,
} from '../fixtures/opsPlatform';

let p: OpsPlatform;
const durableOutcome = (id: string) =>
  (p.t.platform.engine.getStatus(id)?.output as { outcome?: string } | undefined)?.outcome;

beforeAll(async () => {
  p = await startOpsPlatform();
}, 60_000);

afterAll(async () => {
  await p?.stop();
});

describe('the same order on both engines', () => {
  it('completes on each engine with its own charge and its own stock, keyed by the engine', async () => {
    await setStock(p, { 'SKU-BOTH': 5 });
    const o = order('both-1', 'pm_card_visa', 'SKU-BOTH', 2);
    await placeOnDurable(p, o);
    await placeOnStepFunctions(p, o);
    await passTimeUntil(
      p,
      async () => durableOutcome('both-1') !== undefined && (await executionStatus(p, 'both-1')) !== 'RUNNING',
      10,
    );
    expect(durableOutcome('both-1')).toBe('Completed');
    expect(await executionStatus(p, 'both-1')).toBe('SUCCEEDED');

    const charges = p.t.platform.clouds.paymentGateway.ledger().charges.filter((c) => c.orderId === 'both-1');
    expect(charges.map((c) => `${c.metadata?.engine} ${c.status} ${c.amount}`).sort()).toEqual([
      'durable succeeded 900',
      'stepfunctions succeeded 900',
    ]);
    expect(
      p.t.platform.clouds.paymentGateway.ledger().refunds.filter((r) => charges.some((c) => c.id === r.charge)),
    ).toEqual([]);
    // Two runs, two units each, both sold; nothing left reserved; each run's reservation under its own key.
    expect(await inventory(p.t).get('SKU-BOTH')).toMatchObject({ available: 1, reserved: 0, sold: 4 });
    expect(await inventory(p.t).reservation('SKU-BOTH', 'both-1')).toMatchObject({ state: 'sold', qty: 2 });
    expect(await inventory(p.t).reservation('SKU-BOTH', 'sfn:both-1')).toMatchObject({ state: 'sold', qty: 2 });
  });

  it("compensates one engine's run without touching the other's charge or reservation", async () => {
    // Stock for one run only: the run that reserves second is refused and compensates; the first completes.
    await setStock(p, { 'SKU-ONE': 1 });
    const o = order('both-2', 'pm_card_visa', 'SKU-ONE', 1);
    await placeOnDurable(p, o);
    await passTimeUntil(p, async () => durableOutcome('both-2') !== undefined, 10);
    await placeOnStepFunctions(p, o);
    await passTimeUntil(p, async () => (await executionStatus(p, 'both-2')) !== 'RUNNING', 10);

    expect(durableOutcome('both-2')).toBe('Completed');
    const output = JSON.parse(
      (
        await p.sfn.send(
          new (await import('@aws-sdk/client-sfn')).DescribeExecutionCommand({
            executionArn: `${p.stateMachineArn.replace(':stateMachine:', ':execution:')}:both-2`,
          }),
        )
      ).output!,
    ) as { outcome: string; failedStep: string; reason: string };
    expect(output).toMatchObject({ outcome: 'Compensated', failedStep: 'reserveInventory' });
    expect(output.reason).toMatch(/^OutOfStock: SKU-ONE/);

    const charges = p.t.platform.clouds.paymentGateway.ledger().charges.filter((c) => c.orderId === 'both-2');
    expect(charges.map((c) => `${c.metadata?.engine} ${c.status} ${c.amountRefunded}`)).toEqual([
      'durable succeeded 0',
    ]);
    expect(await inventory(p.t).get('SKU-ONE')).toMatchObject({ available: 0, reserved: 0, sold: 1 });
    expect(await inventory(p.t).reservation('SKU-ONE', 'both-2')).toMatchObject({ state: 'sold' });
  });
});
