// The local EventBridge on a services database: what was configured through the API, archived events, dead letters
// and unfinished deliveries survive a restart (a new instance on the same file), and an answer means it is durable.
import {
  CreateApiDestinationCommand,
  CreateArchiveCommand,
  CreateConnectionCommand,
  CreateEventBusCommand,
  DeleteArchiveCommand,
  DescribeApiDestinationCommand,
  DescribeArchiveCommand,
  DescribeConnectionCommand,
  DescribeRuleCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ServiceDatabase } from '../../src/persistence/serviceDatabase';
import { EventBridgeHarness, startEventBridge, startTargetServer, TargetServer } from '../fixtures/eventBridgeServer';

const PATTERN = JSON.stringify({ source: ['shop'] });
let dir: string;
let file: string;
const open: { h: EventBridgeHarness; db: ServiceDatabase }[] = [];
const servers: TargetServer[] = [];

/** An EventBridge on the test's database file; `abandon` leaves it running, as a killed process would leave it. */
async function start(): Promise<{ h: EventBridgeHarness; db: ServiceDatabase }> {
  const db = new ServiceDatabase({ location: file });
  const h = await startEventBridge({ database: db, retryDelayMs: () => 60_000 });
  open.push({ h, db });
  return { h, db };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eb-persist-'));
  file = path.join(dir, 'services.sqlite');
});

afterEach(async () => {
  for (const { h, db } of open.splice(0)) {
    await h.close();
    await db.close();
  }
  for (const s of servers.splice(0)) await s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function destinationTo(h: EventBridgeHarness, url: string): Promise<{ conn: string; dest: string }> {
  const conn = await h.client.send(
    new CreateConnectionCommand({
      Name: 'shop-conn',
      AuthorizationType: 'API_KEY',
      AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'local-key-123' } },
    }),
  );
  const dest = await h.client.send(
    new CreateApiDestinationCommand({
      Name: 'shop-dest',
      ConnectionArn: conn.ConnectionArn,
      InvocationEndpoint: `${url}/hook`,
      HttpMethod: 'POST',
    }),
  );
  return { conn: conn.ConnectionArn!, dest: dest.ApiDestinationArn! };
}

describe('EventBridge state across a restart', () => {
  it('configuration made through the API comes back with the same ARNs, rules, patterns and targets', async () => {
    const first = await start();
    await first.h.client.send(new CreateEventBusCommand({ Name: 'orders' }));
    const { conn, dest } = await destinationTo(first.h, 'http://127.0.0.1:9');
    const rule = await first.h.client.send(
      new PutRuleCommand({ Name: 'to-shop', EventBusName: 'orders', EventPattern: PATTERN }),
    );
    await first.h.client.send(
      new PutTargetsCommand({
        Rule: 'to-shop',
        EventBusName: 'orders',
        Targets: [{ Id: 't1', Arn: dest, RetryPolicy: { MaximumRetryAttempts: 3 } }],
      }),
    );
    const second = await start();
    expect((await second.h.client.send(new DescribeConnectionCommand({ Name: 'shop-conn' }))).ConnectionArn).toBe(conn);
    expect(
      (await second.h.client.send(new DescribeApiDestinationCommand({ Name: 'shop-dest' }))).ApiDestinationArn,
    ).toBe(dest);
    const described = await second.h.client.send(new DescribeRuleCommand({ Name: 'to-shop', EventBusName: 'orders' }));
    expect(described).toMatchObject({ Arn: rule.RuleArn, EventPattern: PATTERN, State: 'ENABLED' });
    const targets = await second.h.client.send(
      new ListTargetsByRuleCommand({ Rule: 'to-shop', EventBusName: 'orders' }),
    );
    expect(targets.Targets).toEqual([{ Id: 't1', Arn: dest, RetryPolicy: { MaximumRetryAttempts: 3 } }]);
  });

  it('archived events come back; a deleted archive takes its events with it', async () => {
    const first = await start();
    await first.h.client.send(
      new CreateArchiveCommand({
        ArchiveName: 'all',
        EventSourceArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default',
      }),
    );
    await first.h.client.send(
      new PutEventsCommand({
        Entries: [1, 2, 3].map((i) => ({ Source: 'shop', DetailType: 'T', Detail: `{"n":${i}}` })),
      }),
    );
    const second = await start();
    expect((await second.h.client.send(new DescribeArchiveCommand({ ArchiveName: 'all' }))).EventCount).toBe(3);
    await second.h.client.send(new DeleteArchiveCommand({ ArchiveName: 'all' }));
    await second.h.client.send(
      new CreateArchiveCommand({
        ArchiveName: 'all',
        EventSourceArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default',
      }),
    );
    const third = await start();
    expect((await third.h.client.send(new DescribeArchiveCommand({ ArchiveName: 'all' }))).EventCount).toBe(0);
  });

  it('an acknowledged PutEvents is durable at once, and its delivery is made after a restart', async () => {
    const target = await startTargetServer([{ status: 503 }, { status: 200 }]);
    servers.push(target);
    const first = await start();
    const { dest } = await destinationTo(first.h, target.url);
    await first.h.client.send(new PutRuleCommand({ Name: 'to-shop', EventPattern: PATTERN }));
    await first.h.client.send(new PutTargetsCommand({ Rule: 'to-shop', Targets: [{ Id: 't1', Arn: dest }] }));
    await first.h.client.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'T', Detail: '{}' }] }));
    const pending = (): number =>
      (first.db.db.prepare('SELECT COUNT(*) AS n FROM eb_deliveries').get() as { n: number }).n;
    expect(pending(), 'the delivery is committed before PutEvents answers').toBe(1);
    await first.h.settle();
    expect(target.requests).toHaveLength(1);
    expect(pending(), 'a failed attempt keeps the delivery for its retry').toBe(1);

    // The process "dies" while the retry waits a minute; a new one takes the delivery up.
    const second = await start();
    second.h.eb.resumeDeliveries();
    await second.h.advance(60_000);
    expect(target.requests).toHaveLength(2);
    expect(JSON.parse(target.requests[1].body)).toMatchObject({ source: 'shop', 'detail-type': 'T' });
    expect(target.requests[1].body, 'the resumed delivery sends the very event text').toBe(target.requests[0].body);
    expect((second.db.db.prepare('SELECT COUNT(*) AS n FROM eb_deliveries').get() as { n: number }).n).toBe(0);

    const third = await start();
    third.h.eb.resumeDeliveries();
    await third.h.advance(120_000);
    expect(target.requests, 'a delivered event is not delivered again').toHaveLength(2);
  });

  it('dead letters come back', async () => {
    const target = await startTargetServer([{ status: 400 }]);
    servers.push(target);
    const first = await start();
    const { dest } = await destinationTo(first.h, target.url);
    await first.h.client.send(new PutRuleCommand({ Name: 'to-shop', EventPattern: PATTERN }));
    await first.h.client.send(
      new PutTargetsCommand({
        Rule: 'to-shop',
        Targets: [{ Id: 't1', Arn: dest, DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:123456789012:dlq' } }],
      }),
    );
    await first.h.client.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'T', Detail: '{}' }] }));
    await first.h.settle();
    expect(first.h.eb.deadLetters()).toHaveLength(1);
    await first.db.settled();
    const second = await start();
    expect(second.h.eb.deadLetters()).toEqual(first.h.eb.deadLetters());
  });
});
