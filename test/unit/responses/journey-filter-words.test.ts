import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FilterModel } from '../../../shared/contract/responses';
import { appIntl } from '../../../shared/i18n/intl';
import type { Locale } from '../../../shared/i18n/locale';
import type { MessageId } from '../../../shared/i18n/messages';
import { queryRows } from '../../../main/services/responses/grid-query';
import type { Database } from '../../../main/services/store/database';
import { filterOnStoredValues } from '../../../renderer/src/features/responses/value-words';
import { tempDir } from '../../helpers/temp-dir';
import { ingestFixtures, openDb } from './helpers';

let dir: ReturnType<typeof tempDir>;
let db: Database;

beforeAll(async () => {
  dir = tempDir('loopdesk-journey-words-');
  db = await openDb(join(dir.path, 'data.duckdb'));
  await ingestFixtures(db);
});
afterAll(async () => {
  await db.close();
  dir.cleanup();
});

/** The journey of d@example.com (sent, open, click, unsubscribe) filtered as the grid of `locale` sends it; answers the stored events. */
async function journey(locale: Locale, filterModel: FilterModel, colId = 'event'): Promise<string[]> {
  const intl = appIntl(locale);
  const model = filterOnStoredValues(filterModel, (id: MessageId) => intl.formatMessage({ id }), intl.locale);
  const view = colId === 'event' ? 'recipient_journey' : 'bounces_by_category';
  const res = await queryRows(db, { view, startRow: 0, endRow: 100, filterModel: model, scope: view === 'recipient_journey' ? { userId: 'd@example.com' } : { mailingId: '51106527229' } });
  return res.rows.map((r) => String(r[colId]));
}

const text = (type: 'contains' | 'notContains' | 'equals' | 'startsWith', filter: string) => ({ filterType: 'text' as const, type, filter });

describe('the journey grid filters its events in the words it shows', () => {
  it('finds the German words the German grid shows, matching the stored kinds', async () => {
    expect(await journey('de', { event: text('contains', 'Klick') })).toEqual(['click']);
    expect(await journey('de', { event: text('equals', 'öffnung') })).toEqual(['open']);
    expect(await journey('de', { event: text('startsWith', 'ab') })).toEqual(['unsubscribe']);
    expect(await journey('de', { event: text('notContains', 'Klick') })).toEqual(['sent', 'open', 'unsubscribe']);
    // Two conditions, as AG Grid joins them.
    expect(await journey('de', { event: { filterType: 'text', operator: 'OR', conditions: [text('equals', 'Klick'), text('equals', 'Abmeldung')] } })).toEqual(['click', 'unsubscribe']);
    // A word no event is shown as matches no row (not every row).
    expect(await journey('de', { event: text('contains', 'click') })).toEqual([]);
    // The bounce class too.
    expect(await journey('de', { bounce_class: text('contains', 'Softbounce') }, 'bounce_class')).toEqual(['soft', 'soft']);
  });

  it('keeps English as it was (the English words are the stored ones) and leaves other columns alone', async () => {
    expect(await journey('en', { event: text('contains', 'click') })).toEqual(['click']);
    expect(await journey('en', { event: text('contains', 'bounce') })).toEqual([]);
    const other: FilterModel = { detail: text('contains', 'example') };
    expect(filterOnStoredValues(other, () => '', 'de')).toEqual(other);
  });
});
