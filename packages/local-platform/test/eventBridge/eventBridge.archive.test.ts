// Archives and replays through the real @aws-sdk/client-eventbridge against the local endpoint, with a virtual
// clock: what is archived, and that a replay re-delivers only its time window, marked with replay-name.
import {
  CancelReplayCommand,
  CreateArchiveCommand,
  DeleteArchiveCommand,
  DescribeArchiveCommand,
  DescribeReplayCommand,
  EventBridgeServiceException,
  ListArchivesCommand,
  ListReplaysCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, EventBridgeHarness, REGION, startEventBridge } from '../fixtures/eventBridgeServer';

let h: EventBridgeHarness;

beforeEach(async () => {
  h = await startEventBridge();
  h.lambdas.define('first', () => ({}));
  h.lambdas.define('second', () => ({}));
});
afterEach(async () => {
  await h.close();
});

async function rejection(p: Promise<unknown>): Promise<EventBridgeServiceException> {
  try {
    await p;
  } catch (e) {
    return e as EventBridgeServiceException;
  }
  throw new Error('expected the call to fail');
}

const BUS = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const fn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

async function putAt(minute: number, source = 'orders'): Promise<string> {
  const out = await h.client.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: source,
          DetailType: 'OrderPlaced',
          Detail: JSON.stringify({ minute }),
          Time: new Date(T0 + minute * 60_000),
        },
      ],
    }),
  );
  return out.Entries?.[0].EventId as string;
}

async function twoRules(): Promise<{ first: string; second: string }> {
  const first = await h.client.send(new PutRuleCommand({ Name: 'first', EventPattern: '{"source":["orders"]}' }));
  const second = await h.client.send(new PutRuleCommand({ Name: 'second', EventPattern: '{"source":["orders"]}' }));
  await h.client.send(new PutTargetsCommand({ Rule: 'first', Targets: [{ Id: 'f', Arn: fn('first') }] }));
  await h.client.send(new PutTargetsCommand({ Rule: 'second', Targets: [{ Id: 's', Arn: fn('second') }] }));
  return { first: first.RuleArn as string, second: second.RuleArn as string };
}

const minutes = (name: string): number[] =>
  h.lambdas.callsOf(name).map((e) => (e as { detail: { minute: number } }).detail.minute);

