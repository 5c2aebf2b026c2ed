import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS } from '../../../main/app/app-migrations';
import { Database } from '../../../main/services/store/database';
import { SuppressionAdmin } from '../../../main/services/suppression/suppression-list';
import { tempDir } from '../../helpers/temp-dir';

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

async function open(): Promise<Database> {
  const d = tempDir('loopdesk-suppression-');
  dirs.push(d);
  return Database.open(join(d.path, 'data.duckdb'), ALL_MIGRATIONS);
}

describe('suppression list: an operator’s removal', () => {
  it('stands against the unsubscribe it overrode (every pull offers it again), and yields to a newer one', async () => {
    const db = await open();
    try {
      const list = new SuppressionAdmin(db);
      const unsubscribed = new Date(Date.now() - 86_400_000);
      const fromPull = [{ email: 'Anna@Example.com', reason: 'Unsubscribed', source: 'mailing 1', at: unsubscribed }];
      expect(await list.add(fromPull)).toBe(1);
      expect(await list.remove('anna@example.com', 'asked to be mailed again')).toBe(true);
      // The next pull offers the same old unsubscribe: it does not come back.
      expect(await list.add(fromPull)).toBe(0);
      expect((await list.lookup())('anna@example.com')).toBeUndefined();
      expect(await db.all('SELECT email, reason, removed_by FROM suppression_removed')).toEqual([{ email: 'anna@example.com', reason: 'asked to be mailed again', removed_by: '' }]);
      // A newer unsubscribe (or an operator's import, which is now) suppresses it again.
      expect(await list.add([{ email: 'anna@example.com', reason: 'Unsubscribed', source: 'mailing 2' }])).toBe(1);
      expect((await list.lookup())('ANNA@example.com ')).toBe('Unsubscribed');
      expect(await db.all('SELECT * FROM suppression_removed')).toEqual([]);
      // Each change waits for a team database in the outbox, latest per address.
      expect(await db.all('SELECT email, removed, source FROM suppression_outbox')).toEqual([{ email: 'anna@example.com', removed: false, source: 'mailing 2' }]);
    } finally {
      await db.close();
    }
  });

  it('adds a batch of 10,000 addresses in one go, keeping the first reason of those already listed', async () => {
    const db = await open();
    try {
      const list = new SuppressionAdmin(db);
      await list.add([{ email: 'bulk7@example.com', reason: 'Hard bounce', source: 'mailing 3' }]);
      const batch = Array.from({ length: 10_000 }, (_, i) => ({ email: `bulk${i}@example.com`, reason: 'Imported list', source: 'import bulk.csv' }));
      expect(await list.add(batch)).toBe(9_999);
      expect((await list.lookup())('bulk7@example.com')).toBe('Hard bounce');
      expect(Number((await db.all<{ n: bigint }>('SELECT count(*) AS n FROM suppression'))[0].n)).toBe(10_000);
    } finally {
      await db.close();
    }
  });
});
