import { effectRunOf, holdKey } from '../saga/domain/idempotency';
import type { StepInput, StepResult } from '../saga/domain/saga';
import type { InventoryPort, Reservation } from '../saga/ports';
import { appPorts } from '../adapters/appPorts';
import { sagaActivity } from './sagaActivity';

/** Reserves stock for every line of the order, or none; a repeat for the same order changes nothing. */
export function reserveInventory(input: StepInput, inventory: InventoryPort): Promise<StepResult<Reservation>> {
  return inventory.reserve(holdKey(effectRunOf(input)), input.order.lines);
}

export const reserveInventoryActivity = sagaActivity('reserveInventory', (input) =>
  reserveInventory(input, appPorts().inventory),
);
