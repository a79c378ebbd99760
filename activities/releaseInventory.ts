import { effectRunOf, holdKey } from '../saga/domain/idempotency';
import type { StepInput, StepResult } from '../saga/domain/saga';
import type { InventoryPort, StockLine } from '../saga/ports';
import { appPorts } from '../adapters/appPorts';
import { sagaActivity } from './sagaActivity';

/**
 * Compensation of reserveInventory: gives back exactly what the order's reservations hold, once (a repeat gives
 * back nothing; run before the reserve, it keeps that reserve from holding anything).
 */
export async function releaseInventory(
  input: StepInput,
  inventory: InventoryPort,
): Promise<StepResult<{ released: StockLine[] }>> {
  return { ok: true, data: await inventory.release(holdKey(effectRunOf(input)), input.order.lines) };
}

export const releaseInventoryActivity = sagaActivity('releaseInventory', (input) =>
  releaseInventory(input, appPorts().inventory),
);
