import type { Formats } from '../../../../shared/i18n/formats';
import type { MessageId } from '../../../../shared/i18n/messages';
import { vendorValueText, type VENDOR_VALUE_TEXT } from '../../../../shared/i18n/value-words';
import type { MailingReportData } from './response-text';
import { hourDate } from './timeline-data';

/** One bar pair of a device, platform or browser chart. */
export interface DimensionBar {
  readonly value: string;
  readonly opens: number;
  readonly clicks: number;
}

/**
 * Opens and clicks per value of one dimension, largest first, each value as the reader reads it:
 * the vendor's own words in the reader's language ("Unknown" → "Unbekannt", see
 * `VENDOR_VALUE_TEXT`), names as sent, a missing value as "(not given)".
 */
export function dimensionBars(dimension: keyof typeof VENDOR_VALUE_TEXT, clients: MailingReportData['clients'], t: (id: MessageId) => string): DimensionBar[] {
  const notGiven = t('responses.chart.notGiven');
  const byValue = new Map<string, { value: string; opens: number; clicks: number }>();
  for (const c of clients) {
    if (c.dimension !== dimension) continue;
    const key = c.value === null ? notGiven : vendorValueText(dimension, c.value, t);
    const entry = byValue.get(key) ?? { value: key, opens: 0, clicks: 0 };
    if (c.source === 'open') entry.opens += c.events;
    else entry.clicks += c.events;
    byValue.set(key, entry);
  }
  return [...byValue.values()].sort((a, b) => b.opens + b.clicks - (a.opens + a.clicks));
}

const HOUR_MS = 3_600_000;

/**
 * The time chart's subtitle: the span of hours it shows (`YYYY-MM-DD HH:mm` of the first and
 * last hour, server time). One hour of data is named as that hour (`06.12.2026, 15:00–16:00`),
 * never as a span from a time to the same time; none gives no subtitle.
 */
export function timelineSpanText(span: { from: string | null; to: string | null }, t: (id: MessageId, values?: Record<string, string | number>) => string, fmt: Pick<Formats, 'dateTime' | 'date' | 'time'>): string | undefined {
  if (!span.from || !span.to) return undefined;
  const start = hourDate(span.from);
  if (span.from === span.to) return t('responses.chart.timelineHour', { date: fmt.date(start), from: fmt.time(start), to: fmt.time(new Date(start.getTime() + HOUR_MS)) });
  return t('responses.chart.timelineSpan', { from: fmt.dateTime(start), to: fmt.dateTime(hourDate(span.to)) });
}
