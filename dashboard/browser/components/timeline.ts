import type { RunDetail, SagaStepView, TimelineEntry } from '../apiTypes.js';
import { duration, h } from '../elements.js';

const end = (e: TimelineEntry, now: number): number =>
  e.end ? Date.parse(e.end) : e.kind === 'wait' ? Math.max(now, Date.parse(e.start)) : now;

/**
 * The run's history as a Gantt-like list: each activity attempt (retries marked), each wait with its deadline
 * drawn on the same scale, compensations marked as such (they run in reverse order of the steps).
 */
export function timeline(detail: RunDetail, steps: SagaStepView[], now = Date.now()): HTMLElement {
  const entries = detail.timeline;
  if (!entries.length) return h('p', {}, 'No step has run yet.');
  const compensations = new Set(steps.flatMap((s) => (s.compensation ? [s.compensation] : [])));
  const t0 = Math.min(...entries.map((e) => Date.parse(e.start)));
  const t1 = Math.max(
    ...entries.map((e) => Math.max(end(e, now), e.kind === 'wait' ? Date.parse(e.deadline) : 0)),
    t0 + 1,
  );
  const pct = (t: number) => `${(((t - t0) / (t1 - t0)) * 100).toFixed(2)}%`;
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'timeline' },
      h('caption', {}, `Timeline of ${detail.run.run}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Step', 'Result', 'Started', 'Took', 'Detail', 'Time'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        ...entries.map((e) => {
          const stop = end(e, now);
          const isComp = e.kind === 'attempt' && compensations.has(e.activity);
          const label =
            e.kind === 'wait' ? `await ${e.event}` : `${e.activity}${e.attempt > 1 ? ` (retry ${e.attempt - 1})` : ''}`;
          const detailText =
            e.kind === 'wait'
              ? h('time', { datetime: e.deadline, title: e.deadline }, `deadline ${e.deadline.slice(11, 19)} UTC`)
              : (e.error ?? (isComp ? 'compensation' : ''));
          return h(
            'tr',
            { class: `entry result-${e.result}${isComp ? ' compensation' : ''}` },
            h('th', { scope: 'row' }, isComp ? '↶ ' : '', label),
            h('td', {}, e.result),
            h('td', {}, h('time', { datetime: e.start }, new Date(e.start).toISOString().slice(11, 23))),
            h('td', {}, e.end ? duration(stop - Date.parse(e.start)) : 'ongoing'),
            h('td', { class: 'detail' }, detailText),
            h(
              'td',
              { class: 'gantt', 'aria-hidden': 'true' },
              h('span', {
                class: 'bar',
                style: `left:${pct(Date.parse(e.start))};width:max(2px,calc(${pct(stop)} - ${pct(Date.parse(e.start))}))`,
              }),
              e.kind === 'wait' ? h('span', { class: 'deadline', style: `left:${pct(Date.parse(e.deadline))}` }) : '',
            ),
          );
        }),
      ),
    ),
  );
}
