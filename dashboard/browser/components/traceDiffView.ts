import type { OrderView } from '../apiTypes.js';
import { h } from '../elements.js';

/** Both engines' traces aligned step by step, the first divergence marked, then what else differs. */
export function traceDiffView(view: OrderView): HTMLElement | null {
  const d = view.diff;
  const durable = view.latest.durable?.trace;
  const sfn = view.latest.stepFunctions?.trace;
  if (!d || !durable || !sfn) return null;
  const rows = Math.max(durable.length, sfn.length);
  const at = d.firstDivergence?.index;
  return h(
    'section',
    { class: 'trace-diff', 'aria-labelledby': 'diff-heading' },
    h(
      'h3',
      { id: 'diff-heading' },
      d.same ? 'Trace diff: both engines did the same' : 'Trace diff: the engines differ',
    ),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h('tr', {}, ...['#', 'Durable Functions', 'Step Functions', ''].map((c) => h('th', { scope: 'col' }, c))),
      ),
      h(
        'tbody',
        {},
        ...Array.from({ length: rows }, (_, i) =>
          h(
            'tr',
            { class: i === at ? 'divergence' : durable[i] === sfn[i] ? 'same' : 'differs' },
            h('td', {}, i + 1),
            h('td', {}, durable[i] ?? '—'),
            h('td', {}, sfn[i] ?? '—'),
            h('td', {}, i === at ? h('strong', {}, 'first divergence') : ''),
          ),
        ),
      ),
    ),
    h(
      'ul',
      {},
      d.outcome ? h('li', {}, `Outcome: Durable ${d.outcome.durable}, Step Functions ${d.outcome.stepFunctions}`) : '',
      d.missingOnDurable.length ? h('li', {}, `Missing on Durable: ${d.missingOnDurable.join(', ')}`) : '',
      d.missingOnStepFunctions.length
        ? h('li', {}, `Missing on Step Functions: ${d.missingOnStepFunctions.join(', ')}`)
        : '',
      ...d.attempts.map((a) =>
        h('li', {}, `${a.activity}: ${a.durable} attempt(s) on Durable, ${a.stepFunctions} on Step Functions`),
      ),
    ),
  );
}
