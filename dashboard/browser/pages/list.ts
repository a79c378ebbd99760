import { ENGINE_LABEL, ENGINES, SAGA_PHASES, SAGA_STATES, SagaRun } from '../apiTypes.js';
import { openReplayDialog } from '../components/replayDialog.js';
import { statusBadge } from '../components/statusBadge.js';
import { canMutate, Page, PageContext, READER_ONLY } from '../context.js';
import { age, h, show } from '../elements.js';
import { currentRoute, href } from '../route.js';

/** The filters the list API takes, as the form shows them; every one lives in the URL. */
const FILTERS = [
  'status',
  'phase',
  'engine',
  'orderId',
  'createdFrom',
  'createdTo',
  'updatedFrom',
  'updatedTo',
  'step',
  'reason',
] as const;

const TIMES = new Set<string>(['createdFrom', 'createdTo', 'updatedFrom', 'updatedTo']);

/** How often the list redraws itself while nobody is using it. */
const REFRESH_MS = 10_000;

function select(name: string, label: string, options: [string, string][], value: string | null): HTMLElement {
  const id = `f-${name}`;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h(
      'select',
      { id, name },
      h('option', { value: '' }, 'any'),
      ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
    ),
  );
}

function text(name: string, label: string, value: string | null, type = 'text'): HTMLElement {
  const id = `f-${name}`;
  const shown = type === 'datetime-local' && value ? value.replace(/:\d\d(\.\d+)?Z$/, '') : (value ?? '');
  return h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { id, name, type, value: shown }));
}

function filterForm(params: URLSearchParams): HTMLFormElement {
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter sagas' },
    select(
      'status',
      'Status',
      SAGA_STATES.map((s) => [s, s]),
      params.get('status'),
    ),
    select(
      'phase',
      'Custom status phase',
      SAGA_PHASES.map((ph) => [ph, ph]),
      params.get('phase'),
    ),
    select(
      'engine',
      'Engine',
      ENGINES.map((e) => [e, ENGINE_LABEL[e]]),
      params.get('engine'),
    ),
    text('orderId', 'Order id starts with', params.get('orderId')),
    text('createdFrom', 'Started from (UTC)', params.get('createdFrom'), 'datetime-local'),
    text('createdTo', 'Started until (UTC)', params.get('createdTo'), 'datetime-local'),
    text('updatedFrom', 'Updated from (UTC)', params.get('updatedFrom'), 'datetime-local'),
    text('updatedTo', 'Updated until (UTC)', params.get('updatedTo'), 'datetime-local'),
    text('step', 'Step', params.get('step')),
    text('reason', 'Reason contains', params.get('reason')),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'primary' }, 'Apply filters')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const f of FILTERS) {
      let v = String(data.get(f) ?? '').trim();
      if (v && TIMES.has(f)) v = new Date(`${v}Z`).toISOString();
      if (v) next.set(f, v);
    }
    if (params.get('pageSize')) next.set('pageSize', params.get('pageSize')!);
    location.hash = href('sagas', next);
  });
  return form;
}

function row(r: SagaRun, selected: Set<string>, onSelect: () => void): HTMLElement {
  const id = r.orderId;
  const box = h('input', {
    type: 'checkbox',
    class: 'pick',
    'aria-label': `Select order ${id ?? r.run} (${ENGINE_LABEL[r.engine]})`,
    disabled: !id,
    title: id ? undefined : 'An orphan run belongs to no order and cannot be replayed from here.',
    checked: !!id && selected.has(id),
    'data-order': id,
  });
  box.addEventListener('change', () => {
    if (!id) return;
    if (box.checked) selected.add(id);
    else selected.delete(id);
    onSelect();
  });
  return h(
    'tr',
    {},
    h('td', {}, box),
    h('td', {}, id ? h('a', { href: href('order', undefined, id) }, id) : h('em', {}, 'orphan')),
    h('td', {}, ENGINE_LABEL[r.engine]),
    h('td', {}, r.run),
    h('td', {}, statusBadge(r.status, r.engineStatus)),
    h('td', {}, r.phase ?? '—'),
    h('td', {}, r.step ?? ''),
    h('td', { class: 'reason' }, r.reason ?? '', r.stuckRule ? ` (${r.stuckRule})` : ''),
    h('td', {}, age(r.createdAt)),
    h('td', {}, age(r.updatedAt)),
  );
}

