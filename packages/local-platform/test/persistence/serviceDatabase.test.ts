import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ServiceDatabase, ServiceDatabaseError } from '../../src/persistence/serviceDatabase';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'service-db-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.each([
  ['in memory', ':memory:'],
  ['on a file', path.join(dir, 'nested', 'services.sqlite')],
])('ServiceDatabase %s', (_kind, location) => {
  it('groups the writes of one event-loop turn into one transaction and resolves each once committed', async () => {
    const sdb = new ServiceDatabase({ location });
    sdb.db.exec('CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v TEXT)');
    const insert = sdb.db.prepare('INSERT INTO t VALUES (?, ?)');
    const before = sdb.commits;
    const seen: number[] = [];
    const writes = [1, 2, 3].map((i) =>
      sdb
        .commit(() => insert.run(`k${i}`, `v${i}`))
        .then(() => {
          seen.push((sdb.db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n);
        }),
    );
    expect(sdb.db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 0 });
    await Promise.all(writes);
    expect(sdb.commits - before).toBe(1);
    expect(seen, 'each writer is answered only once all three rows are committed').toEqual([3, 3, 3]);
    expect(sdb.db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 3 });
    await sdb.close();
  });

  it('a failing write rejects every write of its transaction and none of them lands', async () => {
    const sdb = new ServiceDatabase({ location });
    sdb.db.exec('CREATE TABLE IF NOT EXISTS u (k TEXT PRIMARY KEY)');
    const insert = sdb.db.prepare('INSERT INTO u VALUES (?)');
    const ok = sdb.commit(() => insert.run('a'));
    const bad = sdb.commit(() => insert.run('a'));
    await expect(ok).rejects.toBeInstanceOf(ServiceDatabaseError);
    await expect(bad).rejects.toThrow(/none of its 2 grouped writes happened: UNIQUE constraint failed/);
    expect(sdb.db.prepare('SELECT COUNT(*) AS n FROM u').get()).toEqual({ n: 0 });
    await sdb.close();
  });

  it('close commits what is queued; writing after close is refused', async () => {
    const sdb = new ServiceDatabase({ location });
    sdb.db.exec('CREATE TABLE IF NOT EXISTS w (k TEXT PRIMARY KEY)');
    const pending = sdb.commit(() => sdb.db.prepare('INSERT OR REPLACE INTO w VALUES (?)').run('x'));
    await sdb.close();
    await pending;
    await expect(sdb.commit(() => undefined)).rejects.toThrow(/is closed/);
    if (location !== ':memory:') {
      const again = new ServiceDatabase({ location });
      expect(again.db.prepare('SELECT k FROM w').all()).toEqual([{ k: 'x' }]);
      await again.close();
    }
  });
});
