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
  /** Print platform errors to stderr as they happen (default true); they are always kept in `logs`. */
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
  history(instanceId: string): HistoryEvent[];
  /** Everything the platform logged, as `level: message`. */
  logs: string[];
  stop(): Promise<void>;
}

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
    log: (level, message) => {
      logs.push(`${level}: ${message}`);
      if (level === 'error' && options.printErrors !== false) console.error(message);
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
    history: (id) => platform.engine.getHistory(id) ?? [],
    logs,
    stop: () => platform.stop(),
  };
}
