import { describe, expect, it } from 'vitest';
import { formats } from '../../../shared/i18n/formats';
import type { Locale } from '../../../shared/i18n/locale';
import type { MessageId } from '../../../shared/i18n/messages';
import { rendererIntl } from '../../../renderer/src/i18n/language-provider';
import { dimensionBars, timelineSpanText } from '../../../renderer/src/features/responses/chart-text';
import type { MailingReportData } from '../../../renderer/src/features/responses/response-text';
import { timelinePoints } from '../../../renderer/src/features/responses/timeline-data';
import { useTimeZone } from '../../helpers/time-zone';

useTimeZone('Europe/Berlin');

/** `t` and `fmt` as a renderer window in `locale` has them (the same `intl` the language provider gives the screens). */
function speak(locale: Locale) {
  const intl = rendererIntl(locale);
  return { t: (id: MessageId, values?: Record<string, string | number>) => intl.formatMessage({ id }, values), fmt: formats(intl) };
}

const clients: MailingReportData['clients'] = [
  { source: 'open', dimension: 'device', value: 'Desktop', events: 12, recipients: 10 },
  { source: 'open', dimension: 'device', value: 'Unknown', events: 3, recipients: 3 },
  { source: 'click', dimension: 'device', value: 'Unknown', events: 1, recipients: 1 },
  { source: 'open', dimension: 'device', value: 'Mobile', events: 2, recipients: 2 },
  { source: 'open', dimension: 'platform', value: 'Windows 10', events: 9, recipients: 8 },
  { source: 'open', dimension: 'platform', value: 'Unknown', events: 3, recipients: 3 },
  { source: 'open', dimension: 'browser', value: 'Gmail Image Proxy', events: 3, recipients: 3 },
  { source: 'open', dimension: 'browser', value: null, events: 2, recipients: 2 },
];

describe('dimensionBars (device, platform and browser charts of a mailing report)', () => {
  it('shows the vendor\'s own words in German ("Unknown" → "Unbekannt"), names as the server sent them', () => {
    const { t } = speak('de');
    expect(dimensionBars('device', clients, t)).toEqual([
      { value: 'Desktop', opens: 12, clicks: 0 },
      { value: 'Unbekannt', opens: 3, clicks: 1 },
      { value: 'Mobilgerät', opens: 2, clicks: 0 },
    ]);
    expect(dimensionBars('platform', clients, t)).toEqual([
      { value: 'Windows 10', opens: 9, clicks: 0 },
      { value: 'Unbekannt', opens: 3, clicks: 0 },
    ]);
    expect(dimensionBars('browser', clients, t)).toEqual([
      { value: 'Gmail Image Proxy', opens: 3, clicks: 0 },
      { value: '(nicht angegeben)', opens: 2, clicks: 0 },
    ]);
  });

  it('keeps the vendor\'s words in English', () => {
    expect(dimensionBars('device', clients, speak('en').t).map((b) => b.value)).toEqual(['Desktop', 'Unknown', 'Mobile']);
  });
});

describe('timelineSpanText (the time chart\'s span line)', () => {
  const span = (locale: Locale, hours: string[]) => {
    const { t, fmt } = speak(locale);
    return timelineSpanText(timelinePoints(hours.map((hour) => ({ hour, opens: 1, clicks: 0 }))), t, fmt)?.replace(/[\u00a0\u202f]/g, ' ');
  };

  it('names a single hour as that hour, not as a span from a time to the same time', () => {
    expect(span('de', ['2026-12-06 15:00:00'])).toBe('Daten aus einer Stunde: 06.12.2026, 15:00–16:00 Uhr (Serverzeit).');
    expect(span('en', ['2026-12-06 15:00:00'])).toBe('Data from one hour: 06/12/2026, 15:00–16:00 (server time).');
  });

  it('gives several hours as a span from the first to the last, and nothing without data', () => {
    expect(span('de', ['2026-12-06 15:00:00', '2026-12-07 09:00:00'])).toBe('Je Stunde, von 06.12.2026 15:00 bis 07.12.2026 09:00 (Serverzeit). Lücken sind Stunden ohne erfasste Öffnungen oder Klicks.');
    expect(span('en', ['2026-12-06 15:00:00', '2026-12-06 16:00:00'])).toBe('Per hour, from 06/12/2026 15:00 to 06/12/2026 16:00 (server time). Gaps are hours with no opens or clicks recorded.');
    expect(span('en', [])).toBeUndefined();
  });
});
