/**
 * The ops CLI as an operator runs it (a child process: node dist/ops/cli/main.js) against the app's ops API on
 * the embedded platform: tables by default, --json for scripts, --help per verb, exit codes 0 / 1 / 2; and its
 * replay verb in process with a terminal's progress line, to see the bar drawn while an apply runs.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpsApiClient } from '../../ops/cli/apiClient';
import { parseCommandLine } from '../../ops/cli/args';
import { VERBS } from '../../ops/cli/verbs';
import { repoRoot } from '../fixtures/orderApp';
import {
  KEYS,
  OpsPlatform,
  order,
  passTimeUntil,
  placeOnDurable,
  setStock,
  startOpsPlatform,
} from '../fixtures/opsPlatform';

let p: OpsPlatform;

function cli(args: string[], key: string = KEYS.operator): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(repoRoot, 'dist/ops/cli/main.js'), ...args],
      { env: { ...process.env, OPS_API_URL: `${p.t.baseUrl}/api/ops`, OPS_KEY: key } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  p = await startOpsPlatform();
  await setStock(p, { 'SKU-TEA': 100 });
  await placeOnDurable(p, order('cli-dec', 'pm_card_declined'));
  await placeOnDurable(p, order('cli-ok', 'pm_card_visa'));
  await passTimeUntil(p, async () =>
    ['cli-dec', 'cli-ok'].every((id) => p.t.platform.engine.getStatus(id)?.runtimeStatus === 'Completed'),
  );
}, 60_000);

afterAll(async () => {
  await p?.stop();
});

describe('ops CLI', () => {
  it('lists as a table by default and as JSON with --json', async () => {
    const table = await cli(['list', '--order', 'cli-', '--counts'], KEYS.reader);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ORDER +ENGINE +RUN +STATUS +ENGINE STATUS +STEP +UPDATED +REASON$/m);
    expect(table.stdout).toMatch(
      /^cli-dec +durable +cli-dec +Compensated +Completed +chargePayment .*PaymentDeclined/m,
    );
    expect(table.stdout).toMatch(/^Compensated +1$/m);
    const json = await cli(['list', '--order', 'cli-', '--json'], KEYS.reader);
    expect(
      JSON.parse(json.stdout)
        .runs.map((r: { run: string }) => r.run)
        .sort(),
    ).toEqual(['cli-dec', 'cli-ok']);
  });

  it('shows an order with its trace and timeline', async () => {
    const shown = await cli(['show', 'cli-dec'], KEYS.reader);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('trace: reserveInventory → chargePayment → releaseInventory → syncAnalytics');
    expect(shown.stdout).toMatch(/^chargePayment +attempt 1 .* succeeded/m);
  });

  it('shows the replay plan without applying it, and applies it with --yes', async () => {
    const dry = await cli(['replay', 'cli-dec', '--mode', 'restart', '--reason', 'customer changed card']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/charges the order total again with key cli-dec\.r2:chargePayment/);
    expect(dry.stdout).toMatch(/nothing applied: run again with --yes/);
    expect(p.t.platform.engine.getStatus('cli-dec.r2')).toBeUndefined();
    const applied = await cli(['replay', 'cli-dec', '--mode', 'restart', '--reason', 'customer changed card', '--yes']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/^cli-dec +durable +cli-dec +restart +applied +started cli-dec\.r2$/m);
    expect(p.t.platform.engine.getStatus('cli-dec.r2')).toBeDefined();
  });

  it("exits 2 on bad usage (with the verb's help) and 1 when the call is refused", async () => {
    const noMode = await cli(['replay', 'cli-ok', '--reason', 'x']);
    expect(noMode.code).toBe(2);
    expect(noMode.stderr).toMatch(/--mode must be resume or restart[\s\S]*Usage: ops replay/);
    expect((await cli(['list', '--colour', 'red'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    const completed = await cli(['replay', 'cli-ok', '--mode', 'resume', '--reason', 'x', '--yes']);
    expect(completed.code).toBe(1);
    expect(completed.stderr).toMatch(/NotEligible: Nothing to resume: cli-ok \(durable cli-ok\): Completed/);
    const asReader = await cli(['decide', 'cli-ok', '--action', 'markResolved', '--note', 'x'], KEYS.reader);
    expect(asReader.code).toBe(1);
    expect(asReader.stderr).toMatch(/HTTP 403.*needs the operator role/);
    const badStatus = await cli(['list', '--status', 'Sleepy'], KEYS.reader);
    expect(badStatus.code).toBe(2);
    for (const verb of ['list', 'show', 'replay', 'decide', 'terminate', 'purge', 'audit']) {
      const help = await cli([verb, '--help']);
      expect(help.code, verb).toBe(0);
      expect(help.stdout, verb).toMatch(new RegExp(`^Usage: ops ${verb}[\\s\\S]*Example`));
    }
  });

  it('draws a progress bar on a terminal while a bulk apply runs, and serves the progress to readers', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `cli-prog-${i}`);
    for (const id of ids) await placeOnDurable(p, order(id, 'pm_card_declined'));
    await passTimeUntil(p, async () =>
      ids.every((id) => p.t.platform.engine.getStatus(id)?.runtimeStatus === 'Completed'),
    );
    const shown: string[] = [];
    let cleared = 0;
    const line = { show: (text: string) => shown.push(text), clear: () => cleared++ };
    const api = new OpsApiClient(`${p.t.baseUrl}/api/ops`, KEYS.operator);
    // 4 a second: the apply takes over a second, so the CLI's polls (every 500 ms) see it part-way.
    const result = await VERBS.replay.run(
      parseCommandLine(['replay', ...ids, '--mode', 'restart', '--reason', 'progress', '--yes', '--rate', '4']),
      api,
      false,
      line,
    );
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/applied 6, skipped 0, failed 0/);
    const bars = shown.filter((t) => t.startsWith('['));
    expect(bars.length, shown.join('\n')).toBeGreaterThan(0);
    expect(
      bars.some((t) => /\] [1-5]\/6 {2}applied [1-5] {2}skipped 0 {2}failed 0 /.test(t)),
      bars.join('\n'),
    ).toBe(true);
    expect(cleared).toBe(1);

    const hash = /plan hash ([0-9a-f]{32})/.exec(result.out)![1];
    const progress = (key?: string, h = hash) =>
      fetch(`${p.t.baseUrl}/api/ops/replays/${h}/progress`, { headers: key ? { 'x-ops-key': key } : {} });
    const done = await progress(KEYS.reader);
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ planHash: hash, total: 6, done: 6, applied: 6, failed: 0 });
    expect((await progress(KEYS.reader, 'f'.repeat(32))).status).toBe(404);
    expect((await progress(KEYS.reader, 'not-a-hash')).status).toBe(400);
    expect((await progress()).status).toBe(401);
  });

  it('exports the audit as JSON Lines', async () => {
    const out = await cli(['audit', '--jsonl', '--action', 'replay'], KEYS.reader);
    expect(out.code).toBe(0);
    const lines = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.some((l) => l.dryRun === false && l.who === 'otto' && l.reason === 'customer changed card')).toBe(
      true,
    );
  });
});
