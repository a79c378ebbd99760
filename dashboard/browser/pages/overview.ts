import { ENGINE_LABEL, ENGINES, Overview, SAGA_STATES } from '../apiTypes.js';
import { statusBadge } from '../components/statusBadge.js';
import type { Page } from '../context.js';
import { age, h, show } from '../elements.js';
import { href } from '../route.js';

/** How often the overview refreshes while it is open. */
const REFRESH_MS = 5000;

function countsTable(o: Overview): HTMLElement {
  const engines = ENGINES.filter((e) => o.byEngine[e]);
  return h(
    'table',
    { class: 'counts' },
    h('caption', {}, `Sagas per status (${o.total} runs, ${o.orphans} orphan(s))`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Status'),
        ...engines.map((e) => h('th', { scope: 'col' }, ENGINE_LABEL[e])),
        h('th', { scope: 'col' }, 'Both'),
      ),
    ),
    h(
      'tbody',
      {},
      ...SAGA_STATES.map((s) => {
        const total = engines.reduce((n, e) => n + (o.byEngine[e]?.[s] ?? 0), 0);
        return h(
          'tr',
          { class: total ? '' : 'zero' },
          h('th', { scope: 'row' }, statusBadge(s)),
          ...engines.map((e) =>
            h('td', {}, h('a', { href: href('sagas', { status: s, engine: e }) }, o.byEngine[e]?.[s] ?? 0)),
          ),
          h('td', {}, h('a', { href: href('sagas', { status: s }) }, total)),
        );
      }),
    ),
  );
}

function perMinute(o: Overview): HTMLElement {
  const engines = ENGINES.filter((e) => o.byEngine[e]);
  const max = Math.max(1, ...o.startedPerMinute.map((m) => engines.reduce((n, e) => n + (m.byEngine[e] ?? 0), 0)));
  return h(
    'figure',
    { class: 'per-minute' },
    h('figcaption', {}, 'Sagas started per minute (last 15 minutes)'),
    h(
      'ol',
      {},
      ...o.startedPerMinute.map((m) => {
        const n = engines.reduce((sum, e) => sum + (m.byEngine[e] ?? 0), 0);
        const label = `${m.minute.slice(11, 16)} UTC: ${n} (${engines.map((e) => `${ENGINE_LABEL[e]} ${m.byEngine[e] ?? 0}`).join(', ')})`;
        return h('li', { title: label, 'aria-label': label }, h('span', { style: `height:${(n / max) * 100}%` }));
      }),
    ),
  );
}

function oldest(o: Overview): HTMLElement {
  const r = o.oldestNeedingAction;
  return h(
    'section',
    { class: 'oldest', 'aria-labelledby': 'oldest-heading' },
    h('h2', { id: 'oldest-heading' }, 'Oldest saga needing action'),
    r
      ? h(
          'p',
          {},
          h('a', { href: href('order', undefined, r.orderId ?? r.run) }, r.orderId ?? r.run),
          ' ',
          statusBadge(r.status, r.engineStatus),
          ` on ${ENGINE_LABEL[r.engine]}, started `,
          age(r.createdAt),
          r.step ? ` at ${r.step}` : '',
          r.reason ? `: ${r.reason}` : '',
          r.stuckRule ? ` (${r.stuckRule})` : '',
        )
      : h('p', {}, 'None: no saga is Stuck or NeedsAttention.'),
  );
}

/** Where both engines stand, refreshed every few seconds while open. */
export const overviewPage: Page = async (ctx) => {
  const body = h('div', { class: 'overview-body' });
  const updated = h('p', { class: 'updated' });
  show(ctx.main, h('h1', {}, 'Overview'), updated, body);
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The next refresh is planned when this one is done, so a slow answer never piles up requests.
  const refresh = async () => {
    try {
      const o = await ctx.api.overview();
      if (stopped) return;
      show(body, h('div', { class: 'overview-grid' }, countsTable(o), h('div', {}, oldest(o), perMinute(o))));
      show(updated, 'Updated ', h('time', { datetime: o.generatedAt }, o.generatedAt.slice(11, 19)), ' UTC');
    } catch (e) {
      if (!stopped) show(updated, h('span', { class: 'error', role: 'alert' }, (e as Error).message));
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  };
  void refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
};