describe('archives', () => {
  it('keep the bus events that match their pattern, with count and size', async () => {
    const archive = await h.client.send(
      new CreateArchiveCommand({
        ArchiveName: 'orders-archive',
        EventSourceArn: BUS,
        EventPattern: '{"source":["orders"]}',
        RetentionDays: 7,
      }),
    );
    expect(archive).toMatchObject({
      ArchiveArn: `arn:aws:events:${REGION}:${ACCOUNT}:archive/orders-archive`,
      State: 'ENABLED',
    });
    await putAt(0);
    await putAt(1, 'payments');
    await putAt(2);
    const d = await h.client.send(new DescribeArchiveCommand({ ArchiveName: 'orders-archive' }));
    expect(d).toMatchObject({ EventCount: 2, State: 'ENABLED', RetentionDays: 7, EventSourceArn: BUS });
    expect(d.SizeBytes).toBeGreaterThan(2 * 150);
    // Retention is counted from when events were accepted.
    await h.advance(8 * 86_400_000);
    expect((await h.client.send(new DescribeArchiveCommand({ ArchiveName: 'orders-archive' }))).EventCount).toBe(0);

    const dup = await rejection(
      h.client.send(new CreateArchiveCommand({ ArchiveName: 'orders-archive', EventSourceArn: BUS })),
    );
    expect(dup.name).toBe('ResourceAlreadyExistsException');
    const badPattern = await rejection(
      h.client.send(new CreateArchiveCommand({ ArchiveName: 'x', EventSourceArn: BUS, EventPattern: '{"a": 1}' })),
    );
    expect(badPattern.name).toBe('InvalidEventPatternException');
    const noBus = await rejection(
      h.client.send(
        new CreateArchiveCommand({
          ArchiveName: 'x',
          EventSourceArn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/nope`,
        }),
      ),
    );
    expect(noBus.name).toBe('ResourceNotFoundException');
    const list = await h.client.send(new ListArchivesCommand({ NamePrefix: 'orders' }));
    expect(list.Archives?.map((a) => a.ArchiveName)).toEqual(['orders-archive']);
    await h.client.send(new DeleteArchiveCommand({ ArchiveName: 'orders-archive' }));
    expect((await rejection(h.client.send(new DescribeArchiveCommand({ ArchiveName: 'orders-archive' })))).name).toBe(
      'ResourceNotFoundException',
    );
  });
});

describe('replays', () => {
  it('re-deliver only the events of the window, to the filtered rules, marked with replay-name and not re-archived', async () => {
    const rules = await twoRules();
    const archive = await h.client.send(new CreateArchiveCommand({ ArchiveName: 'all', EventSourceArn: BUS }));
    const ids = [];
    for (const minute of [0, 10, 20, 30]) ids.push(await putAt(minute));
    await h.settle();
    expect(minutes('first')).toEqual([0, 10, 20, 30]);
    expect(minutes('second')).toEqual([0, 10, 20, 30]);
    await h.advance(3_600_000);

    const started = await h.client.send(
      new StartReplayCommand({
        ReplayName: 'second-again',
        EventSourceArn: archive.ArchiveArn,
        EventStartTime: new Date(T0 + 10 * 60_000),
        EventEndTime: new Date(T0 + 30 * 60_000),
        Destination: { Arn: BUS, FilterArns: [rules.second] },
      }),
    );
    expect(started.State).toBe('STARTING');
    expect(started.ReplayArn).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:replay/second-again`);
    await h.settle();
    // Start inclusive, end exclusive; only the filtered rule.
    expect(minutes('first')).toEqual([0, 10, 20, 30]);
    expect(minutes('second')).toEqual([0, 10, 20, 30, 10, 20]);
    const replayed = h.lambdas.callsOf('second').slice(4) as { id: string; 'replay-name': string }[];
    expect(replayed.map((e) => e.id)).toEqual([ids[1], ids[2]]);
    expect(replayed.map((e) => e['replay-name'])).toEqual(['second-again', 'second-again']);
    expect(h.lambdas.callsOf('first').every((e) => !('replay-name' in (e as object)))).toBe(true);

    const described = await h.client.send(new DescribeReplayCommand({ ReplayName: 'second-again' }));
    expect(described).toMatchObject({
      State: 'COMPLETED',
      EventSourceArn: archive.ArchiveArn,
      Destination: { Arn: BUS, FilterArns: [rules.second] },
    });
    expect(described.EventLastReplayedTime).toEqual(new Date(T0 + 20 * 60_000));
    expect(described.ReplayStartTime).toEqual(new Date(T0 + 3_600_000));
    // Replayed events are not archived again.
    expect((await h.client.send(new DescribeArchiveCommand({ ArchiveName: 'all' }))).EventCount).toBe(4);

    // Without FilterArns every matching rule gets the replay.
    await h.client.send(
      new StartReplayCommand({
        ReplayName: 'everyone',
        EventSourceArn: archive.ArchiveArn,
        EventStartTime: new Date(T0 + 30 * 60_000),
        EventEndTime: new Date(T0 + 31 * 60_000),
        Destination: { Arn: BUS },
      }),
    );
    await h.settle();
    expect(minutes('first')).toEqual([0, 10, 20, 30, 30]);
    expect(minutes('second')).toEqual([0, 10, 20, 30, 10, 20, 30]);
    const list = await h.client.send(new ListReplaysCommand({ State: 'COMPLETED' }));
    expect(list.Replays?.map((r) => r.ReplayName)).toEqual(['everyone', 'second-again']);
    const kinds = h.eb.activity().filter((a) => a.kind.startsWith('replay-'));
    expect(kinds.map((a) => [a.kind, a.replayName])).toEqual([
      ['replay-started', 'second-again'],
      ['replay-completed', 'second-again'],
      ['replay-started', 'everyone'],
      ['replay-completed', 'everyone'],
    ]);
    const cancel = await rejection(h.client.send(new CancelReplayCommand({ ReplayName: 'everyone' })));
    expect(cancel.name).toBe('IllegalStatusException');
  });

  it('refuse a missing archive, another bus, a bad window and a duplicate name', async () => {
    await h.client.send(new CreateArchiveCommand({ ArchiveName: 'all', EventSourceArn: BUS }));
    const archiveArn = `arn:aws:events:${REGION}:${ACCOUNT}:archive/all`;
    const start = (over: object) =>
      h.client.send(
        new StartReplayCommand({
          ReplayName: 'r',
          EventSourceArn: archiveArn,
          EventStartTime: new Date(T0 - 60_000),
          EventEndTime: new Date(T0),
          Destination: { Arn: BUS },
          ...over,
        }),
      );
    const noArchive = await rejection(start({ EventSourceArn: `arn:aws:events:${REGION}:${ACCOUNT}:archive/nope` }));
    expect(noArchive.name).toBe('ValidationException');
    expect(noArchive.message).toBe('Parameter EventSourceArn is not valid. Reason: Archive nope does not exist.');
    const window = await rejection(start({ EventStartTime: new Date(T0), EventEndTime: new Date(T0 - 1000) }));
    expect(window.message).toBe(
      'Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.',
    );
    h.eb.createEventBus({ Name: 'other' });
    const crossBus = await rejection(
      start({ Destination: { Arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/other` } }),
    );
    expect(crossBus.message).toBe(
      'Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.',
    );
    const badFilter = await rejection(
      start({ Destination: { Arn: BUS, FilterArns: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/nope`] } }),
    );
    expect(badFilter.name).toBe('ValidationException');
    await start({});
    const dup = await rejection(start({}));
    expect(dup.name).toBe('ResourceAlreadyExistsException');
    await h.settle();
    expect((await h.client.send(new DescribeReplayCommand({ ReplayName: 'r' }))).State).toBe('COMPLETED');
  });
});
