/**
 * The ops CLI as an operator runs it (a child process: node dist/ops/cli/main.js) against the app's ops API on
 * the embedded platform: tables by default, --json for scripts, --help per verb, exit codes 0 / 1 / 2.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