function whereOf(params: URLSearchParams): Record<string, string> {
  const where: Record<string, string> = {};
  for (const f of FILTERS) if (params.get(f)) where[f] = params.get(f)!;
  return where;
}

async function draw(ctx: PageContext, params: URLSearchParams, results: HTMLElement): Promise<void> {
  const query = new URLSearchParams(params);
  if (!query.get('pageSize')) query.set('pageSize', '50');
  const page = await ctx.api.list(query);
  const selected = new Set<string>();
  const operator = canMutate(ctx);
  const replaySelected = h('button', { type: 'button', disabled: true, title: operator ? undefined : READER_ONLY });
  const replayFilter = h(
    'button',
    { type: 'button', disabled: !operator || !page.runs.length, title: operator ? undefined : READER_ONLY },
    'Replay all matching the filter…',
  );
  const refreshSelection = () => {
    replaySelected.textContent = `Replay selected (${selected.size})…`;
    replaySelected.disabled = !operator || selected.size === 0;
  };
  refreshSelection();
  const reload = () => void draw(ctx, params, results);
  replaySelected.addEventListener('click', () =>
    openReplayDialog(ctx, { orderIds: [...selected] }, `${selected.size} selected saga(s)`, reload),
  );
  replayFilter.addEventListener('click', () =>
    openReplayDialog(ctx, { where: whereOf(params) }, 'every saga matching the filter', reload),
  );
  const rows = page.runs.map((r) => row(r, selected, refreshSelection));
  const all = h('input', { type: 'checkbox', 'aria-label': 'Select every order on this page' });
  all.addEventListener('change', () => {
    for (const box of results.querySelectorAll<HTMLInputElement>('input.pick:not(:disabled)')) {
      box.checked = all.checked;
      if (all.checked) selected.add(box.dataset.order!);
      else selected.delete(box.dataset.order!);
    }
    refreshSelection();
  });
  const first = new URLSearchParams(params);
  first.delete('continuationToken');
  const next = new URLSearchParams(params);
  if (page.continuationToken) next.set('continuationToken', page.continuationToken);
  show(
    results,
    h('div', { class: 'toolbar' }, replaySelected, replayFilter),
    h(
      'table',
      { class: 'sagas' },
      h('caption', {}, `${page.runs.length} run(s) on this page`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, all),
          ...['Order', 'Engine', 'Run', 'Status', 'Phase', 'Step', 'Reason', 'Started', 'Updated'].map((c) =>
            h('th', { scope: 'col' }, c),
          ),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
    page.runs.length ? '' : h('p', {}, 'No saga matches these filters.'),
    h(
      'p',
      { class: 'updated' },
      `As of ${new Date().toISOString().slice(11, 19)} UTC; redrawn every ${REFRESH_MS / 1000} s while no row is selected and the tab is visible.`,
    ),
    h(
      'nav',
      { class: 'pager', 'aria-label': 'Pages' },
      params.get('continuationToken') ? h('a', { href: href('sagas', first) }, 'First page') : '',
      page.continuationToken ? h('a', { href: href('sagas', next), rel: 'next' }, 'Next page') : '',
    ),
  );
}

/** Both engines in one table, filtered and paged by the server, with a selection to replay. */
export const listPage: Page = async (ctx) => {
  const { params } = currentRoute();
  const results = h('div', { class: 'results-area' });
  show(ctx.main, h('h1', {}, 'Sagas'), filterForm(params), results);
  try {
    await draw(ctx, params, results);
  } catch (e) {
    show(results, h('p', { class: 'error', role: 'alert' }, (e as Error).message));
  }
  // Redrawn only while nobody is using it: a selection, an open dialog or the focus in the table would be lost.
  const idle = () =>
    !document.hidden &&
    !document.querySelector('dialog[open]') &&
    !results.querySelector('input.pick:checked') &&
    !results.contains(document.activeElement);
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    if (stopped) return;
    // A failed refresh keeps the rows shown; the next one tries again (a refused key signs out on its own).
    if (idle()) await draw(ctx, params, results).catch(() => undefined);
    if (!stopped) timer = setTimeout(() => void tick(), REFRESH_MS);
  };
  timer = setTimeout(() => void tick(), REFRESH_MS);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
};
