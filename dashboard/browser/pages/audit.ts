import { ENGINE_LABEL } from '../apiTypes.js';
import type { Page } from '../context.js';
import { h, show } from '../elements.js';
import { currentRoute, href } from '../route.js';

const FILTERS = ['who', 'action', 'orderId', 'from', 'to'] as const;
const ACTIONS = ['replay', 'decide', 'terminate', 'purge'];

function filterForm(params: URLSearchParams): HTMLFormElement {
  const field = (name: string, label: string, control: HTMLElement) =>
    h('div', { class: 'field' }, h('label', { for: `a-${name}` }, label), control);
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter the audit' },
    field('who', 'Who (key name)', h('input', { id: 'a-who', name: 'who', value: params.get('who') ?? '' })),
    field(
      'action',
      'Action',
      h(
        'select',
        { id: 'a-action', name: 'action' },
        h('option', { value: '' }, 'any'),
        ...ACTIONS.map((a) => h('option', { value: a, selected: a === params.get('action') }, a)),
      ),
    ),
    field('orderId', 'Order id', h('input', { id: 'a-orderId', name: 'orderId', value: params.get('orderId') ?? '' })),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'primary' }, 'Apply filters')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const f of FILTERS) {
      const v = String(data.get(f) ?? params.get(f) ?? '').trim();
      if (v) next.set(f, v);
    }
    location.hash = href('audit', next);
  });
  return form;
}

/** Who did what, when, why, with each saga's outcome; exported as JSON Lines. */
export const auditPage: Page = async (ctx) => {
  const { params } = currentRoute();
  const query = new URLSearchParams();
  for (const f of [...FILTERS, 'continuationToken']) if (params.get(f)) query.set(f, params.get(f)!);
  query.set('pageSize', '50');
  const exportButton = h('button', { type: 'button' }, 'Export (JSON Lines)');
  exportButton.addEventListener('click', async () => {
    exportButton.disabled = true;
    try {
      const filters = new URLSearchParams(query);
      filters.delete('continuationToken');
      filters.delete('pageSize');
      const text = await ctx.api.auditExport(filters);
      const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
      const link = h('a', { href: url, download: `ops-audit-${new Date().toISOString().slice(0, 10)}.jsonl` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      ctx.announce(`Exported ${text.split('\n').filter(Boolean).length} audit entries.`);
    } catch (e) {
      ctx.announce((e as Error).message);
    } finally {
      exportButton.disabled = false;
    }
  });
  const results = h('div', {});
  show(ctx.main, h('h1', {}, 'Audit'), filterForm(params), h('div', { class: 'toolbar' }, exportButton), results);
  try {
    const page = await ctx.api.audit(query);
    const next = new URLSearchParams(params);
    if (page.continuationToken) next.set('continuationToken', page.continuationToken);
    show(
      results,
      h(
        'table',
        { class: 'audit' },
        h('caption', {}, `${page.entries.length} entr${page.entries.length === 1 ? 'y' : 'ies'}, newest first`),
        h(
          'thead',
          {},
          h('tr', {}, ...['When', 'Who', 'What', 'Why', 'Sagas and outcome'].map((c) => h('th', { scope: 'col' }, c))),
        ),
        h(
          'tbody',
          {},
          ...page.entries.map((e) =>
            h(
              'tr',
              { class: e.dryRun ? 'dry-run' : '' },
              h('td', {}, h('time', { datetime: e.at }, e.at.replace('T', ' ').slice(0, 19))),
              h('td', {}, e.who),
              h(
                'td',
                {},
                e.action,
                e.mode ? ` ${e.mode}` : '',
                e.dryRun ? ' (dry run)' : '',
                e.planHash ? h('br') : '',
                e.planHash ? h('code', {}, e.planHash.slice(0, 12)) : '',
              ),
              h('td', {}, e.reason),
              h(
                'td',
                {},
                h(
                  'ul',
                  {},
                  ...(
                    e.outcomes ?? e.targets.map((t) => ({ ...t, result: e.dryRun ? 'planned' : '', detail: '' }))
                  ).map((o) =>
                    h(
                      'li',
                      {},
                      h('a', { href: href('order', undefined, o.orderId) }, o.orderId),
                      ` ${ENGINE_LABEL[o.engine]}: ${o.result}${o.detail ? ` (${o.detail})` : ''}`,
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
      page.entries.length ? '' : h('p', {}, 'Nothing recorded for these filters.'),
      page.continuationToken ? h('nav', { class: 'pager' }, h('a', { href: href('audit', next) }, 'Older')) : '',
    );
  } catch (e) {
    show(results, h('p', { class: 'error', role: 'alert' }, (e as Error).message));
  }
};
