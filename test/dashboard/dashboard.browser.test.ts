/**
 * The operations dashboard in a real browser (Debian's Chromium driven by playwright-core) on the embedded
 * platform: sagas in several statuses on both engines, then an operator signs in, reads the overview, filters
 * the list, opens an order's timeline, dry-runs and applies a replay from a multi-select, and finds it in the
 * audit; the gateway's ledger, stock and e-mails show what the replay did. A reader key sees no enabled
 * mutating button, and the pages work from the keyboard.
 */
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderSaga } from '../../saga/definition/orderSaga';
import { chromiumInstalled, launchChromium, NO_CHROMIUM } from '../fixtures/browser';
import {
  executionStatus,
  KEYS,
  ops,
  OpsPlatform,
  order,
  passTimeUntil,
  placeOnDurable,
  placeOnStepFunctions,
  setStock,
  startOpsPlatform,
} from '../fixtures/opsPlatform';
import { inventory, repoRoot } from '../fixtures/orderApp';

let p: OpsPlatform;
let browser: Browser;

const durableStatus = (id: string) => p.t.platform.engine.getStatus(id);
const closed = (id: string) => ['Completed', 'Failed', 'Terminated'].includes(durableStatus(id)?.runtimeStatus ?? '');
const parked = (id: string) => (durableStatus(id)?.customStatus as { phase?: string } | undefined)?.phase === 'parked';
const charges = (orderId: string) =>
  p.t.platform.clouds.paymentGateway.ledger().charges.filter((c) => c.orderId === orderId && c.status !== 'failed');

/**
 * An order whose activity input is longer than the 4,000 characters a call's payload is cut to (80 lines of
 * SKUs nobody stocks: it compensates at once), and whose customer id is markup that must be shown as text.
 */
const MARKUP = '<img src=x onerror=alert(1)>';
const BIG_ORDER = {
  orderId: 'big-sfn',
  customer: { id: MARKUP, email: 'big-sfn@example.com' },
  lines: Array.from({ length: 80 }, (_, i) => ({ sku: `SKU-BIG-${i}`, qty: 1, unitPrice: 1 })),
  currency: 'EUR',
  total: 80,
  paymentMethod: 'pm_card_visa',
};

/** Declined orders a bulk restart applies in two parts (the page applies 10 orders per call). */
const PROGRESS_ORDERS = Array.from({ length: 12 }, (_, i) => `prog-${String(i + 1).padStart(2, '0')}`);

/** `DASHBOARD_SCREENSHOTS=1` rewrites README's screenshots under docs/ from this run. */
async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.DASHBOARD_SCREENSHOTS)
    await page.screenshot({ path: path.join(repoRoot, 'docs', `dashboard-${name}.png`), fullPage: true });
}

async function signedIn(key: string, path = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  page.on('pageerror', (e) => {
    throw e;
  });
  await page.goto(`${p.t.baseUrl}/api/ops/ui/${path}`);
  await page.getByLabel('Ops key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Dashboard' }).waitFor();
  return page;
}

