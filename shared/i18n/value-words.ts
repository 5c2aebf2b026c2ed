import type { MessageId } from './messages';

/**
 * Words the response views compute (the journey's events, the bounce class): per column, each
 * stored value (the database's own English word, which never changes) and the catalog key it is
 * shown as. The grid shows and filters by these words; an Excel export writes them.
 */
export const VALUE_TEXT: Readonly<Record<string, Readonly<Record<string, MessageId>>>> = {
  event: {
    sent: 'grid.event.sent',
    open: 'grid.event.open',
    click: 'grid.event.click',
    'hard bounce': 'grid.event.hardBounce',
    'soft bounce': 'grid.event.softBounce',
    response: 'grid.event.response',
    unsubscribe: 'grid.event.unsubscribe',
  },
  bounce_class: { hard: 'grid.bounceClass.hard', soft: 'grid.bounceClass.soft' },
};

/**
 * Words the vendor's response files use for a recipient's device, platform and browser that
 * have a word of their own in each language ("Unknown" → "Unbekannt"), per dimension: the
 * stored value and its catalog key. Any other value (such as "Windows 10" or "Chrome 126.0")
 * is a name and is shown as the server sent it.
 */
export const VENDOR_VALUE_TEXT: Readonly<Record<'device' | 'platform' | 'browser', Readonly<Record<string, MessageId>>>> = {
  device: {
    Desktop: 'responses.chart.word.desktop',
    Mobile: 'responses.chart.word.mobile',
    Tablet: 'responses.chart.word.tablet',
    Unknown: 'responses.chart.word.unknown',
  },
  platform: { Unknown: 'responses.chart.word.unknown' },
  browser: { Unknown: 'responses.chart.word.unknown' },
};

/** A device, platform or browser value as the reader reads it: its word where {@link VENDOR_VALUE_TEXT} has one, else as sent. */
export function vendorValueText(dimension: keyof typeof VENDOR_VALUE_TEXT, value: string, t: (id: MessageId) => string): string {
  const id = VENDOR_VALUE_TEXT[dimension][value];
  return id ? t(id) : value;
}
