import { describe, expect, it } from 'vitest';
import { GridView } from '../../../shared/contract/responses';
import { AppError } from '../../../shared/contract/result';
import { errorText } from '../../../shared/i18n/error-text';
import { appIntl } from '../../../shared/i18n/intl';
import { EN_MESSAGES, MESSAGES, type MessageId } from '../../../shared/i18n/messages';
import { gridColumns, viewDef } from '../../../main/services/responses/grid-catalogue';
import { compileGridQuery } from '../../../main/services/responses/grid-query';
import { KPI_DEFINITIONS } from '../../../main/services/responses/kpis';

describe('response texts in both languages', () => {
  it('sends every grid column with a catalog key for its title, English title beside it', () => {
    for (const view of GridView.options) {
      for (const column of gridColumns(view)) {
        expect(column.titleId in EN_MESSAGES, `${view}.${column.colId}: ${column.titleId}`).toBe(true);
        expect(column.title).toBe(EN_MESSAGES[column.titleId as MessageId]);
      }
    }
    const recipients = gridColumns('mailing_recipients');
    const de = appIntl('de');
    expect(recipients.map((c) => de.formatMessage({ id: c.titleId as MessageId }))).toEqual(expect.arrayContaining(['Empfänger', 'Gesendet', 'Mailing-ID', 'Versandstatus']));
  });

  it('names each KPI, says what it counts and defines it in German too', () => {
    const de = appIntl('de');
    const openRate = KPI_DEFINITIONS.find((d) => d.key === 'openRate')!;
    expect(openRate.label).toBe('Open rate');
    expect(de.formatMessage({ id: openRate.text.label })).toBe('Öffnungsrate');
    expect(de.formatMessage({ id: openRate.text.formula })).toBe('eindeutige Öffnungen / zugestellt');
    for (const d of KPI_DEFINITIONS) {
      for (const id of [d.text.label, d.text.explain, d.text.formula]) expect(MESSAGES.de[id], id).toBeTruthy();
      expect(d.explain).toBe(EN_MESSAGES[d.text.explain]);
    }
  });

  it('raises errors as catalog keys, so a German window reads them in German', () => {
    const caught = (f: () => unknown): AppError => {
      try {
        f();
      } catch (e) {
        return e as AppError;
      }
      throw new Error('no error');
    };
    const unknown = caught(() => viewDef('nope'));
    expect(unknown.messageId).toBe('error.responses.unknownView');
    expect(unknown.message).toMatch(/^Unknown view "nope"\. Known views: mailings,/);
    expect(errorText(appIntl('de'), unknown.toInfo())).toMatch(/^Unbekannte Ansicht „nope“\./);
    const journey = caught(() => compileGridQuery({ view: 'recipient_journey' }, null));
    expect(errorText(appIntl('de'), journey.toInfo())).toBe('Die Ansicht recipient_journey braucht einen Empfänger (scope.userId). Wählen Sie zuerst einen Empfänger.');
  });
});
