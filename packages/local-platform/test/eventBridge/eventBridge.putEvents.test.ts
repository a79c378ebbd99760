// PutEvents through the real @aws-sdk/client-eventbridge against the local endpoint: request limits, per-entry
// errors, the documented entry size, injected partial failures and the event envelope targets receive.
import {
  EventBridgeServiceException,
  PutEventsCommand,
  PutEventsRequestEntry,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, EventBridgeHarness, REGION, startEventBridge } from '../fixtures/eventBridgeServer';

let h: EventBridgeHarness;

beforeEach(async () => {
  h = await startEventBridge();
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

const entry = (over: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  Source: 'orders',
  DetailType: 'OrderPlaced',
  Detail: JSON.stringify({ orderId: 'o-1' }),
  ...over,
});

/** An entry whose documented size is exactly `bytes` (Source 's', DetailType 't', Detail {"a":"x…"}). */
function entryOfSize(bytes: number): PutEventsRequestEntry {
  const padding = bytes - 2 - '{"a":""}'.length;
  return { Source: 's', DetailType: 't', Detail: JSON.stringify({ a: 'x'.repeat(padding) }) };
}

describe('PutEvents request limits', () => {
  it('accepts 10 entries and refuses 11 or none with a ValidationException in AWS wording', async () => {
    const ten = await h.client.send(new PutEventsCommand({ Entries: Array.from({ length: 10 }, () => entry()) }));
    expect(ten.FailedEntryCount).toBe(0);
    expect(ten.Entries).toHaveLength(10);
    expect(new Set(ten.Entries?.map((e) => e.EventId)).size).toBe(10);

    const eleven = await rejection(
      h.client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry()) })),
    );
    expect(eleven.name).toBe('ValidationException');
    expect(eleven.message).toMatch(
      /^1 validation error detected: Value '.*' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10$/,
    );
    const none = await rejection(h.client.send(new PutEventsCommand({ Entries: [] })));
    expect(none.name).toBe('ValidationException');
    expect(none.message).toContain('Member must have length greater than or equal to 1');
  });

  it('computes the entry size as documented, accepting exactly 262,144 bytes and refusing one more', async () => {
    const exact = await h.client.send(new PutEventsCommand({ Entries: [entryOfSize(262_144)] }));
    expect(exact.FailedEntryCount).toBe(0);
    expect(exact.Entries?.[0].EventId).toBeTruthy();

    const over = await rejection(h.client.send(new PutEventsCommand({ Entries: [entryOfSize(262_145)] })));
    expect(over.name).toBe('ValidationException');
    expect(over.message).toMatch(/^Total size of the entries in the request is over the limit/);

    // Time counts 14 bytes, Resources their UTF-8 bytes, and a multi-byte character more than one.
    const withTime = await rejection(
      h.client.send(new PutEventsCommand({ Entries: [{ ...entryOfSize(262_131), Time: new Date(h.clock.now()) }] })),
    );
    expect(withTime.name).toBe('ValidationException');
    const timeFits = await h.client.send(
      new PutEventsCommand({ Entries: [{ ...entryOfSize(262_130), Time: new Date(h.clock.now()) }] }),
    );
    expect(timeFits.FailedEntryCount).toBe(0);
    const euro = entryOfSize(262_144 - 6); // '€€' is 6 bytes of UTF-8
    const withResource = await h.client.send(new PutEventsCommand({ Entries: [{ ...euro, Resources: ['€€'] }] }));
    expect(withResource.FailedEntryCount).toBe(0);
    const euroTooBig = await rejection(
      h.client.send(new PutEventsCommand({ Entries: [{ ...euro, Resources: ['€€', 'x'] }] })),
    );
    expect(euroTooBig.name).toBe('ValidationException');

    // The limit holds for the entries of one request together.
    const split = await rejection(
      h.client.send(new PutEventsCommand({ Entries: [entryOfSize(131_072), entryOfSize(131_073)] })),
    );
    expect(split.name).toBe('ValidationException');
  });
});

