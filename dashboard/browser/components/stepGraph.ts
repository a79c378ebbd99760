import type { RunDetail, SagaStepView } from '../apiTypes.js';
import { h } from '../elements.js';

const FAILED = new Set(['Failed', 'Compensated', 'NeedsAttention', 'Terminated', 'Stuck']);

/**
 * The saga definition's steps in order, each critical step's compensation below it, with this run's progress:
 * done, the current step (or the failed one), compensated. Text says the state too, not only the colour.
 */
export function stepGraph(steps: SagaStepView[], detail: RunDetail): HTMLElement {
  const done = new Set(detail.trace);
  const at = detail.run.step;
  const failed = FAILED.has(detail.run.status);
  const compensated = new Set(detail.timeline.filter((e) => e.kind === 'attempt').map((e) => e.activity));
  return h(
    'ol',
    { class: 'step-graph', 'aria-label': `Saga steps, ${detail.run.engine}` },
    ...steps.map((s) => {
      const state =
        s.name === at || s.activity === at ? (failed ? 'failed' : 'current') : done.has(s.activity) ? 'done' : 'todo';
      return h(
        'li',
        { class: `step step-${state}`, 'aria-current': state === 'current' || state === 'failed' ? 'step' : undefined },
        h('span', { class: 'step-name' }, s.name),
        h('small', {}, state === 'todo' ? 'not run' : state, s.critical ? '' : ' · best effort'),
        s.awaits ? h('small', { class: 'awaits' }, `awaits ${s.awaits.event}`) : '',
        s.compensation
          ? h(
              'span',
              { class: `step-compensation ${compensated.has(s.compensation) ? 'ran' : ''}` },
              `↶ ${s.compensation}${compensated.has(s.compensation) ? ' (ran)' : ''}`,
            )
          : '',
      );
    }),
  );
}
