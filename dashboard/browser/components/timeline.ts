import type { RunDetail, SagaStepView, TimelineEntry } from '../apiTypes.js';
import { duration, h } from '../elements.js';
import { CallLoader, drawStepCall } from './stepCallData.js';

const end = (e: TimelineEntry, now: number): number =>
  e.end ? Date.parse(e.end) : e.kind === 'wait' ? Math.max(now, Date.parse(e.start)) : now;

const COLUMNS = ['Step', 'Result', 'Started', 'Took', 'Detail', 'Time'];

/**
 * A button that opens a row below its own with the call's input and output, fetched when opened; closing
 * removes the row (opening again fetches again: the data may be large and is rarely read twice).
 */
function callToggle(label: string, call: number, load: CallLoader): HTMLButtonElement {
  const id = `call-${Math.random().toString(36).slice(2)}`;
  const button = h(
    'button',
    { type: 'button', class: 'link call-toggle', 'aria-expanded': 'false', 'aria-controls': id },
    'input/output',
  );
  button.setAttribute('aria-label', `Input and output of ${label}`);
  button.addEventListener('click', () => {
    const row = button.closest('tr')!;
    const open = document.getElementById(id);
    if (open) {
      open.remove();
      button.setAttribute('aria-expanded', 'false');
      return;
    }
    const area = h('td', { colspan: COLUMNS.length });
    row.after(h('tr', { id, class: 'call-row' }, area));
    button.setAttribute('aria-expanded', 'true');
    void drawStepCall(area, load, call);
  });
  return button;
}

/**
 * The run's history as a Gantt-like list: each activity attempt (retries marked), each wait with its deadline
 * drawn on the same scale, compensations marked as such (they run in reverse order of the steps). With `load`,
 * each attempt offers its input and output, fetched when opened.
 */
export function timeline(detail: RunDetail, steps: SagaStepView[], load?: CallLoader, now = Date.now()): HTMLElement {
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
      h('thead', {}, h('tr', {}, ...COLUMNS.map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        {},
        ...entries.map((e, i) => {
          const stop = end(e, now);
          // Attempts are the run's activity calls in the order they were scheduled: the API numbers them so.
          const call = e.kind === 'attempt' ? entries.slice(0, i).filter((x) => x.kind === 'attempt').length : -1;
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
            h(
              'td',
              { class: 'detail' },
              detailText,
              load && call >= 0 ? [detailText ? ' ' : '', callToggle(label, call, load)] : '',
            ),
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
