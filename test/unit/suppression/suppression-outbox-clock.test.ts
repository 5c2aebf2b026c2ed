import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS } from '../../../main/app/app-migrations';
import { Database } from '../../../main/services/store/database';
import { SuppressionList } from '../../../main/services/suppression/suppression-list';
import { tempDir } from '../../helpers/temp-dir';

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

describe('suppression outbox: which clock stamped each change', () => {
  it('marks imports and removals as this workstation’s clock, response times as the server’s; changes waiting from before the migration stay unmarked', async () => {
    const d = tempDir('loopdesk-outbox-clock-');
    dirs.push(d);
    const path = join(d.path, 'data.duckdb');
    const before = await Database.open(path, ALL_MIGRATIONS.filter((m) => m.version !== 7));
    await before.run(`INSERT INTO suppression_outbox VALUES ('waiting@example.com', false, 'r', 'mailing 1', TIMESTAMPTZ '2026-12-01 10:00:00+00')`);
    await before.close();

    const db = await Database.open(path, ALL_MIGRATIONS);
    try {
      const list = new SuppressionList(db, () => Date.parse('2026-12-06T10:00:00Z'));
      await list.add([
        { email: 'import@example.com', reason: 'by phone', source: 'import calls.xlsx' },
        { email: 'pulled@example.com', reason: 'Unsubscribed', source: 'mailing 2', at: new Date('2026-12-06T09:00:00Z') },
        // An unsubscribe whose time stamp lay ahead of its pull counts from the pull: this workstation's clock.
        { email: 'ahead@example.com', reason: 'Unsubscribed', source: 'mailing 2', at: new Date('2026-12-06T09:30:00Z'), atIsLocal: true },
      ]);
      expect(await list.remove('import@example.com', 'asked again')).toBe(true);
      const rows = await db.all<{ email: string; removed: boolean; changed_at: Date; workstation_clock: boolean }>('SELECT email, removed, changed_at, workstation_clock FROM suppression_outbox ORDER BY email');
      expect(rows.map((r) => [r.email, r.removed, r.changed_at.toISOString(), r.workstation_clock])).toEqual([
        ['ahead@example.com', false, '2026-12-06T09:30:00.000Z', true],
        ['import@example.com', true, '2026-12-06T10:00:00.000Z', true],
        ['pulled@example.com', false, '2026-12-06T09:00:00.000Z', false],
        ['waiting@example.com', false, '2026-12-01T10:00:00.000Z', false],
      ]);
    } finally {
      await db.close();
    }
  });
});
