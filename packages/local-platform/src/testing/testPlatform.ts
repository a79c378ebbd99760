import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { DurableClient } from 'durable-functions';
import { parseDuration, VirtualClock } from '../clock';
import type { HistoryEvent, InstanceStatus, RuntimeStatus } from '../durable';
import { Platform, PlatformOptions, startPlatform } from '../platform';

export interface TestPlatformOptions extends Partial<Omit<PlatformOptions, 'clock'>> {
  appRoot: string;
  /** Virtual (default) or real time. */
  clock?: 'virtual' | 'real';
  /** Start of virtual time, epoch ms. */
  startTime?: number;
  /**
   * Print the platform's own errors to stderr as they happen (default true). Failed function executions are not
   * printed (tests make functions fail on purpose); everything is always kept in `logs`.
   */
  printErrors?: boolean;
}

export interface TestPlatform {
  platform: Platform;
  /** A real durable-functions DurableClient talking to the platform over HTTP. */
  client: DurableClient;
  baseUrl: string;
  clock: VirtualClock | undefined;
  /** Moves virtual time forward ('3d', '90s', 1500), firing every timer due on the way. */
  advanceTime(duration: string | number): Promise<void>;
  /** Waits (in real time) until the instance reaches one of the statuses. */
  waitForStatus(
    instanceId: string,
    status: RuntimeStatus | RuntimeStatus[],
    timeoutMs?: number,
  ): Promise<InstanceStatus>;
  /**
   * Skips virtual time from one due timer to the next (of any part: durable timers, retries, webhooks, triggers)
   * until the instance reaches a status or `until` holds, as a time-skipping test environment does: a 15-minute
   * timeout takes no real time. Fails with the instance's state when `within` of virtual time (default 30 days)
   * would pass first, or when nothing is left to fire.
   */
  runUntil(
    instanceId: string,
    until: RuntimeStatus | RuntimeStatus[] | ((status: InstanceStatus) => boolean),
    options?: { within?: string | number },
  ): Promise<InstanceStatus>;
  history(instanceId: string): HistoryEvent[];
  /** Everything the platform logged (every level), as `level: message`: the lines the console shows. */
  logs: string[];
  stop(): Promise<void>;
}

const isExecutionFailure = (message: string): boolean =>
  message.startsWith("Executed 'Functions.") || message.startsWith('Exception while executing function:');

/**
 * One call to run an app on the embedded platform for a test: in-memory store, virtual clock, a free port.
 */
export async function startTestPlatform(options: TestPlatformOptions): Promise<TestPlatform> {
  const appRoot = path.resolve(options.appRoot);
  const clock = options.clock === 'real' ? undefined : new VirtualClock(options.startTime);
  const logs: string[] = [];
  const platform = await startPlatform({
    port: 0,
    store: 'memory',
    logLevel: 'debug',
    log: (level, message) => {
      logs.push(`${level}: ${message}`);
      if (level === 'error' && options.printErrors !== false && !isExecutionFailure(message)) console.error(message);
    },
    ...options,
    appRoot,
    clock: clock ?? 'real',
  });
  // The client comes from the app's own durable-functions, as a function's durableClient input would.
  const df = createRequire(path.join(appRoot, 'package.json'))(
    'durable-functions',
  ) as typeof import('durable-functions');
  const payload = platform.durableClientInput();
  const context = {
    options: { extraInputs: [{ type: 'durableClient', name: 'client' }] },
    extraInputs: { get: () => payload },
  };
  const client = df.getClient(context as unknown as Parameters<typeof df.getClient>[0]);

  const waitForStatus = (
    instanceId: string,
    status: RuntimeStatus | RuntimeStatus[],
    timeoutMs = 10_000,
  ): Promise<InstanceStatus> => {
    const wanted = new Set(Array.isArray(status) ? status : [status]);
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const s = platform.engine.getStatus(instanceId);
        if (s && wanted.has(s.runtimeStatus)) {
          cleanup();
          resolve(s);
          return true;
        }
        return false;
      };
      const listener = (row: { instanceId: string }): void => void (row.instanceId === instanceId && check());
      const timer = setTimeout(() => {
        cleanup();
        const s = platform.engine.getStatus(instanceId);
        reject(
          new Error(
            `Instance ${instanceId} did not reach ${[...wanted].join('|')} within ${timeoutMs} ms; it is ${s?.runtimeStatus ?? 'missing'} (output ${JSON.stringify(s?.output)}).`,
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        platform.engine.off('instance', listener);
      };
      platform.engine.on('instance', listener);
      check();
    });
  };

  return {
    platform,
    client,
    baseUrl: platform.url,
    clock,
    async advanceTime(duration) {
      if (!clock)
        throw new Error('advanceTime needs the virtual clock; start the test platform with clock: "virtual".');
      await clock.advance(parseDuration(duration), () => platform.whenIdle());
    },
    waitForStatus,
    async runUntil(instanceId, until, runOptions = {}) {
      if (!clock) throw new Error('runUntil needs the virtual clock; start the test platform with clock: "virtual".');
      const holds =
        typeof until === 'function'
          ? until
          : (s: InstanceStatus) => (Array.isArray(until) ? until : [until]).includes(s.runtimeStatus);
      const deadline = clock.now() + parseDuration(runOptions.within ?? '30d');
      for (;;) {
        await platform.whenIdle();
        const s = platform.engine.getStatus(instanceId);
        if (s && holds(s)) return s;
        const next = clock.nextDue();
        if (next === undefined || next > deadline) {
          const why = next === undefined ? 'nothing is left to fire' : `the next timer is due after the limit`;
          throw new Error(
            `Instance ${instanceId} did not reach the expected state within ${runOptions.within ?? '30d'} of virtual time (${why}); it is ${s?.runtimeStatus ?? 'missing'} with custom status ${JSON.stringify(s?.customStatus)} and output ${JSON.stringify(s?.output)}.`,
          );
        }
        await clock.advance(Math.max(0, next - clock.now()), () => platform.whenIdle());
      }
    },
    history: (id) => platform.engine.getHistory(id) ?? [],
    logs,
    stop: () => platform.stop(),
  };
}
