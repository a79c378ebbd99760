import type { SagaState } from '../apiTypes.js';
import { h } from '../elements.js';

/** The normalized status as text with a colour (never colour alone), the engine's own status in the title. */
export function statusBadge(status: SagaState, engineStatus?: string): HTMLElement {
  return h(
    'span',
    { class: `badge status-${status}`, title: engineStatus ? `engine status: ${engineStatus}` : undefined },
    status,
  );
}
