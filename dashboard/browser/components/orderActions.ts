import type { OrderView } from '../apiTypes.js';
import { canMutate, PageContext, READER_ONLY } from '../context.js';
import { h } from '../elements.js';
import { errorArea, openDialog, reasonField } from './dialog.js';
import { openReplayDialog } from './replayDialog.js';

const OPEN = new Set(['Running', 'Awaiting', 'Stuck', 'NeedsAttention']);

/** Asks for a note or reason, sends the call, and shows its answer in the dialog. */
function confirmAction(
  ctx: PageContext,
  title: string,
  explain: string,
  label: string,
  send: (text: string) => Promise<string>,
  done: () => void,
): void {
  const field = reasonField(label, 'Recorded in the audit with your key name.');
  const error = errorArea();
  const outcome = h('p', { 'aria-live': 'polite' });
  const go = h('button', { type: 'button', class: 'danger' }, title);
  go.addEventListener('click', async () => {
    error.set();
    const text = field.input.value.trim();
    if (!text) {
      error.set(`${label} is required.`);
      field.input.focus();
      return;
    }
    go.disabled = true;
    try {
      outcome.textContent = await send(text);
      ctx.announce(outcome.textContent);
      done();
    } catch (e) {
      error.set((e as Error).message);
      go.disabled = false;
    }
  });
  openDialog(title, h('p', {}, explain), field.field, h('div', { class: 'actions' }, go), error.el, outcome);
}

/**
 * The order's operator actions. A reader sees every button disabled with the reason; an operator sees the
 * ones that apply to the order's state enabled (the API re-checks anyway).
 */
export function orderActions(ctx: PageContext, view: OrderView, reload: () => void): HTMLElement {
  const operator = canMutate(ctx);
  const latest = Object.values(view.latest);
  const parked = latest.some((d) => d?.run.status === 'NeedsAttention' && /^running$/i.test(d.run.engineStatus));
  const open = latest.some((d) => d && OPEN.has(d.run.status) && /^running$/i.test(d.run.engineStatus));
  const button = (text: string, applies: boolean, why: string, onclick: () => void) =>
    h(
      'button',
      {
        type: 'button',
        disabled: !operator || !applies,
        title: !operator ? READER_ONLY : applies ? undefined : why,
        onclick,
      },
      text,
    );
  const id = view.orderId;
  return h(
    'div',
    { class: 'toolbar', role: 'group', 'aria-label': 'Operator actions' },
    button('Replay…', true, '', () => openReplayDialog(ctx, { orderIds: [id] }, `order ${id}`, reload)),
    button('Retry compensation…', parked, 'Only a parked NeedsAttention saga waits for a decision.', () =>
      confirmAction(
        ctx,
        'Retry compensation',
        `The parked saga of ${id} runs its failed compensations again.`,
        'Note',
        async (note) => (await ctx.api.decide(id, 'retryCompensation', note), 'Decision sent: retryCompensation.'),
        reload,
      ),
    ),
    button('Mark resolved…', parked, 'Only a parked NeedsAttention saga waits for a decision.', () =>
      confirmAction(
        ctx,
        'Mark resolved',
        `The parked saga of ${id} ends as resolved by hand; nothing runs again.`,
        'Note',
        async (note) => (await ctx.api.decide(id, 'markResolved', note), 'Decision sent: markResolved.'),
        reload,
      ),
    ),
    button('Terminate…', open, 'No run of this order is in progress.', () =>
      confirmAction(
        ctx,
        'Terminate',
        `Stops the runs of ${id} still in progress; no compensation runs.`,
        'Reason',
        async (reason) =>
          (await ctx.api.terminate(id, reason)).outcomes.map((o) => `${o.result}: ${o.detail}`).join('; '),
        reload,
      ),
    ),
  );
}
