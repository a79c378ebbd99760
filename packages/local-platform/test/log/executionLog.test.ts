import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock';
import { consoleSink, logServiceBusSetAsides, PlatformLog, useColor } from '../../src/log';
import { parseServiceBusConfig, ServiceBusNamespace } from '../../src/serviceBus';
import { startTestPlatform, type TestPlatform } from '../../src/testing';

const packageRoot = path.resolve(__dirname, '../..');
const durableApp = path.join(__dirname, '../fixtures/durable-app');
const httpApp = path.join(__dirname, '../fixtures/http-app');
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('the log: levels, console lines, colours', () => {
  const capture = (isTTY: boolean) => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      streams: { out: { isTTY, write: (t: string) => out.push(t) }, err: { isTTY, write: (t: string) => err.push(t) } },
    };
  };
  const at = () => new Date('2026-12-06T12:00:00.000Z');

  it('prints as func start does: a timestamp, info on stdout, warnings and errors on stderr', () => {
    const c = capture(false);
    const log = new PlatformLog(consoleSink('auto', c.streams, at), 'info');
    log.debug('not shown at info');
    log.info("Executed 'Functions.x' (Succeeded, Id=1, Duration=3ms)");
    log.warn('careful');
    log.error('broken');
    expect(c.out).toEqual(["[2026-12-06T12:00:00.000Z] Executed 'Functions.x' (Succeeded, Id=1, Duration=3ms)\n"]);
    expect(c.err).toEqual(['[2026-12-06T12:00:00.000Z] careful\n', '[2026-12-06T12:00:00.000Z] broken\n']);
  });

  it('colours only on a terminal, never with NO_COLOR, always when asked', () => {
    const before = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      expect(useColor('auto', { isTTY: true })).toBe(true);
      expect(useColor('auto', { isTTY: false })).toBe(false);
      expect(useColor('never', { isTTY: true })).toBe(false);
      expect(useColor('always', { isTTY: false })).toBe(true);
      process.env.NO_COLOR = '1';
      expect(useColor('auto', { isTTY: true })).toBe(false);
    } finally {
      if (before === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = before;
    }
    const c = capture(true);
    consoleSink('always', c.streams, at)('info', "Executed 'Functions.x' (Failed, Id=1, Duration=3ms)");
    expect(c.out[0]).toContain('\u001b[31mFailed\u001b[0m');
    const plain = capture(true);
    consoleSink('never', plain.streams, at)('error', 'broken');
    expect(plain.err[0]).not.toContain('\u001b[');
  });

  it('quiet levels drop the less severe lines; silent drops everything', () => {
    const seen: string[] = [];
    const warn = new PlatformLog((level, m) => seen.push(`${level}: ${m}`), 'warn');
    warn.info('a');
    warn.warn('b');
    warn.error('c');
    const silent = new PlatformLog((level, m) => seen.push(`${level}: ${m}`), 'silent');
    silent.error('d');
    expect(seen).toEqual(['warn: b', 'error: c']);
    expect(silent.enabled('error')).toBe(false);
  });
});

