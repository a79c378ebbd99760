/**
 * Records the local Firehose acknowledged survive a restart of the whole platform: the real EventBridge SDK puts
 * events, the `bridge-to-azure` rule puts them on the template's Firehose stream, the platform stops before the
 * stream's buffer interval is over, and a new platform on the same files delivers them to the `orders` topic through
 * the app's `bridgeFromFirehose` function. In a file of its own: the platforms fill the process's environment (the
 * app's Service Bus connection), which another platform running beside them would own.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import { cloudEvent, eventBridgeClient, settle } from '../fixtures/bridgeHarness';
import { ORDER_APP_TEST_SETTINGS, repoRoot } from '../fixtures/orderApp';

const KEY = 'firehose-test-key';

describe('records Firehose accepted before a restart', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'firehose-bridge-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const start = () =>
    startTestPlatform({
      appRoot: repoRoot,
      store: path.join(dir, 'durable.sqlite'),
      settings: {
        ...ORDER_APP_TEST_SETTINGS,
        BRIDGE_API_KEY: KEY,
        LOCAL_SERVICES_STORE: path.join(dir, 'services.sqlite'),
        LOCAL_COSMOS_STORE: path.join(dir, 'cosmos.sqlite'),
        LOCAL_STEPFUNCTIONS_STORE: path.join(dir, 'stepfunctions.sqlite'),
      },
    });

  it('are delivered after the restart', async () => {
    const first = await start();
    const client = eventBridgeClient(first);
    const events = [1, 2].map((i) => cloudEvent(`evt-fh-restart-${i}`, 'OrderCompleted', { orderId: `r-${i}` }));
    try {
      await client.send(
        new PutEventsCommand({
          Entries: events.map((e) => ({ Source: e.source, DetailType: e.type, Detail: JSON.stringify(e) })),
        }),
      );
      // EventBridge put them on the stream; the stream buffers them for its interval (1 s), which never passes here.
      await first.platform.whenIdle();
      expect(first.platform.aws!.firehose.pending()).toBe(2);
    } finally {
      client.destroy();
      await first.stop();
    }

    const second = await start();
    try {
      const got = () =>
        second.platform.serviceBus.receive('orders/Subscriptions/order-outcomes', {
          maxMessages: 100,
          mode: 'receiveAndDelete',
        });
      const ids: string[] = [];
      await settle(second, () => {
        ids.push(...got().map((m) => m.messageId));
        return ids.length >= 2;
      });
      await second.platform.whenIdle();
      ids.push(...got().map((m) => m.messageId));
      expect(ids.sort()).toEqual(['evt-fh-restart-1', 'evt-fh-restart-2']);
      expect(second.platform.aws!.firehose.pending()).toBe(0);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
