import { Engine, ENGINE_LABEL, ENGINES, Overview, SAGA_STATES, SagaRun } from '../apiTypes.js';
import { statusBadge } from '../components/statusBadge.js';
import type { Page } from '../context.js';
import { age, h, show } from '../elements.js';
import { href } from '../route.js';

/** How often each engine's figures refresh while the overview is open and the tab visible. */
const REFRESH_MS = 5000;

/** What the page holds of each engine: its latest overview, or why there is none yet. */
type EngineState = { overview: Overview } | { loading: true } | { error: string };

type States = Record<Engine, EngineState>;

const overviewOf = (s: EngineState): Overview | undefined => ('overview' in s ? s.overview : undefined);
/** An engine the app does not use answers with no counts for itself: it gets no column. */
const shown = (states: States): Engine[] =>
  ENGINES.filter((e) => !('overview' in states[e]) || overviewOf(states[e])!.byEngine[e]);

function countsTable(states: States): HTMLElement {
  const engines = shown(states);
  const loaded = engines.filter((e) => overviewOf(states[e]));
  const pending = engines.filter((e) => !overviewOf(states[e]));
  const count = (e: Engine, s: (typeof SAGA_STATES)[number]) => overviewOf(states[e])?.byEngine[e]?.[s] ?? 0;
  const total = loaded.reduce((n, e) => n + overviewOf(states[e])!.total, 0);
  const orphans = loaded.reduce((n, e) => n + overviewOf(states[e])!.orphans, 0);
  const waiting = pending.map((e) => `${ENGINE_LABEL[e]} ${'error' in states[e] ? 'failed' : 'still counting'}`);
  return h(
    'table',
    {
      class: 'counts',
      'aria-busy': pending.some((e) => 'loading' in states[e]) ? 'true' : 'false',
      // Which engines' counts are drawn: what the benchmark's first paint waits for.
      'data-counted': loaded.join(' '),
    },
    h(
      'caption',
      {},
      `Sagas per status (${total} runs, ${orphans} orphan(s))`,
      waiting.length ? h('small', {}, ` — ${waiting.join(', ')}`) : '',
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Status'),
        ...engines.map((e) => h('th', { scope: 'col' }, ENGINE_LABEL[e])),
        h(
          'th',
          { scope: 'col' },
          pending.length ? `Both (without ${pending.map((e) => ENGINE_LABEL[e]).join(', ')})` : 'Both',
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...SAGA_STATES.map((s) => {
        const sum = loaded.reduce((n, e) => n + count(e, s), 0);
        return h(
          'tr',
          { class: sum || pending.length ? '' : 'zero' },
          h('th', { scope: 'row' }, statusBadge(s)),
          ...engines.map((e) =>
            overviewOf(states[e])
              ? h('td', {}, h('a', { href: href('sagas', { status: s, engine: e }) }, count(e, s)))
              : h('td', { class: 'pending' }, 'error' in states[e] ? 'failed' : 'counting…'),
          ),
          h('td', {}, h('a', { href: href('sagas', { status: s }) }, sum)),
        );
      }),
    ),
  );
}

function perMinute(states: States): HTMLElement {
  const loaded = shown(states).filter((e) => overviewOf(states[e]));
  // Each engine was asked apart, maybe across a minute boundary: minutes are matched by their time.
  const frame = loaded.length ? overviewOf(states[loaded[0]])!.startedPerMinute.map((m) => m.minute) : [];
  const at = (e: Engine, minute: string) =>
    overviewOf(states[e])!.startedPerMinute.find((m) => m.minute === minute)?.byEngine[e] ?? 0;
  const max = Math.max(1, ...frame.map((m) => loaded.reduce((n, e) => n + at(e, m), 0)));
  return h(
    'figure',
    { class: 'per-minute' },
    h('figcaption', {}, 'Sagas started per minute (last 15 minutes)'),
    h(
      'ol',
      {},
      ...frame.map((minute) => {
        const n = loaded.reduce((sum, e) => sum + at(e, minute), 0);
        const label = `${minute.slice(11, 16)} UTC: ${n} (${loaded.map((e) => `${ENGINE_LABEL[e]} ${at(e, minute)}`).join(', ')})`;
        return h('li', { title: label, 'aria-label': label }, h('span', { style: `height:${(n / max) * 100}%` }));
      }),
    ),
  );
}

function oldest(states: States): HTMLElement {
  const candidates = ENGINES.map((e) => overviewOf(states[e])?.oldestNeedingAction).filter((r): r is SagaRun => !!r);
  const r = candidates.sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
  const pending = ENGINES.filter((e) => !overviewOf(states[e]));
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
      : h('p', {}, pending.length ? 'None so far (still counting).' : 'None: no saga is Stuck or NeedsAttention.'),
  );
}

/**
 * Where both engines stand. Each engine is asked apart and drawn as soon as it answers (Durable lists fast;
 * Step Functions describes each execution the first time), then refreshed every few seconds while the tab is
 * visible: a hidden tab asks nothing, and showing it again refreshes at once.
 */
export const overviewPage: Page = async (ctx) => {
  const body = h('div', { class: 'overview-body' });
  const updated = h('p', { class: 'updated' });
  show(ctx.main, h('h1', {}, 'Overview'), updated, body);
  const states = Object.fromEntries(ENGINES.map((e) => [e, { loading: true }])) as States;
  let stopped = false;
  const timers: Partial<Record<Engine, ReturnType<typeof setTimeout>>> = {};
  const inFlight = new Set<Engine>();

  const draw = () => {
    show(
      body,
      h('div', { class: 'overview-grid' }, countsTable(states), h('div', {}, oldest(states), perMinute(states))),
    );
    const times = ENGINES.map((e) => overviewOf(states[e])?.generatedAt).filter((t): t is string => !!t);
    const errors = ENGINES.flatMap((e) => ('error' in states[e] ? [`${ENGINE_LABEL[e]}: ${states[e].error}`] : []));
    show(
      updated,
      times.length
        ? ['Updated ', h('time', { datetime: times.sort()[0] }, times[0].slice(11, 19)), ' UTC']
        : 'Counting…',
      document.hidden ? ' (paused while the tab is hidden)' : '',
      errors.length ? h('span', { class: 'error', role: 'alert' }, ` ${errors.join('; ')}`) : '',
    );
  };

  // The next refresh of an engine is planned when its answer is in, so a slow count never piles up requests.
  const refresh = async (engine: Engine) => {
    if (stopped || inFlight.has(engine)) return;
    inFlight.add(engine);
    try {
      states[engine] = { overview: await ctx.api.overview(engine) };
    } catch (e) {
      states[engine] = { error: (e as Error).message };
    }
    inFlight.delete(engine);
    if (stopped) return;
    draw();
    if (!document.hidden) timers[engine] = setTimeout(() => void refresh(engine), REFRESH_MS);
  };
  const onVisibility = () => {
    if (document.hidden) for (const e of ENGINES) clearTimeout(timers[e]);
    else for (const e of ENGINES) void refresh(e);
    draw();
  };
  document.addEventListener('visibilitychange', onVisibility);
  draw();
  // The first load asks one engine after the other, Durable (a listing) first: asked together, a cold Step
  // Functions count (every execution described) slows the Durable answer down on the same busy process.
  void (async () => {
    for (const e of ENGINES) await refresh(e);
  })();
  return () => {
    stopped = true;
    document.removeEventListener('visibilitychange', onVisibility);
    for (const e of ENGINES) clearTimeout(timers[e]);
  };
};
