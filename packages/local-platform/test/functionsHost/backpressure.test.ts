// Backpressure of the embedded Functions host, on the fixture app test/fixtures/backpressure-app (a three-step saga
// whose activities race deadline timers, two activities at a time) over real HTTP on the real clock: host.json
// extensions.http maxConcurrentRequests / maxOutstandingRequests, and dynamicThrottlesEnabled refusing new work
// with 429 while the durable backlog is long, so that no accepted saga runs into its deadlines because the
// platform was busy. The control run, with the backlog limits out of reach, shows that the same load does.
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestPlatform, TestPlatform } from '../../src/testing';

const appRoot = path.resolve(__dirname, '../fixtures/backpressure-app');

let t: TestPlatform | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

interface Burst {
  accepted: string[];
  refused: { status: number; retryAfter: string | null; error: string }[];
}

/** `clients` callers, each posting its next order as soon as the last is answered, until `orders` are posted. */
async function burst(baseUrl: string, orders: number, clients: number, tag: string): Promise<Burst> {
  const result: Burst = { accepted: [], refused: [] };
  let next = 0;
  const caller = async (): Promise<void> => {
    while (next < orders) {
      const id = `${tag}-${next++}`;
      const res = await fetch(`${baseUrl}/api/orders/${id}`, { method: 'POST' });
      if (res.status === 202) {
        result.accepted.push(id);
        await res.arrayBuffer();
      } else {
        const body = (await res.json()) as { error: string };
        result.refused.push({ status: res.status, retryAfter: res.headers.get('retry-after'), error: body.error });
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, caller));
  return result;
}

async function outcomes(target: TestPlatform, ids: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const id of ids) {
    const status = await target.waitForStatus(id, ['Completed', 'Failed'], 30_000);
    const outcome = (status.output as { outcome?: string } | null)?.outcome ?? status.runtimeStatus;
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
  return counts;
}

describe('HTTP backpressure (host.json extensions.http)', () => {
  it('runs at most maxConcurrentRequests functions at once and refuses beyond maxOutstandingRequests with 429 and Retry-After', async () => {
    t = await startTestPlatform({ appRoot, clock: 'real' });
    const answers = await Promise.all(
      Array.from({ length: 7 }, async () => {
        const res = await fetch(`${t!.baseUrl}/api/slow`);
        return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as never };
      }),
    );
    const served = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    expect(served).toHaveLength(4);
    expect(refused).toHaveLength(3);
    for (const a of served) expect((a.body as { concurrent: number }).concurrent).toBeLessThanOrEqual(2);
    for (const a of refused) {
      expect(a.retryAfter).toBe('1');
      expect((a.body as { error: string }).error).toMatch(/maxOutstandingRequests/);
    }
    // Once the queue has drained the host serves again.
    expect((await fetch(`${t.baseUrl}/api/slow`)).status).toBe(200);
  });

  it('refuses new orders with 429 while the durable backlog is long, and completes every order it accepted', async () => {
    t = await startTestPlatform({ appRoot, clock: 'real', settings: { LOCAL_DURABLE_MAX_BACKLOG: '10' } });
    const result = await burst(t.baseUrl, 240, 4, 'throttled');
    expect(result.accepted.length).toBeGreaterThan(0);
    expect(result.refused.length).toBeGreaterThan(0);
    for (const r of result.refused) {
      expect(r.status).toBe(429);
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(r.error).toMatch(/LOCAL_DURABLE_MAX_BACKLOG/);
    }
    // Refusal is only at the door: reads are served while orders are refused.
    expect((await fetch(`${t.baseUrl}/api/orders/${result.accepted[0]}`)).status).toBe(200);
    expect(await outcomes(t, result.accepted)).toEqual({ Completed: result.accepted.length });
  }, 60_000);

  it('without backlog limits the same load makes accepted sagas miss their deadlines (the control)', async () => {
    t = await startTestPlatform({
      appRoot,
      clock: 'real',
      settings: { LOCAL_DURABLE_MAX_BACKLOG: '1000000', LOCAL_DURABLE_MAX_BACKLOG_WAIT_MS: '1000000' },
    });
    const result = await burst(t.baseUrl, 150, 4, 'unthrottled');
    expect(result.refused).toEqual([]);
    const counts = await outcomes(t, result.accepted);
    expect(counts.Compensated).toBeGreaterThan(0);
  }, 60_000);
});
