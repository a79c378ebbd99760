import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { cloudEvent } from './bridgeEvents';

/**
 * The AWS → Azure bridges bench's producer: PutEvents through the real SDK, 20 calls in flight. It runs either in
 * the bench's process (the old method, where its SDK client shares the main thread with the platform it measures)
 * or in a process of its own (bench/bridgeProducerProcess.ts), so that the figure is the bridge's, not the load
 * generator's.
 */

export interface ProduceOrder {
  url: string;
  run: string;
  total: number;
  perCall: number;
}

export async function produce(order: ProduceOrder): Promise<void> {
  const eb = new EventBridgeClient({
    region: 'us-east-1',
    endpoint: `${order.url}/eventbridge`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const calls: PutEventsRequestEntry[][] = [];
    for (let i = 0; i < order.total; i += order.perCall)
      calls.push(
        Array.from({ length: Math.min(order.perCall, order.total - i) }, (_, k) => {
          // OrderCompleted reaches the `order-outcomes` subscription, where the bench counts arrivals.
          const event = cloudEvent(i + k, order.run, 'OrderCompleted');
          return { Source: event.source, DetailType: event.type, Detail: JSON.stringify(event) };
        }),
      );
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < calls.length) {
          const out = await eb.send(new PutEventsCommand({ Entries: calls[next++] }));
          if (out.FailedEntryCount) throw new Error(`bench: PutEvents failed entries: ${JSON.stringify(out.Entries)}`);
        }
      }),
    );
  } finally {
    eb.destroy();
  }
}
