// The local e-mail service (ACS `POST /emails:send`): what it accepts and refuses, `repeatability-request-id`, and
// its state in the service database: a new service on a reopened database has every e-mail and answers a repeated
// id as before without a second e-mail; answers wait for the commit.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LocalEmailService } from '../../src/emailService/emailService';
import { ServiceDatabase } from '../../src/persistence/serviceDatabase';

const NOW = Date.parse('2026-08-01T10:00:00Z');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'email-store-'));
const open: ServiceDatabase[] = [];

afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function send(service: LocalEmailService, to: string, subject: string, repeatabilityId?: string) {
  return service.handle({
    method: 'POST',
    path: 'emails:send',
    query: new URLSearchParams('api-version=2023-03-31'),
    headers: repeatabilityId ? { 'repeatability-request-id': repeatabilityId } : {},
    body: Buffer.from(
      JSON.stringify({
        senderAddress: 'orders@shop.test',
        recipients: { to: [{ address: to }] },
        content: { subject, plainText: `About ${subject}` },
      }),
    ),
  });
}

describe('the send API', () => {
  it('accepts an e-mail, keeps it, and answers a repeated repeatability id with the first result', async () => {
    const service = new LocalEmailService(() => NOW);
    const first = await send(service, 'ada@example.test', 'Order 1 confirmed', 'rid-1');
    expect(first).toEqual({
      status: 202,
      headers: { 'operation-location': expect.stringMatching(/^\/emails\/operations\/[0-9a-f-]{36}$/) },
      body: { id: expect.any(String), status: 'Running' },
    });
    const again = await send(service, 'ada@example.test', 'Order 1 confirmed', 'rid-1');
    expect(again).toEqual({ ...first, headers: { ...first.headers, 'repeatability-result': 'accepted' } });
    expect(service.sent()).toEqual([
      {
        id: (first.body as { id: string }).id,
        repeatabilityId: 'rid-1',
        from: 'orders@shop.test',
        to: ['ada@example.test'],
        subject: 'Order 1 confirmed',
        body: 'About Order 1 confirmed',
        acceptedAt: '2026-08-01T10:00:00.000Z',
      },
    ]);
    await service.stop();
  });

  it('refuses bad requests, keeps a permanent refusal for its id and does not keep a transient one', async () => {
    const service = new LocalEmailService(() => NOW);
    expect((await send(service, 'not-an-address', 'x')).status).toBe(400);
    const refused = await send(service, 'bob@rejected.test', 'Order 2', 'rid-2');
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'InvalidRecipient' } } });
    expect((await send(service, 'bob@rejected.test', 'Order 2', 'rid-2')).headers).toEqual({
      'repeatability-result': 'accepted',
    });
    expect((await send(service, 'eve@unavailable.test', 'Order 3', 'rid-3')).status).toBe(503);
    expect((await send(service, 'eve@unavailable.test', 'Order 3', 'rid-3')).headers).toBeUndefined();
    expect(service.sent()).toEqual([]);
    await service.stop();
  });
});

describe.each([
  ['on a file', true],
  ['in memory', false],
])('e-mail state %s', (_kind, onFile) => {
  it('a new service sees every e-mail and answers a repeated id as before, sending nothing more', async () => {
    const file = path.join(dir, `email-${Math.random().toString(36).slice(2)}.sqlite`);
    const db = new ServiceDatabase({ location: onFile ? file : ':memory:' });
    open.push(db);
    const first = new LocalEmailService(() => NOW, db);
    const accepted = await send(first, 'ada@example.test', 'Order 4 shipped', 'rid-4');
    const refused = await send(first, 'bob@rejected.test', 'Order 5 shipped', 'rid-5');
    await send(first, 'cy@example.test', 'Order 6 shipped');
    const before = first.sent();
    let reopened = db;
    if (onFile) {
      await db.close();
      reopened = new ServiceDatabase({ location: file });
      open.push(reopened);
    }

    const second = new LocalEmailService(() => NOW + 60_000, reopened);
    expect(second.sent()).toEqual(before);
    expect(await send(second, 'ada@example.test', 'Order 4 shipped', 'rid-4')).toEqual({
      ...accepted,
      headers: { ...accepted.headers, 'repeatability-result': 'accepted' },
    });
    expect((await send(second, 'bob@rejected.test', 'Order 5 shipped', 'rid-5')).body).toEqual(refused.body);
    expect(second.sent(), 'no second e-mail for a repeated id').toHaveLength(2);
    await send(second, 'ada@example.test', 'Order 7 shipped', 'rid-7');
    expect(second.sent().map((e) => e.subject)).toEqual(['Order 4 shipped', 'Order 6 shipped', 'Order 7 shipped']);
  });
});

describe('answers wait for the commit', () => {
  it('an accepted e-mail is answered only once it is in the database', async () => {
    const db = new ServiceDatabase({ location: ':memory:' });
    open.push(db);
    const service = new LocalEmailService(() => NOW, db);
    const rows = (): number => (db.db.prepare('SELECT COUNT(*) AS n FROM email_messages').get() as { n: number }).n;
    const answered = send(service, 'ada@example.test', 'Order 8', 'rid-8').then((res) => ({ res, rows: rows() }));
    // A repeat in the same turn finds the first answer in memory and must wait for the same commit.
    const repeat = send(service, 'ada@example.test', 'Order 8', 'rid-8').then(() => rows());
    expect(rows()).toBe(0);
    expect(await answered).toMatchObject({ res: { status: 202 }, rows: 1 });
    expect(await repeat).toBe(1);
  });

  it('stops answering once a commit failed, naming the cause', async () => {
    const db = new ServiceDatabase({ location: ':memory:' });
    const service = new LocalEmailService(() => NOW, db);
    await db.close();
    const failed = await send(service, 'ada@example.test', 'Order 9', 'rid-9');
    expect(failed).toMatchObject({ status: 500, body: { error: { code: 'StoreFailed' } } });
    expect((failed.body as { error: { message: string } }).error.message).toMatch(/is closed.*restarts/);
    expect((await send(service, 'ada@example.test', 'Order 10')).status).toBe(500);
  });
});
