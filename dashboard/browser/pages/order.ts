import { ENGINE_LABEL, ENGINES, OrderView, RunDetail, Session } from '../apiTypes.js';
import { orderActions } from '../components/orderActions.js';
import { statusBadge } from '../components/statusBadge.js';
import { stepGraph } from '../components/stepGraph.js';
import { timeline } from '../components/timeline.js';
import { traceDiffView } from '../components/traceDiffView.js';
import type { Page, PageContext } from '../context.js';
import { age, h, show } from '../elements.js';
import { currentRoute, href } from '../route.js';

const json = (value: unknown) => h('pre', {}, JSON.stringify(value, null, 2));

/**
 * What the run says it is doing: Durable's custom status as the orchestration set it; Step Functions has none,
 * so the phase read from its history stands in for it.
 */
function customStatus(d: RunDetail): HTMLElement {
  const r = d.run;
  const phase = r.phase ? `phase ${r.phase}${r.step ? ` at ${r.step}` : ''}` : 'no phase reported';
  return h(
    'div',
    { class: 'custom-status' },
    h('h3', {}, 'Custom status'),
    h('p', {}, phase),
    d.customStatus !== undefined && d.customStatus !== null
      ? h('details', {}, h('summary', {}, 'As the orchestration set it'), json(d.customStatus))
      : r.engine === 'stepFunctions'
        ? h(
            'p',
            {},
            h('small', {}, 'Step Functions has no custom status: the phase is read from the execution’s history.'),
          )
        : '',
  );
}

function lane(ctx: PageContext, orderId: string, d: RunDetail, session: Session): HTMLElement {
  const r = d.run;
  const id = `lane-${r.engine}`;
  return h(
    'section',
    { class: 'lane', 'aria-labelledby': id },
    h('h2', { id }, ENGINE_LABEL[r.engine], ' ', statusBadge(r.status, r.engineStatus)),
    h(
      'dl',
      {},
      h('dt', {}, 'Run'),
      h('dd', {}, r.run, r.attempt ? ` (attempt ${r.attempt})` : ''),
      h('dt', {}, 'Engine status'),
      h('dd', {}, r.engineStatus),
      h('dt', {}, 'Phase'),
      h('dd', {}, r.phase ?? '—'),
      h('dt', {}, 'Step'),
      h('dd', {}, r.step ?? '—'),
      r.outcome ? [h('dt', {}, 'Outcome'), h('dd', {}, r.outcome)] : '',
      r.reason ? [h('dt', {}, 'Reason'), h('dd', {}, r.reason)] : '',
      r.stuckRule ? [h('dt', {}, 'Stuck because'), h('dd', {}, r.stuckRule)] : '',
      h('dt', {}, 'Resume'),
      h('dd', {}, `${d.resume.eligible ? 'possible' : 'not possible'} (${d.resume.action}): ${d.resume.reason}`),
      h('dt', {}, 'Updated'),
      h('dd', {}, age(r.updatedAt)),
    ),
    h('h3', {}, 'Steps'),
    stepGraph(session.saga.steps, d),
    customStatus(d),
    h('h3', {}, 'Timeline'),
    timeline(d, session.saga.steps, (call, maxChars) => ctx.api.stepCall(orderId, r.engine, r.run, call, maxChars)),
    h('details', {}, h('summary', {}, 'Input'), json(d.input)),
    d.output !== undefined ? h('details', {}, h('summary', {}, 'Output'), json(d.output)) : '',
  );
}

function runsTable(view: OrderView): HTMLElement {
  return h(
    'table',
    { class: 'runs' },
    h('caption', {}, 'Every run of the order'),
    h('thead', {}, h('tr', {}, ...['Engine', 'Run', 'Status', 'Step', 'Started'].map((c) => h('th', {}, c)))),
    h(
      'tbody',
      {},
      ...view.runs.map((r) =>
        h(
          'tr',
          {},
          h('td', {}, ENGINE_LABEL[r.engine]),
          h('td', {}, r.run),
          h('td', {}, statusBadge(r.status, r.engineStatus)),
          h('td', {}, r.step ?? ''),
          h('td', {}, age(r.createdAt)),
        ),
      ),
    ),
  );
}

async function draw(ctx: PageContext, orderId: string): Promise<void> {
  const view = await ctx.api.show(orderId);
  const reload = () => void draw(ctx, orderId).catch((e) => ctx.announce((e as Error).message));
  const lanes = ENGINES.map((e) => view.latest[e]).filter((d): d is RunDetail => !!d);
  show(
    ctx.main,
    h('h1', {}, `Order ${view.orderId}`),
    h(
      'p',
      {},
      h('a', { href: href('sagas', { orderId: view.orderId }) }, 'All runs in the list'),
      ' · ',
      h('a', { href: href('audit', { orderId: view.orderId }) }, 'Audit of this order'),
    ),
    orderActions(ctx, view, reload),
    runsTable(view),
    h('div', { class: `lanes lanes-${lanes.length}` }, ...lanes.map((d) => lane(ctx, view.orderId, d, ctx.session))),
    traceDiffView(view),
  );
}

/** One order on both engines: its runs, a lane per engine with the step graph and timeline, the trace diff. */
export const orderPage: Page = async (ctx) => {
  const { orderId } = currentRoute();
  try {
    await draw(ctx, orderId!);
  } catch (e) {
    show(ctx.main, h('h1', {}, `Order ${orderId}`), h('p', { class: 'error', role: 'alert' }, (e as Error).message));
  }
};
