import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS } from '../../../main/app/app-migrations';
import { formatClosedLoopLine } from '../../../main/services/csv-line';
import { Database } from '../../../main/services/store/database';
import { SuppressionAdmin } from '../../../main/services/suppression/suppression-list';
import { tempDir } from '../../helpers/temp-dir';

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

describe('suppression export', () => {
  it('is written by the one CSV writer: every value quoted, a Windows line break in a reason kept as LF', async () => {
    const d = tempDir('loopdesk-suppression-');
    dirs.push(d);
    const db = await Database.open(join(d.path, 'data.duckdb'), ALL_MIGRATIONS);
    try {
      const list = new SuppressionAdmin(db);
      await list.add([
        { email: 'anna@example.com', reason: 'asked "never again"; by phone\r\nsecond call', source: 'hand' },
        { email: 'bernd@example.com', reason: 'unsubscribed', source: 'import' },
      ]);
      const path = join(d.path, 'suppression.csv');
      expect(await list.exportCsv(path)).toBe(2);
      const text = readFileSync(path, 'utf8');
      const rows = (await db.all<{ email: string; reason: string; source: string; added_at: Date }>('SELECT * FROM suppression ORDER BY email')).map((r) => [r.email, r.reason, r.source, r.added_at.toISOString()]);
      expect(text).toBe(`\uFEFFemail;reason;source;added_at\n${rows.map(formatClosedLoopLine).join('')}`);
      expect(text).not.toContain('\r');
      // Read back as any CSV reader does: the values survive, the line break as LF.
      const parsed = Papa.parse<string[]>(text.slice(1), { delimiter: ';' }).data.filter((r) => r.length > 1);
      expect(parsed[1].slice(0, 3)).toEqual(['anna@example.com', 'asked "never again"; by phone\nsecond call', 'hand']);
    } finally {
      await db.close();
    }
  });
});
