import { effectRunOf, holdKey } from '../saga/domain/idempotency';
import type { StepInput, StepResult } from '../saga/domain/saga';
import type { InventoryPort, StockLine } from '../saga/ports';
import { appPorts } from '../adapters/appPorts';
import { sagaActivity } from './sagaActivity';

/**
 * Once the payment is confirmed the order's reserved stock is sold: it moves from reserved to sold and its
 * reservations are archived (they expire), so nothing the order left behind grows with the number of orders.
 * Idempotent: a repeat moves nothing.
 */
export async function finalizeInventory(
  input: StepInput,
  inventory: InventoryPort,
): Promise<StepResult<{ sold: StockLine[] }>> {
  return { ok: true, data: await inventory.finalize(holdKey(effectRunOf(input)), input.order.lines) };
}

export const finalizeInventoryActivity = sagaActivity('finalizeInventory', (input) =>
  finalizeInventory(input, appPorts().inventory),
);
