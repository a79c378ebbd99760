import { ApiError, KEY_REFUSED, OpsApi, storedKey } from './api.js';
import type { Page, PageContext } from './context.js';
import { h, show } from './elements.js';
import { auditPage } from './pages/audit.js';
import { listPage } from './pages/list.js';
import { orderPage } from './pages/order.js';
import { overviewPage } from './pages/overview.js';
import { signIn } from './pages/signIn.js';
import { currentRoute, href, Route } from './route.js';

const PAGES: Record<Route['page'], Page> = {
  overview: overviewPage,
  sagas: listPage,
  order: orderPage,
  audit: auditPage,
};

/** The ops API's root: the dashboard is served at <api>/ops/ui/, the API at <api>/ops/. */
const apiBase = new URL('../', location.href.replace(/#.*$/, '').replace(/\/?$/, '/'));

const main = document.getElementById('main')!;
const status = document.getElementById('status')!;
const nav = document.getElementById('nav')!;
const who = document.getElementById('who')!;

function announce(text: string): void {
  status.textContent = text;
}

let leave: (() => void) | void;
/** Set once the key is accepted: a refusal before that is the sign-in's own error. */
let signedIn = false;

async function render(ctx: PageContext): Promise<void> {
  leave?.();
  leave = undefined;
  const route = currentRoute();
  for (const a of nav.querySelectorAll('a'))
    if (a.dataset.page === (route.page === 'order' ? 'sagas' : route.page)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  leave = await PAGES[route.page](ctx);
  main.focus({ preventScroll: true });
}

async function start(problem?: string): Promise<void> {
  const key = storedKey.get();
  if (!key) {
    nav.hidden = true;
    show(who);
    signIn(main, problem, (k) => {
      storedKey.set(k);
      void start();
    });
    return;
  }
  const api = new OpsApi(apiBase, key);
  let session;
  try {
    session = await api.session();
  } catch (e) {
    storedKey.clear();
    return start(e instanceof ApiError && e.status === 401 ? 'That key is not an ops key.' : (e as Error).message);
  }
  signedIn = true;
  const ctx: PageContext = { api, session, main, announce };
  nav.hidden = false;
  const signOut = h('button', { type: 'button', class: 'link' }, 'Sign out');
  signOut.addEventListener('click', () => {
    signedIn = false;
    storedKey.clear();
    leave?.();
    void start();
  });
  show(
    who,
    `${session.caller.name} (${session.caller.role}${session.caller.role === 'reader' ? ', read-only' : ''}) `,
    signOut,
  );
  window.onhashchange = () => void render(ctx);
  await render(ctx);
}

window.addEventListener(KEY_REFUSED, () => {
  if (!signedIn) return;
  signedIn = false;
  storedKey.clear();
  leave?.();
  leave = undefined;
  void start('The API no longer accepts this key (it may have been rotated): sign in again.');
});
// The skip link must not change the fragment: the fragment is the route.
document.querySelector('a.skip')?.addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
for (const [page, label] of [
  ['overview', 'Overview'],
  ['sagas', 'Sagas'],
  ['audit', 'Audit'],
] as const)
  nav.append(h('a', { href: href(page), 'data-page': page }, label));
void start();
