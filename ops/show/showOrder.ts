import type { RunDetail, SagaBackend } from '../backends/sagaBackend';
import { UnknownOrderError } from '../errors';
import type { Engine } from '../model/sagaRun';
import { traceDiff } from './traceDiff';
import type { OrderView } from '../wire/orderView';

export type { OrderView };

/** An order as the tool holds it: each latest run with what only the tool may use (the decision token). */
export interface OrderDetail extends Omit<OrderView, 'latest'> {
  latest: Partial<Record<Engine, RunDetail>>;
}

/**
 * The order as callers see it: without the decision task's token (a capability, not information) nor the kept
 * steps' results a resume would carry (activity answers; the calls route shows them to whoever opens one).
 */
export function publicView(order: OrderDetail): OrderView {
  const latest: OrderView['latest'] = {};
  for (const [engine, detail] of Object.entries(order.latest) as [Engine, RunDetail][]) {
    const shown: RunDetail = { ...detail };
    delete shown.decisionToken;
    delete shown.keptSteps;
    latest[engine] = shown;
  }
  return { ...order, latest };
}

const outcomeOf = (d: RunDetail): string => d.run.outcome ?? d.run.status;

export async function showOrder(backends: SagaBackend[], orderId: string): Promise<OrderDetail> {
  const perEngine = await Promise.all(backends.map(async (b) => ({ backend: b, runs: await b.runsOf(orderId) })));
  const runs = perEngine.flatMap((p) => p.runs);
  if (!runs.length) throw new UnknownOrderError(orderId);
  const latest: Partial<Record<Engine, RunDetail>> = {};
  await Promise.all(
    perEngine
      .filter((p) => p.runs.length)
      .map(async (p) => {
        const detail = await p.backend.detail(p.runs[p.runs.length - 1].run);
        if (detail) latest[p.backend.engine] = detail;
      }),
  );
  const { durable, stepFunctions } = latest;
  return {
    orderId,
    runs,
    latest,
    ...(durable && stepFunctions
      ? {
          diff: traceDiff(
            { trace: durable.trace, timeline: durable.timeline, outcome: outcomeOf(durable) },
            { trace: stepFunctions.trace, timeline: stepFunctions.timeline, outcome: outcomeOf(stepFunctions) },
          ),
        }
      : {}),
  };
}
