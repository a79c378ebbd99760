import { createEvent, IntegrationEvent } from '../saga/domain/events';
import { eventKey, runOf } from '../saga/domain/idempotency';
import type { StepInput, StepResult } from '../saga/domain/saga';
import type { AnalyticsStore, Charge, EventPublisher, OrderFact, RunOutcomes } from '../saga/ports';
import { appPorts } from '../adapters/appPorts';
import { SagaEngine, sagaActivity } from './sagaActivity';

/** The event announcing how the saga ended; none while it waits for an operator. */
export function outcomeEvent(input: StepInput, now: Date): IntegrationEvent | undefined {
  const { order } = input;
  const outcome = input.outcome?.outcome ?? 'Completed';
  // A deterministic id: a retried publish is a duplicate Service Bus drops, not a second event.
  const meta = (type: string) => ({
    id: eventKey(runOf(input), type),
    time: now.toISOString(),
    subject: order.orderId,
  });
  if (outcome === 'Completed') {
    const charge = input.results.chargePayment as Charge | undefined;
    return createEvent(
      'OrderCompleted',
      {
        orderId: order.orderId,
        customerId: order.customer.id,
        total: order.total,
        currency: order.currency,
        chargeId: charge?.chargeId ?? '',
        warnings: input.warnings ?? [],
      },
      meta('OrderCompleted'),
    );
  }
  if (outcome === 'Compensated')
    return createEvent(
      'OrderCompensated',
      {
        orderId: order.orderId,
        customerId: order.customer.id,
        total: order.total,
        currency: order.currency,
        failedStep: input.outcome?.failedStep ?? '',
        reason: input.outcome?.reason ?? '',
        compensations: (input.outcome?.compensations ?? []).map((c) => ({
          step: c.step,
          activity: c.activity,
          status: c.status,
        })),
      },
      meta('OrderCompensated'),
    );
  return undefined;
}

/**
 * Records the order's outcome in the analytics container and announces it on Service Bus; a Step Functions run
 * also records its own outcome by run name (`runOutcomes`), which is how the operator tool tells a Completed
 * execution from a Compensated one without describing it. Durable lists its outputs, so it records none.
 */
export async function syncAnalytics(
  input: StepInput,
  analytics: AnalyticsStore,
  events: EventPublisher,
  now: Date = new Date(),
  runOutcomes?: { engine: SagaEngine; store: RunOutcomes },
): Promise<StepResult<{ event?: string }>> {
  const { order } = input;
  const fact: OrderFact = {
    id: order.orderId,
    orderId: order.orderId,
    customerId: order.customer.id,
    outcome: input.outcome?.outcome ?? 'Completed',
    total: order.total,
    currency: order.currency,
    lines: order.lines.length,
    units: order.lines.reduce((n, l) => n + l.qty, 0),
    ...(input.outcome?.failedStep ? { failedStep: input.outcome.failedStep, reason: input.outcome.reason } : {}),
  };
  await analytics.upsertOrderFact(fact);
  if (runOutcomes?.engine === 'stepfunctions')
    await runOutcomes.store
      .record({
        id: runOf(input),
        orderId: order.orderId,
        engine: 'stepfunctions',
        outcome: fact.outcome,
        ...(input.outcome?.failedStep ? { failedStep: input.outcome.failedStep } : {}),
        ...(input.outcome?.reason ? { reason: input.outcome.reason } : {}),
        recordedAt: now.toISOString(),
      })
      // The record only spares the operator tool a describe: failing the step (a saga warning) would say the
      // order's analytics failed when they did not.
      .catch((e: Error) =>
        console.warn(
          `Could not record the outcome of run ${runOf(input)} (the operator tool will describe the execution instead): ${e.message}`,
        ),
      );
  const event = outcomeEvent(input, now);
  if (event) await events.publish([event]);
  return { ok: true, data: { event: event?.type } };
}

export const syncAnalyticsActivity = sagaActivity('syncAnalytics', (input, engine) =>
  syncAnalytics(input, appPorts().analytics, appPorts().events, new Date(), {
    engine,
    store: appPorts().runOutcomes,
  }),
);
