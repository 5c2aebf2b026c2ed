import type { IntlFormatters } from '@formatjs/intl';

/** The parts of a FormatJS `intl` the format helpers need (react-intl's `useIntl()` fits too). */
export type Formatters = Pick<IntlFormatters<string>, 'formatDate' | 'formatTime' | 'formatNumber' | 'formatList'> & {
  formatMessage(descriptor: { id: 'format.dateTime' | 'format.duration.seconds' | 'format.duration.minutes' | 'format.duration.hours' | 'format.empty' }, values?: Record<string, string | number>): string;
};

type When = string | number | Date | null | undefined;

function toDate(value: When): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * Locale-aware formats for every number, date, size and duration the app shows, built on
 * `Intl` through FormatJS so the chosen language decides them: German `05.12.2026 14:30`,
 * `1.234.567`, `12,5 %`; English (British) `05/12/2026 14:30`, `1,234,567`, `12.5%`.
 */
export function formats(intl: Formatters) {
  const empty = () => intl.formatMessage({ id: 'format.empty' });
  return {
    /** Day and time to the minute (`seconds: true` adds seconds, for server log times). Unreadable values come back as they are. */
    dateTime(value: When, options: { seconds?: boolean } = {}): string {
      const d = toDate(value);
      if (!d) return value ? String(value) : empty();
      const date = intl.formatDate(d, { day: '2-digit', month: '2-digit', year: 'numeric' });
      const time = intl.formatTime(d, { hour: '2-digit', minute: '2-digit', ...(options.seconds ? { second: '2-digit' } : {}), hourCycle: 'h23' });
      return intl.formatMessage({ id: 'format.dateTime' }, { date, time });
    },
    /** The day alone (`05.12.2026`). */
    date(value: When): string {
      const d = toDate(value);
      return d ? intl.formatDate(d, { day: '2-digit', month: '2-digit', year: 'numeric' }) : value ? String(value) : empty();
    },
    /** The time of day alone (`14:30`). */
    time(value: When, options: { seconds?: boolean } = {}): string {
      const d = toDate(value);
      return d ? intl.formatTime(d, { hour: '2-digit', minute: '2-digit', ...(options.seconds ? { second: '2-digit' } : {}), hourCycle: 'h23' }) : value ? String(value) : empty();
    },
    /** A count or amount with the locale's grouping (`1.234.567`). */
    number(n: number | null | undefined, options: { maximumFractionDigits?: number } = {}): string {
      return n === null || n === undefined || !Number.isFinite(n) ? empty() : intl.formatNumber(n, options);
    },
    /** A share (0.125) as a percentage (`12,5 %`), one decimal unless told otherwise. */
    percent(ratio: number | null | undefined, fractionDigits = 1): string {
      return ratio === null || ratio === undefined || !Number.isFinite(ratio) ? empty() : intl.formatNumber(ratio, { style: 'percent', maximumFractionDigits: fractionDigits, minimumFractionDigits: 0 });
    },
    /** Bytes in the largest sensible unit (`1,4 MB`), so sizes read at a glance. */
    bytes(n: number | null | undefined): string {
      if (n === null || n === undefined || !Number.isFinite(n) || n < 0) return empty();
      const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
      let v = n;
      let u = 0;
      while (v >= 1024 && u < units.length - 1) {
        v /= 1024;
        u++;
      }
      return intl.formatNumber(v, { style: 'unit', unit: units[u], unitDisplay: u === 0 ? 'long' : 'short', maximumFractionDigits: u === 0 || v >= 10 ? 0 : 1 });
    },
    /** A duration for ETAs (`2 min 5 s`, `1 h 3 min`). */
    duration(seconds: number | null | undefined): string {
      if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return empty();
      const total = Math.round(seconds);
      if (total < 60) return intl.formatMessage({ id: 'format.duration.seconds' }, { s: total });
      const m = Math.floor(total / 60);
      if (m < 60) return intl.formatMessage({ id: 'format.duration.minutes' }, { m, s: total % 60 });
      return intl.formatMessage({ id: 'format.duration.hours' }, { h: Math.floor(m / 60), m: m % 60 });
    },
    /** Items joined as the language does (`a, b and c` / `a, b und c`). */
    list(items: readonly string[], type: 'conjunction' | 'disjunction' = 'conjunction'): string {
      return intl.formatList(items, { type }) as string;
    },
  };
}

/** What {@link formats} returns. */
export type Formats = ReturnType<typeof formats>;
