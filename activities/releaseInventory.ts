import type { StepInput, StepResult } from '../saga/domain/saga';
import type { InventoryPort } from '../saga/ports';
import { appPorts } from '../adapters/appPorts';
import { sagaActivity } from './sagaActivity';

/** Compensation of reserveInventory: gives back whatever the order still holds (a repeat releases nothing). */
export async function releaseInventory(
  input: StepInput,
  inventory: InventoryPort,
): Promise<StepResult<{ released: { sku: string; qty: number }[] }>> {
  const released = await inventory.release(
    input.order.orderId,
    input.order.lines.map((l) => l.sku),
  );
  return { ok: true, data: released };
}

export const releaseInventoryActivity = sagaActivity('releaseInventory', (input) =>
  releaseInventory(input, appPorts().inventory),
);
