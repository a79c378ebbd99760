import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.join(__dirname, '..');

/** `npm start` runs the platform's command in the app's folder after the build; here on a free port and an in-memory store. */
function startCli(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(
    process.execPath,
    [path.join(root, 'node_modules/.bin/local-platform'), '--port', '0', '--store', 'memory'],
    {
      cwd: root,
      env: { ...process.env, WEBSITE_HOSTNAME: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start in time:\n${out}`)), 20_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /Durable HTTP API: (http:\/\/[^/]+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`CLI exited with ${code}:\n${out}`)));
  });
}

describe('npm start (the CLI on the project app)', () => {
  let cli: Awaited<ReturnType<typeof startCli>> | undefined;
  afterAll(() => {
    cli?.child.kill('SIGTERM');
  });

  it('lists the functions like func start and completes an HTTP-started orchestration', async () => {
    cli = await startCli();
    const out = cli.output();
    expect(out).toContain('Functions:');
    expect(out).toMatch(
      /startOrchestration: \[POST\] http:\/\/127\.0\.0\.1:\d+\/api\/orchestrators\/\{orchestratorName\}/,
    );
    expect(out).toContain('helloSequence: orchestrationTrigger');
    expect(out).toContain('sayHello: activityTrigger');

    const started = await fetch(`${cli.url}/api/orchestrators/helloSequence`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(['Oslo', 'Lima']),
    });
    expect(started.status).toBe(202);
    const links = (await started.json()) as { id: string; statusQueryGetUri: string };
    expect(started.headers.get('location')).toBe(links.statusQueryGetUri);

    let status: { runtimeStatus: string; output: unknown } | undefined;
    for (let i = 0; i < 100; i++) {
      const res = await fetch(links.statusQueryGetUri);
      status = (await res.json()) as typeof status;
      if (status!.runtimeStatus === 'Completed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: ['Hello, Oslo!', 'Hello, Lima!'] });

    const bad = await fetch(`${cli.url}/api/orchestrators/noSuchOrchestrator`, { method: 'POST' });
    expect(bad.status).toBe(404);
    expect(await bad.text()).toContain('helloSequence');
  });
});