describe.skipIf(!chromiumInstalled)('the operations dashboard in Chromium', () => {
  beforeAll(async () => {
    [p, browser] = await Promise.all([startOpsPlatform(), launchChromium()]);
    await setStock(p, { 'SKU-TEA': 500, 'SKU-DASH-BOTH': 50, 'SKU-DASH-DF': 0, 'SKU-DASH-SFN': 0 });
    await placeOnDurable(p, order('dash-df-ok', 'pm_card_visa'));
    await placeOnDurable(p, order('dash-df-dec', 'pm_card_declined'));
    await placeOnDurable(p, order('dash-df-na', 'pm_card_no_confirm_refund_fails'));
    await placeOnDurable(p, order('dash-df-oos', 'pm_card_visa', 'SKU-DASH-DF'));
    // Declined on both engines: the charge key is per run, and two engines charging one order with it would be
    // refused by the gateway as a reused key (the charge's metadata names the engine).
    await placeOnDurable(p, order('dash-both', 'pm_card_declined'));
    await placeOnStepFunctions(p, order('dash-sfn-ok', 'pm_card_visa'));
    await placeOnStepFunctions(p, order('dash-sfn-dec', 'pm_card_declined'));
    await placeOnStepFunctions(p, order('dash-sfn-oos', 'pm_card_visa', 'SKU-DASH-SFN'));
    // Its own SKU: one platform holds one stock, and the two runs of one order id must not share reservations.
    await placeOnStepFunctions(p, order('dash-both', 'pm_card_declined', 'SKU-DASH-BOTH'));
    await placeOnStepFunctions(p, BIG_ORDER);
    for (const id of PROGRESS_ORDERS) await placeOnStepFunctions(p, order(id, 'pm_card_declined'));
    await passTimeUntil(p, async () => {
      const sfn = await Promise.all(
        ['dash-sfn-ok', 'dash-sfn-dec', 'dash-sfn-oos', 'dash-both', 'big-sfn', ...PROGRESS_ORDERS].map(
          async (n) => (await executionStatus(p, n)) === 'SUCCEEDED',
        ),
      );
      return (
        ['dash-df-ok', 'dash-df-dec', 'dash-df-oos', 'dash-both'].every(closed) &&
        parked('dash-df-na') &&
        sfn.every(Boolean)
      );
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await p?.stop();
  });

  it('signs in with the key kept in sessionStorage (never in the URL) and shows counts per status for each engine', async () => {
    const page = await signedIn(KEYS.operator);
    const counts = page.getByRole('table', { name: /Sagas per status/ });
    await counts.waitFor();
    // Each engine is drawn when it answers: wait until neither is still counting.
    await page.locator('table.counts[aria-busy=false]').waitFor();
    const api = (await ops(p, 'GET', 'sagas?pageSize=500&counts=true', KEYS.reader)).body.counts;
    const cell = (status: string, col: number) =>
      counts
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: status }) })
        .getByRole('cell')
        .nth(col);
    expect(await cell('Compensated', 0).textContent()).toBe(String(api.byEngine.durable.Compensated));
    expect(await cell('Compensated', 1).textContent()).toBe(String(api.byEngine.stepFunctions.Compensated));
    expect(await cell('Completed', 2).textContent()).toBe(String(api.byStatus.Completed));
    expect(api.byEngine.durable.Compensated).toBe(3);
    await expect
      .poll(() => page.getByRole('region', { name: 'Oldest saga needing action' }).textContent())
      .toMatch(/dash-df-na.*NeedsAttention/);
    expect(page.url()).not.toContain(KEYS.operator);
    expect(await page.evaluate('Object.values(sessionStorage)')).toContain(KEYS.operator);
    expect(await page.evaluate('Object.values(localStorage)')).toEqual([]);
    await screenshot(page, 'overview');
    await page.close();
  });

  it('filters the list of both engines, keeps the filters in the URL, and a link to it reproduces the view', async () => {
    const page = await signedIn(KEYS.operator, '#/sagas');
    await page.getByLabel('Status', { exact: true }).selectOption('Compensated');
    await page.getByLabel('Order id starts with').fill('dash-');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/sagas\?status=Compensated&orderId=dash-/);
    const rows = page.getByRole('table', { name: /run\(s\) on this page/ }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(6);
    const text = (await rows.allTextContents()).join('\n');
    for (const id of ['dash-df-dec', 'dash-df-oos', 'dash-sfn-dec', 'dash-sfn-oos', 'dash-both'])
      expect(text).toContain(id);
    expect(text).toContain('Durable Functions');
    expect(text).toContain('Step Functions');
    expect(text).not.toMatch(/Completed|NeedsAttention/);

    const link = page.url();
    const again = await browser.newPage();
    await again.goto(link);
    await again.getByLabel('Ops key').fill(KEYS.reader);
    await again.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => again.locator('table.sagas tbody tr').count()).toBe(6);
    expect(await again.getByLabel('Status', { exact: true }).inputValue()).toBe('Compensated');
    await again.close();
    await page.close();
  });

  it("opens an order that ran on both engines: a lane per engine with the step graph, the timeline's attempts, compensations and waits, the trace diff", async () => {
    const page = await signedIn(KEYS.operator, '#/sagas?orderId=dash-both');
    await page.getByRole('link', { name: 'dash-both' }).first().click();
    await page.getByRole('heading', { name: 'Order dash-both' }).waitFor();
    for (const engine of ['Durable Functions', 'Step Functions']) {
      const lane = page.getByRole('region', { name: new RegExp(`^${engine}`) });
      const timeline = lane.getByRole('table', { name: /Timeline of dash-both/ });
      const charge = timeline.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'chargePayment' }) });
      expect(await charge.count(), engine).toBe(1);
      const release = timeline.locator('tr.compensation th');
      expect(await release.allTextContents(), engine).toEqual(['↶ releaseInventory']);
      const steps = lane.getByRole('list', { name: /Saga steps/ }).getByRole('listitem');
      expect(await steps.nth(0).textContent(), engine).toMatch(/^reserveInventory.*done.*releaseInventory \(ran\)/);
      expect(await steps.nth(1).textContent(), engine).toMatch(/^chargePayment.*failed/);
      expect(await steps.count(), engine).toBe(orderSaga.steps.length);
    }
    await expect
      .poll(() =>
        page
          .getByRole('region', { name: /Trace diff/ })
          .getByRole('heading')
          .textContent(),
      )
      .toBe('Trace diff: both engines did the same');
    await screenshot(page, 'order');

    // A completed order: its wait for the confirmation with the deadline, and every step of the definition done.
    await page.goto(`${p.t.baseUrl}/api/ops/ui/#/orders/dash-df-ok`);
    const lane = page.getByRole('region', { name: /^Durable Functions/ });
    const wait = lane
      .getByRole('table', { name: /Timeline of dash-df-ok/ })
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'await PaymentConfirmed' }) });
    expect(await wait.textContent()).toMatch(/received.*deadline \d\d:\d\d:\d\d UTC/);
    expect(
      await lane
        .getByRole('list', { name: /Saga steps/ })
        .getByRole('listitem')
        .allTextContents(),
    ).toEqual(orderSaga.steps.map((st) => expect.stringMatching(new RegExp(`^${st.name}.*done`))));
    await page.close();
  });

  it('opens an order that ran on Step Functions only: one lane, the failed step in the graph, the compensation in the timeline', async () => {
    const page = await signedIn(KEYS.operator, '#/orders/dash-sfn-dec');
    await page.getByRole('heading', { name: 'Order dash-sfn-dec' }).waitFor();
    expect(await page.getByRole('region').count()).toBe(1);
    const lane = page.getByRole('region', { name: /^Step Functions/ });
    const steps = lane.getByRole('list', { name: /Saga steps/ }).getByRole('listitem');
    expect(await steps.nth(0).textContent()).toMatch(/reserveInventory.*done.*releaseInventory \(ran\)/);
    expect(await steps.nth(1).textContent()).toMatch(/chargePayment.*failed/);
    expect(await steps.nth(1).getAttribute('aria-current')).toBe('step');
    const compensation = lane.locator('table.timeline tr.compensation');
    expect(await compensation.locator('th').textContent()).toBe('↶ releaseInventory');
    expect(await lane.textContent()).toMatch(/Reason.*PaymentDeclined/);
    await page.close();
  });

  it('draws the fast engine first: Durable counts while Step Functions is still counting, then both; asks nothing while the tab is hidden', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/api\/ops\/overview\?engine=stepFunctions/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${p.t.baseUrl}/api/ops/ui/`);
    await page.getByLabel('Ops key').fill(KEYS.reader);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const counts = page.getByRole('table', { name: /Sagas per status/ });
    const api = (await ops(p, 'GET', 'sagas?pageSize=500&counts=true', KEYS.reader)).body.counts;
    const cell = (status: string, col: number) =>
      counts
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: status }) })
        .getByRole('cell')
        .nth(col);
    await expect.poll(() => cell('Compensated', 0).textContent()).toBe(String(api.byEngine.durable.Compensated));
    expect(await counts.getAttribute('aria-busy')).toBe('true');
    expect(await cell('Compensated', 1).textContent()).toBe('counting…');
    expect(await counts.locator('caption').textContent()).toMatch(/Step Functions still counting/);
    release();
    await page.locator('table.counts[aria-busy=false]').waitFor();
    expect(await cell('Compensated', 1).textContent()).toBe(String(api.byEngine.stepFunctions.Compensated));
    await page.unroute(/\/api\/ops\/overview\?engine=stepFunctions/);

    // Hidden: no refresh at all (the 5 s timer is not re-armed); shown again: both engines at once.
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/ops/overview')) asked.push(r.url());
    });
    const visibility = (hidden: boolean) =>
      page.evaluate(
        `Object.defineProperty(document, 'hidden', { value: ${hidden}, configurable: true }); document.dispatchEvent(new Event('visibilitychange'))`,
      );
    await visibility(true);
    const askedWhenHidden = asked.length;
    await new Promise((resolve) => setTimeout(resolve, 6500));
    expect(asked.length).toBe(askedWhenHidden);
    expect(await page.locator('p.updated').textContent()).toMatch(/paused while the tab is hidden/);
    await visibility(false);
    await expect.poll(() => asked.length).toBeGreaterThanOrEqual(askedWhenHidden + 2);
    await page.close();
  });

  it("lists each run's custom status phase, filters by it and by the updated time on the server, both kept in the URL", async () => {
    const page = await signedIn(KEYS.reader, '#/sagas?orderId=dash-');
    const listed: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/ops/sagas?')) listed.push(r.url());
    });
    await page.getByLabel('Custom status phase').selectOption('parked');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/sagas\?phase=parked&orderId=dash-/);
    const rows = page.locator('table.sagas tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toMatch(/dash-df-na.*NeedsAttention.*parked/);
    expect(listed.at(-1)).toMatch(/phase=parked/);

    // The updated-time range, against what the API says each run's updatedAt is.
    const runs = (await ops(p, 'GET', 'sagas?orderId=dash-&pageSize=500', KEYS.reader)).body.runs as {
      updatedAt: string;
    }[];
    const latest = runs
      .map((r) => r.updatedAt)
      .sort()
      .at(-1)!;
    const minute = latest.slice(0, 16);
    await page.getByLabel('Custom status phase').selectOption('');
    await page.getByLabel('Updated from (UTC)').fill(minute);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.url()).toContain(`updatedFrom=${encodeURIComponent(`${minute}:00.000Z`)}`);
    const expected = runs.filter((r) => r.updatedAt >= `${minute}:00.000Z`).length;
    await expect.poll(() => rows.count()).toBe(expected);
    expect(listed.at(-1)).toMatch(/updatedFrom=/);
    const later = new Date(Date.parse(`${minute}:00Z`) + 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Updated from (UTC)').fill(later);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No saga matches these filters.').waitFor();
    expect(await rows.count()).toBe(0);
    await page.close();
  });

  it("shows the custom status, and a step's input and output only when opened: cut to 4,000 characters with a way to see all, as text", async () => {
    const page = await signedIn(KEYS.reader);
    const calls: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/calls?')) calls.push(r.url());
    });
    await page.goto(`${p.t.baseUrl}/api/ops/ui/#/orders/dash-df-na`);
    const durable = page.getByRole('region', { name: /^Durable Functions/ });
    await durable.waitFor();
    expect(await durable.locator('.custom-status').textContent()).toMatch(/phase parked/);
    await durable.getByText('As the orchestration set it').click();
    expect(await durable.locator('.custom-status pre').textContent()).toMatch(/"phase": "parked"/);

    await page.goto(`${p.t.baseUrl}/api/ops/ui/#/orders/big-sfn`);
    await page.getByRole('heading', { name: 'Order big-sfn' }).waitFor();
    const lane = page.getByRole('region', { name: /^Step Functions/ });
    expect(await lane.locator('.custom-status').textContent()).toMatch(/phase done.*no custom status/);
    expect(calls).toEqual([]);
    const toggle = lane.getByRole('button', { name: 'Input and output of reserveInventory' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.focus();
    await page.keyboard.press('Enter');
    const input = lane.getByLabel('Input', { exact: true });
    await input.waitFor();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(calls).toHaveLength(1);
    const whole = (
      await ops(p, 'GET', 'sagas/big-sfn/calls?engine=stepFunctions&run=big-sfn&call=0&maxChars=1000000', KEYS.reader)
    ).body;
    expect(whole.input.chars).toBeGreaterThan(4000);
    expect(await input.textContent()).toBe(whole.input.text.slice(0, 4000));
    expect(await input.textContent()).toContain(MARKUP);
    expect(await lane.locator('tr.call-row img').count()).toBe(0);
    expect(await lane.getByLabel('Output', { exact: true }).textContent()).toBe(whole.output.text);
    await screenshot(page, 'order-step-call');
    await lane.getByRole('button', { name: /Show all input/ }).click();
    await expect
      .poll(async () => (await lane.getByLabel('Input', { exact: true }).textContent())?.length)
      .toBe(whole.input.chars);
    expect(await lane.getByLabel('Input', { exact: true }).textContent()).toBe(whole.input.text);
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await lane.locator('tr.call-row').count()).toBe(0);
    await page.close();
  });

  it('replays two out-of-stock orders on both engines from a multi-select: dry-run plan first, reason, apply with the hash; both complete, each charged once, and the audit shows it', async () => {
    await setStock(p, { 'SKU-DASH-DF': 5, 'SKU-DASH-SFN': 5 });
    const chargedBefore = charges('dash-df-oos').length + charges('dash-sfn-oos').length;
    const page = await signedIn(KEYS.operator, '#/sagas?status=Compensated&orderId=dash-');
    await page.getByRole('checkbox', { name: /Select order dash-df-oos/ }).check();
    await page.getByRole('checkbox', { name: /Select order dash-sfn-oos/ }).check();
    await page.getByRole('button', { name: 'Replay selected (2)…' }).click();
    const dialog = page.getByRole('dialog', { name: /Replay 2 selected/ });
    await dialog.getByLabel(/Restart/).check();
    const apply = dialog.getByRole('button', { name: /Apply plan/ });
    expect(await apply.isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Dry run' }).click();
    expect(await dialog.getByRole('alert').textContent()).toMatch(/reason is required/i);
    await dialog.getByLabel('Reason (recorded in the audit)').fill('stock arrived, INC-42');
    await dialog.getByRole('button', { name: 'Dry run' }).click();
    const plan = dialog.getByRole('table', { name: /^Plan / });
    await plan.waitFor();
    expect(await plan.locator('caption').textContent()).toMatch(/2 eligible, 0 not/);
    expect(await plan.textContent()).toMatch(/chargePayment/);
    // The dry run changed nothing.
    expect(charges('dash-df-oos').length + charges('dash-sfn-oos').length).toBe(chargedBefore);
    expect((await inventory(p.t).get('SKU-DASH-DF'))?.available).toBe(5);

    await apply.click();
    const results = dialog.getByRole('table', { name: /^Applied 2, skipped 0, failed 0/ });
    await results.waitFor();
    const newRuns = (await results.locator('tbody tr').allTextContents()).join(' ');
    expect(newRuns).toMatch(/dash-df-oos/);
    expect(newRuns).toMatch(/dash-sfn-oos/);
    await page.keyboard.press('Escape');

    await passTimeUntil(p, async () => {
      const view = (await ops(p, 'GET', 'sagas?orderId=dash-&status=Completed&pageSize=100', KEYS.reader)).body;
      const done = view.runs.filter((r: { orderId?: string }) => r.orderId?.endsWith('-oos'));
      return done.length === 2;
    });
    expect(charges('dash-df-oos')).toHaveLength(1);
    expect(charges('dash-sfn-oos')).toHaveLength(1);
    expect((await inventory(p.t).get('SKU-DASH-DF'))?.available).toBe(4);
    expect((await inventory(p.t).get('SKU-DASH-SFN'))?.available).toBe(4);

    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Audit' }).click();
    const audit = page.getByRole('table', { name: /newest first/ });
    await audit.waitFor();
    const applied = audit
      .locator('tbody tr')
      .filter({ hasText: 'stock arrived, INC-42' })
      .filter({ hasNotText: 'dry run' });
    expect(await applied.textContent()).toMatch(/otto.*replay restart.*dash-df-oos.*applied/s);
    expect(await audit.locator('tbody tr').filter({ hasText: '(dry run)' }).count()).toBeGreaterThanOrEqual(1);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export (JSON Lines)' }).click(),
    ]);
    const lines = (
      await download.createReadStream().then(async (s) => {
        let text = '';
        for await (const chunk of s) text += chunk;
        return text;
      })
    )
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(lines.some((e) => e.reason === 'stock arrived, INC-42' && !e.dryRun && e.who === 'otto')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(KEYS.operator);
    await page.close();
  });

  it('applies a bulk replay part by part and counts while it applies ("10 of 12 applied, 0 failed"), then shows every result', async () => {
    const page = await signedIn(KEYS.operator, '#/sagas?status=Compensated&orderId=prog-');
    await expect.poll(() => page.locator('table.sagas tbody tr').count()).toBe(12);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const parts: string[][] = [];
    await page.route(/\/api\/ops\/replays$/, async (route) => {
      const body = route.request().postDataJSON() as { part?: string[] };
      if (body.part) {
        parts.push(body.part);
        if (parts.length === 2) await held;
      }
      await route.continue();
    });
    await page.getByRole('button', { name: 'Replay all matching the filter…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Replay every saga matching the filter' });
    await dialog.getByLabel(/Restart/).check();
    await dialog.getByLabel('Reason (recorded in the audit)').fill('progress check');
    await dialog.getByRole('button', { name: 'Dry run' }).click();
    expect(
      await dialog
        .getByRole('table', { name: /^Plan / })
        .locator('caption')
        .textContent(),
    ).toMatch(/12 eligible, 0 not/);
    await dialog.getByRole('button', { name: /Apply plan/ }).click();
    await expect
      .poll(() => dialog.locator('.progress-count').textContent(), { timeout: 30_000 })
      .toBe('10 of 12 applied, 0 failed');
    expect(await dialog.getByRole('progressbar', { name: 'Replay progress' }).getAttribute('value')).toBe('10');
    expect(await executionStatus(p, `${parts[0][0]}.r2`)).toBeDefined();
    // The dialog stays open while parts are applied: closing it would leave the apply running unseen.
    expect(await dialog.getByRole('button', { name: 'Close' }).isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(true);
    release();
    const results = dialog.getByRole('table', { name: /^Applied 12, skipped 0, failed 0/ });
    await results.waitFor();
    expect(parts.map((part) => part.length)).toEqual([10, 2]);
    expect(new Set(parts.flat())).toEqual(new Set(PROGRESS_ORDERS));
    expect(await results.locator('tbody tr').count()).toBe(12);
    expect(await executionStatus(p, `${parts[1][1]}.r2`)).toBeDefined();
    expect(await dialog.getByRole('button', { name: 'Close' }).isDisabled()).toBe(false);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // Once the restarts are over (declined again), restart them again and stop after the first part.
    await passTimeUntil(p, async () =>
      (await Promise.all(PROGRESS_ORDERS.map((id) => executionStatus(p, `${id}.r2`)))).every((s) => s === 'SUCCEEDED'),
    );
    parts.length = 0;
    let releaseFirst!: () => void;
    const heldFirst = new Promise<void>((resolve) => (releaseFirst = resolve));
    await page.unroute(/\/api\/ops\/replays$/);
    await page.route(/\/api\/ops\/replays$/, async (route) => {
      const body = route.request().postDataJSON() as { part?: string[] };
      if (body.part) {
        parts.push(body.part);
        await heldFirst;
      }
      await route.continue();
    });
    await page.reload();
    await page.getByRole('button', { name: 'Replay all matching the filter…' }).click();
    const again = page.getByRole('dialog', { name: 'Replay every saga matching the filter' });
    await again.getByLabel(/Restart/).check();
    await again.getByLabel('Reason (recorded in the audit)').fill('progress check, stopped');
    await again.getByRole('button', { name: 'Dry run' }).click();
    await again.getByRole('table', { name: /^Plan .*12 eligible/ }).waitFor();
    await again.getByRole('button', { name: /Apply plan/ }).click();
    await again.getByRole('button', { name: 'Stop after this part' }).click();
    releaseFirst();
    await again.getByRole('table', { name: /^Applied 10, skipped 0, failed 0/ }).waitFor();
    expect(await again.getByRole('alert').textContent()).toMatch(
      /Stopped as you asked: 2 order\(s\) of the plan were not applied/,
    );
    expect(parts.map((part) => part.length)).toEqual([10]);
    const notApplied = PROGRESS_ORDERS.filter((id) => !parts[0].includes(id));
    await expect(executionStatus(p, `${notApplied[0]}.r3`)).rejects.toThrow(/does not exist/i);
    expect(await executionStatus(p, `${parts[0][0]}.r3`)).toBeDefined();
    await page.close();
  });

  it('redraws the list by itself while nobody is using it, and never while a row is selected', async () => {
    const page = await signedIn(KEYS.reader, '#/sagas?orderId=live-');
    await page.getByText('No saga matches these filters.').waitFor();
    await placeOnStepFunctions(p, order('live-1', 'pm_card_visa'));
    const rows = page.locator('table.sagas tbody tr');
    // No reload, no click: the list redraws every 10 s.
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    expect(await rows.first().textContent()).toContain('live-1');
    await page.getByRole('checkbox', { name: /Select order live-1/ }).check();
    await placeOnStepFunctions(p, order('live-2', 'pm_card_visa'));
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    expect(await rows.count()).toBe(1);
    expect(await page.getByRole('checkbox', { name: /Select order live-1/ }).isChecked()).toBe(true);
    await page.close();
  });

  it('a reader key sees no enabled mutating button on the list or an order page', async () => {
    const page = await signedIn(KEYS.reader, '#/sagas?orderId=dash-');
    await page.locator('table.sagas tbody tr').first().waitFor();
    expect(await page.getByRole('banner').textContent()).toMatch(/rita \(reader, read-only\)/);
    const enabled = async () =>
      (await page.locator('main button:enabled').allTextContents()).filter((t) =>
        /replay|retry|resolve|terminate/i.test(t),
      );
    expect(await page.getByRole('button', { name: /Replay selected/ }).isDisabled()).toBe(true);
    expect(await enabled()).toEqual([]);
    await page.goto(`${p.t.baseUrl}/api/ops/ui/#/orders/dash-df-na`);
    await page.getByRole('group', { name: 'Operator actions' }).waitFor();
    expect(await page.getByRole('group', { name: 'Operator actions' }).getByRole('button').count()).toBe(4);
    expect(await enabled()).toEqual([]);
    expect(await page.getByRole('button', { name: 'Mark resolved…' }).getAttribute('title')).toMatch(/reader role/);
    await screenshot(page, 'order-needs-attention');
    await page.close();
  });

  it('works from the keyboard: skip link, navigation, filters, opening an order, a dialog closed with Escape', async () => {
    const page = await signedIn(KEYS.operator);
    await page.getByRole('table', { name: /Sagas per status/ }).waitFor();
    // Each page takes the focus when it is drawn, so a screen reader starts at the new content.
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    const focused = () => page.evaluate('document.activeElement?.textContent');
    for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('Skip to content');
    const url = page.url();
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    expect(page.url()).toBe(url);
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('Sagas');
    await page.keyboard.press('Enter');
    await page.getByRole('search', { name: 'Filter sagas' }).waitFor();
    await page.getByLabel('Order id starts with').focus();
    await page.keyboard.type('dash-df-na');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toMatch(/orderId=dash-df-na/);
    const link = page.getByRole('link', { name: 'dash-df-na' });
    await link.waitFor();
    await link.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Order dash-df-na' }).waitFor();
    await page.getByRole('button', { name: 'Mark resolved…' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Mark resolved' });
    await dialog.waitFor();
    expect(await page.evaluate("document.activeElement?.closest('dialog') !== null")).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(parked('dash-df-na')).toBe(true);
    await page.close();
  });

  it('refuses a wrong key at sign-in with a message, and serves no file outside the dashboard', async () => {
    const page = await browser.newPage();
    await page.goto(`${p.t.baseUrl}/api/ops/ui/`);
    await page.getByLabel('Ops key').fill('not-a-key-0000000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('alert').textContent()).toBe('That key is not an ops key.');
    await page.close();
    const traversal = await fetch(`${p.t.baseUrl}/api/ops/ui/..%2F..%2Fpackage.json`);
    expect(traversal.status).toBe(404);
    const shell = await fetch(`${p.t.baseUrl}/api/ops/ui/`);
    expect(shell.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  });
});

describe.skipIf(chromiumInstalled)('the operations dashboard in Chromium', () => {
  it(NO_CHROMIUM, () => {});
});