describe('PutEvents per-entry errors', () => {
  it('reports missing fields, malformed detail and unknown buses per entry, in request order', async () => {
    const out = await h.client.send(
      new PutEventsCommand({
        Entries: [
          entry(),
          { DetailType: 'x', Detail: '{}' },
          { Source: 's', Detail: '{}' },
          { Source: 's', DetailType: 'x' },
          entry({ Detail: '{"unterminated": ' }),
          entry({ Detail: '[1,2]' }),
          entry({ Detail: '"just a string"' }),
          entry({ EventBusName: 'no-such-bus' }),
          entry({ EventBusName: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default` }),
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(7);
    const e = out.Entries ?? [];
    expect(e[0].EventId).toBeTruthy();
    expect(e[1]).toEqual({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
    });
    expect(e[2]).toEqual({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
    });
    expect(e[3]).toEqual({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
    });
    for (const i of [4, 5, 6])
      expect(e[i]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(e[7]).toEqual({
      ErrorCode: 'ResourceNotFoundException',
      ErrorMessage: 'Event bus no-such-bus does not exist.',
    });
    expect(e[8].EventId).toBeTruthy();
    const failed = h.eb.activity().filter((a) => a.kind === 'put-failed');
    expect(failed).toHaveLength(7);
  });

  it('fails exactly the entries an injected fault matches, then behaves normally again', async () => {
    h.eb.injectPutEventsFaults({
      count: 2,
      errorCode: 'InternalFailure',
      errorMessage: 'Internal failure, retry the entry.',
      when: (en) => en.Source === 'flaky',
    });
    const out = await h.client.send(
      new PutEventsCommand({
        Entries: [entry(), entry({ Source: 'flaky' }), entry(), entry({ Source: 'flaky' }), entry({ Source: 'flaky' })],
      }),
    );
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries?.map((x) => x.ErrorCode ?? 'ok')).toEqual([
      'ok',
      'InternalFailure',
      'ok',
      'InternalFailure',
      'ok',
    ]);
    expect(out.Entries?.[1].ErrorMessage).toBe('Internal failure, retry the entry.');
    expect(out.Entries?.[1].EventId).toBeUndefined();

    const resend = await h.client.send(new PutEventsCommand({ Entries: [entry({ Source: 'flaky' })] }));
    expect(resend.FailedEntryCount).toBe(0);

    // A fault does not replace a validation error: invalid entries keep their own error and leave the fault.
    h.eb.injectPutEventsFaults({ count: 1, errorCode: 'ThrottlingException' });
    const mixed = await h.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'x' }, entry()] }));
    expect(mixed.Entries?.map((x) => x.ErrorCode)).toEqual(['InvalidArgument', 'ThrottlingException']);
  });
});

describe('accepted events', () => {
  it('are delivered as the documented envelope', async () => {
    h.lambdas.define('sink', () => ({}));
    await h.client.send(
      new PutRuleCommand({ Name: 'all-orders', EventPattern: JSON.stringify({ source: ['orders'] }) }),
    );
    await h.client.send(
      new PutTargetsCommand({
        Rule: 'all-orders',
        Targets: [{ Id: 'sink', Arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:sink` }],
      }),
    );
    const out = await h.client.send(
      new PutEventsCommand({
        Entries: [
          entry({ Time: new Date(Date.UTC(2025, 11, 31, 23, 59, 58, 750)), Resources: ['arn:aws:s3:::bucket'] }),
          entry({ Source: 'payments' }),
        ],
      }),
    );
    await h.settle();
    expect(h.lambdas.callsOf('sink')).toEqual([
      {
        version: '0',
        id: out.Entries?.[0].EventId,
        'detail-type': 'OrderPlaced',
        source: 'orders',
        account: ACCOUNT,
        time: '2025-12-31T23:59:58Z',
        region: REGION,
        resources: ['arn:aws:s3:::bucket'],
        detail: { orderId: 'o-1' },
      },
    ]);
    const kinds = h.eb.activity().map((a) => a.kind);
    // The payments event matches no rule.
    expect(kinds).toEqual(['put-accepted', 'rule-matched', 'put-accepted', 'target-delivered']);
  });

  it('without Time get the platform clock time, to the second', async () => {
    h.lambdas.define('sink', () => ({}));
    await h.clock.advance(1_500, h.settle);
    h.eb.putRule({ Name: 'r', EventPattern: { source: ['orders'] } });
    h.eb.putTargets({ Rule: 'r', Targets: [{ Id: '1', Arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:sink` }] });
    const out = h.eb.putEvents({ Entries: [entry()] });
    expect(out.FailedEntryCount).toBe(0);
    // PutEvents answers before anything is delivered, as AWS does.
    expect(h.lambdas.calls).toHaveLength(0);
    expect(h.eb.inFlight()).toBe(1);
    await h.settle();
    expect((h.lambdas.callsOf('sink')[0] as { time: string }).time).toBe('2026-01-05T09:00:01Z');
  });
});
