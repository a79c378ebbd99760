import type { ReplayTarget } from '../api.js';
import type { ReplayMode, ReplayPlan, ReplayResults } from '../apiTypes.js';
import { ENGINE_LABEL } from '../apiTypes.js';
import type { PageContext } from '../context.js';
import { h, show } from '../elements.js';
import { errorArea, openDialog, reasonField } from './dialog.js';
import { applyInParts, PartialApply, progressText } from './partApply.js';
import { statusBadge } from './statusBadge.js';

const MODES: { mode: ReplayMode; label: string; hint: string }[] = [
  { mode: 'resume', label: 'Resume', hint: 'continue from the failed step, keeping what succeeded' },
  { mode: 'restart', label: 'Restart', hint: 'a new attempt of the order from its original input' },
];

function planTable(plan: ReplayPlan): HTMLElement {
  return h(
    'table',
    { class: 'plan' },
    h(
      'caption',
      {},
      `Plan ${plan.planHash}: ${plan.summary.eligible} eligible, ${plan.summary.ineligible} not`,
      plan.itemsContinuationToken
        ? ` (the first ${plan.items.length} shown; applying reads the rest page by page)`
        : '',
    ),
    h(
      'thead',
      {},
      h('tr', {}, ...['Order', 'Engine', 'Run', 'Status', 'Action', 'Eligible', 'Steps'].map((c) => h('th', {}, c))),
    ),
    h(
      'tbody',
      {},
      ...plan.items.map((i) =>
        h(
          'tr',
          { class: i.eligible ? 'eligible' : 'ineligible' },
          h('td', {}, i.orderId),
          h('td', {}, ENGINE_LABEL[i.engine]),
          h('td', {}, i.run, i.newRun ? ` → ${i.newRun}` : ''),
          h('td', {}, statusBadge(i.status, i.engineStatus)),
          h('td', {}, i.action),
          h('td', {}, i.eligible ? 'yes' : 'no', h('br'), h('small', {}, i.reason)),
          h(
            'td',
            {},
            h(
              'ul',
              { class: 'steps' },
              ...i.steps.map((s) =>
                h(
                  'li',
                  { class: s.runs ? 'runs' : 'kept' },
                  h('strong', {}, s.step),
                  `: ${s.effect}`,
                  s.idempotencyKey ? h('code', {}, ` ${s.idempotencyKey}`) : '',
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function resultsTable(results: ReplayResults): HTMLElement {
  const s = results.summary;
  return h(
    'table',
    { class: 'results' },
    h('caption', {}, `Applied ${s.applied}, skipped ${s.skipped}, failed ${s.failed} in ${s.durationMs} ms`),
    h('thead', {}, h('tr', {}, ...['Order', 'Engine', 'Action', 'Result', 'Detail'].map((c) => h('th', {}, c)))),
    h(
      'tbody',
      {},
      ...results.results.map((r) =>
        h(
          'tr',
          { class: `result-${r.result}` },
          h('td', {}, r.orderId),
          h('td', {}, ENGINE_LABEL[r.engine]),
          h('td', {}, r.action),
          h('td', {}, r.result),
          h('td', {}, r.detail, r.newRun ? ` (new run ${r.newRun})` : ''),
        ),
      ),
    ),
  );
}

/**
 * Replay one or many sagas: always the dry-run plan first (which steps run again, with which side effects and
 * idempotency keys), a reason, then apply with the plan's hash and read each saga's result. Changing the mode or
 * the reason after the dry run asks for a new one, so what is applied is what was shown.
 */
export function openReplayDialog(ctx: PageContext, target: ReplayTarget, what: string, onApplied?: () => void): void {
  const modeName = `mode-${Math.random().toString(36).slice(2)}`;
  const radios = MODES.map((m, i) =>
    h('input', { type: 'radio', name: modeName, value: m.mode, id: `${modeName}-${m.mode}`, checked: i === 0 }),
  );
  const reason = reasonField('Reason (recorded in the audit)', 'Say why, e.g. "gateway outage INC-123 is over".');
  const error = errorArea();
  const planArea = h('div', { class: 'plan-area', 'aria-live': 'polite' });
  const dryRunButton = h('button', { type: 'button', class: 'primary' }, 'Dry run');
  const applyButton = h('button', { type: 'button', class: 'danger', disabled: true }, 'Apply plan');
  let plan: { plan: ReplayPlan; mode: ReplayMode; reason: string } | undefined;

  let applying = false;
  const closeButton = () => dialog.querySelector<HTMLButtonElement>('.dialog-close button')!;

  const mode = (): ReplayMode => (radios.find((r) => r.checked)?.value as ReplayMode) ?? 'resume';
  const invalidate = () => {
    if (!plan) return;
    plan = undefined;
    applyButton.disabled = true;
    show(planArea, h('p', {}, 'The mode or reason changed: make a new dry run before applying.'));
  };
  for (const r of radios) r.addEventListener('change', invalidate);
  reason.input.addEventListener('input', invalidate);

  dryRunButton.addEventListener('click', async () => {
    error.set();
    const why = reason.input.value.trim();
    if (!why) {
      error.set('A reason is required: say why you replay (it is recorded in the audit).');
      reason.input.focus();
      return;
    }
    dryRunButton.disabled = true;
    try {
      const answer = await ctx.api.dryRun(target, mode(), why);
      plan = { plan: answer, mode: mode(), reason: why };
      show(planArea, planTable(answer));
      applyButton.disabled = answer.summary.eligible === 0;
      applyButton.textContent = `Apply plan ${answer.planHash.slice(0, 12)} to ${answer.summary.eligible} saga(s)`;
      ctx.announce(`Dry run: ${answer.summary.eligible} eligible, ${answer.summary.ineligible} not.`);
    } catch (e) {
      error.set((e as Error).message);
    } finally {
      dryRunButton.disabled = false;
    }
  });

  applyButton.addEventListener('click', async () => {
    if (!plan) return;
    error.set();
    applyButton.disabled = true;
    dryRunButton.disabled = true;
    const eligible = plan.plan.summary.eligible;
    const bar = h('progress', { max: eligible, value: 0, 'aria-label': 'Replay progress' });
    const count = h('p', { class: 'progress-count', 'aria-live': 'polite' }, progressText([], eligible));
    let stopping = false;
    const stop = h('button', { type: 'button' }, 'Stop after this part');
    stop.addEventListener('click', () => {
      stopping = true;
      stop.disabled = true;
      stop.textContent = 'Stopping after this part…';
    });
    show(planArea, h('p', {}, `Applying to ${eligible} saga(s)…`), bar, count, stop);
    // While parts are being applied the dialog stays open (Escape and Close refused): closing it would leave the
    // apply running unseen. "Stop after this part" is the way out.
    applying = true;
    closeButton().disabled = true;
    const started = performance.now();
    try {
      const results = await applyInParts(
        ctx,
        target,
        plan.plan,
        plan.reason,
        (done) => {
          bar.value = done.length;
          count.textContent = progressText(done, eligible);
        },
        () => stopping,
      );
      show(planArea, resultsTable(results));
      ctx.announce(`Replay applied: ${results.summary.applied} applied, ${results.summary.failed} failed.`);
      onApplied?.();
    } catch (e) {
      const done = e instanceof PartialApply ? e.done : [];
      if (done.length) {
        show(
          planArea,
          h('p', {}, `Stopped at ${progressText(done, eligible)}.`),
          resultsTable({
            mode: plan.mode,
            planHash: plan.plan.planHash,
            results: done,
            summary: {
              applied: done.filter((r) => r.result === 'applied').length,
              skipped: 0,
              failed: done.filter((r) => r.result === 'failed').length,
              durationMs: Math.round(performance.now() - started),
              perSecond: 0,
            },
          }),
        );
        onApplied?.();
      } else show(planArea, planTable(plan.plan));
      error.set((e as Error).message);
      dryRunButton.disabled = false;
    }
    applying = false;
    closeButton().disabled = false;
    plan = undefined;
  });

  const dialog = openDialog(
    `Replay ${what}`,
    h(
      'fieldset',
      {},
      h('legend', {}, 'Mode'),
      ...MODES.map((m, i) =>
        h('div', {}, radios[i], h('label', { for: radios[i].id }, h('strong', {}, m.label), ` — ${m.hint}`)),
      ),
    ),
    reason.field,
    h('div', { class: 'actions' }, dryRunButton, applyButton),
    error.el,
    planArea,
  );
  dialog.addEventListener('cancel', (event) => {
    if (applying) event.preventDefault();
  });
}