describe('execution lines from a running platform (durable fixture app)', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ appRoot: durableApp, printErrors: false });
  });
  afterAll(() => t?.stop());

  it('each execution is an Executing line and an Executed line with the same id and a duration', async () => {
    const id = await t.client.startNew('activitySequence', { input: ['Ada'] });
    await t.waitForStatus(id, 'Completed');
    const executing = t.logs
      .map((l) => new RegExp(`^info: Executing 'Functions\\.hello' \\(Reason='([^']+)', Id=(${UUID})\\)$`).exec(l))
      .find(Boolean);
    expect(executing, t.logs.join('\n')).toBeTruthy();
    expect(executing![1]).toBe(`Scheduled by orchestration instance ${id} (task #0)`);
    const done = new RegExp(
      `^info: Executed 'Functions\\.hello' \\(Succeeded, Id=${executing![2]}, Duration=\\d+ms\\)$`,
    );
    expect(t.logs.some((l) => done.test(l))).toBe(true);
    expect(t.logs.some((l) => /^info: Executed 'Functions\.activitySequence' \(Succeeded, /.test(l))).toBe(true);
    expect(t.logs).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^info: Executing 'Functions\\.activitySequence' \\(Reason='Orchestration instance ${id}: first episode', Id=`,
        ),
      ),
    );
    expect(t.logs).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^info: Executing 'Functions\\.activitySequence' \\(Reason='Orchestration instance ${id}: replay and new events', Id=`,
        ),
      ),
    );
  });

  it('orchestration state changes are logged once each, the end with its duration', async () => {
    const id = await t.client.startNew('activitySequence', { input: ['Grace'] });
    await t.waitForStatus(id, 'Completed');
    const mine = t.logs.filter((l) => l.includes(`(Id=${id})`));
    expect(mine).toEqual([
      `info: Orchestration 'activitySequence' (Id=${id}): Pending`,
      `info: Orchestration 'activitySequence' (Id=${id}): Pending → Running`,
      expect.stringMatching(
        new RegExp(`^info: Orchestration 'activitySequence' \\(Id=${id}\\): Running → Completed after [\\d,]+ ms$`),
      ),
    ]);
  });

  it('a failing activity is an error with its exception and stack', async () => {
    const id = await t.client.startNew('retryActivity', {
      input: {
        activity: 'alwaysFail',
        input: { key: 'log-1', message: 'card service down' },
        retry: { first: 1000, max: 1 },
        catch: true,
      },
    });
    await t.waitForStatus(id, 'Completed');
    expect(t.logs).toContainEqual(expect.stringMatching(/^error: Executed 'Functions\.alwaysFail' \(Failed, Id=/));
    const exception = t.logs.find((l) =>
      l.startsWith('error: Exception while executing function: Functions.alwaysFail.'),
    );
    expect(exception).toContain('PermanentError: card service down');
    expect(exception).toContain('activities.js');
  });

  it('a failed orchestration: the failed execution and the state change say why, without the library state', async () => {
    const failing = await t.client.startNew('throws', { input: { message: 'the orchestrator gave up' } });
    await t.waitForStatus(failing, 'Failed');
    expect(t.logs).toContainEqual(expect.stringMatching(/^error: Executed 'Functions\.throws' \(Failed, Id=/));
    expect(t.logs).toContainEqual(
      'error: Exception while executing function: Functions.throws. the orchestrator gave up',
    );
    expect(t.logs.join('\n')).not.toContain('$OutOfProcData$');
    expect(t.logs).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^error: Orchestration 'throws' \\(Id=${failing}\\): Pending → Failed after .*the orchestrator gave up$`,
        ),
      ),
    );
  });
});

describe('dead-lettered messages are logged with their reason', () => {
  it('MaxDeliveryCount reached: a warning naming the message, the entity, the deliveries and the reason', () => {
    const ns = new ServiceBusNamespace(
      parseServiceBusConfig(
        {
          UserConfig: {
            Namespaces: [
              { Name: 'local', Queues: [{ Name: 'work', Properties: { MaxDeliveryCount: 1 } }], Topics: [] },
            ],
          },
        },
        'test',
      ),
      new VirtualClock(),
    );
    const lines: string[] = [];
    logServiceBusSetAsides(ns, new PlatformLog((level, m) => lines.push(`${level}: ${m}`), 'info'));
    ns.send('work', { messageId: 'm-1', body: Buffer.from('{}') });
    const [m] = ns.receive('work', { maxMessages: 1, mode: 'peekLock' });
    ns.abandon('work', m.lockToken!);
    ns.close();
    expect(lines).toEqual([
      expect.stringMatching(
        /^warn: Service Bus: message 'm-1' on 'work' was dead-lettered after 1 deliveries: MaxDeliveryCountExceeded/,
      ),
    ]);
  });
});

describe('the CLI: execution lines on the console, --quiet keeps only problems', () => {
  const run = (args: string[]): Promise<{ out: string; err: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          path.join(packageRoot, 'bin/local-platform.js'),
          '--app',
          httpApp,
          '--port',
          '0',
          '--store',
          'memory',
          ...args,
        ],
        {
          env: { ...process.env, WEBSITE_HOSTNAME: '', NO_COLOR: '1', HTTP_APP_HOURLY_SCHEDULE: '0 0 * * * *' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error(`no start:\n${out}\n${err}`)), 20_000);
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      let requested = false;
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /Durable HTTP API: (http:\/\/[^/]+)\//.exec(out);
        // Output keeps coming after the banner: one request, once.
        if (!m || requested) return;
        requested = true;
        clearTimeout(timer);
        fetch(`${m[1]}/api/hello/Ada`)
          .then((res) => res.text())
          .then(() => new Promise((r) => setTimeout(r, 200)))
          .then(() => child.kill('SIGTERM'), reject);
      });
      child.on('exit', () => resolve({ out, err }));
    });

  it('prints Executing/Executed with a timestamp by default', async () => {
    const { out } = await run([]);
    expect(out).toMatch(
      /^\[\d{4}-\d\d-\d\dT[\d:.]+Z\] Executing 'Functions\.hello' \(Reason='This function was programmatically called via the host APIs\.', Id=/m,
    );
    expect(out).toMatch(/Executed 'Functions\.hello' \(Succeeded, Id=.*, Duration=\d+ms\)/);
  });

  it('--quiet prints the functions but no execution lines', async () => {
    const { out } = await run(['--quiet']);
    expect(out).toContain('Functions:');
    expect(out).not.toContain('Executing');
  });
});
