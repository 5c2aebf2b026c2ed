import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRows } from '../../../main/services/responses/excel-export';
import type { Database } from '../../../main/services/store/database';
import { tempDir } from '../../helpers/temp-dir';
import { ingestFixtures, openDb } from '../../unit/responses/helpers';

let dir: ReturnType<typeof tempDir>;
let db: Database;

beforeAll(async () => {
  dir = tempDir('loopdesk-journey-export-');
  db = await openDb(join(dir.path, 'data.duckdb'));
  await ingestFixtures(db);
});
afterAll(async () => {
  await db.close();
  dir.cleanup();
});

/** The journey of d@example.com exported in `language`: its event column as written. */
async function exportedEvents(language: 'en' | 'de', filterModel = {}): Promise<unknown[]> {
  const out = join(dir.path, `journey-${language}.xlsx`);
  await exportRows(db, { query: { view: 'recipient_journey', scope: { userId: 'd@example.com' }, filterModel }, outPath: out, language });
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(out);
  const sheet = book.worksheets[0]!;
  const header = sheet.getRow(1).values as unknown[];
  return (sheet.getColumn(header.indexOf(language === 'de' ? 'Ereignis' : 'Event')).values as unknown[]).slice(2);
}

describe("the journey's Excel export", () => {
  it('writes the events in the words the grid shows, in the export language (the stored words unchanged)', async () => {
    expect(await exportedEvents('de')).toEqual(['gesendet', 'Öffnung', 'Klick', 'Abmeldung']);
    expect(await exportedEvents('en')).toEqual(['sent', 'open', 'click', 'unsubscribe']);
    // The grid's filter on the stored kind (as value-words.ts turns "Klick" into) exports the same rows.
    expect(await exportedEvents('de', { event: { filterType: 'set', values: ['click'] } })).toEqual(['Klick']);
  });
});
