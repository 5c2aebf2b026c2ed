import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatBytes, formatDateTime, formatSeconds, localInputToIso, plural } from '../../../renderer/src/components/format';

// Local time matters here: pin a zone with a summer-time change, restored afterwards.
let savedTz: string | undefined;
beforeEach(() => {
  savedTz = process.env.TZ;
  process.env.TZ = 'Europe/Berlin';
});
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('format', () => {
  it('date and time in local time as YYYY-MM-DD HH:MM:SS; nothing is a dash, nonsense is shown as it is', () => {
    expect(formatDateTime('2026-12-05T09:03:04Z')).toBe('2026-12-05 10:03:04');
    expect(formatDateTime('2026-07-01T22:30:00Z')).toBe('2026-07-02 00:30:00');
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime(undefined)).toBe('—');
    expect(formatDateTime('')).toBe('—');
    expect(formatDateTime('yesterday')).toBe('yesterday');
  });

  it('bytes in the largest sensible unit', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(1.4 * 1024 * 1024)).toBe('1.4 MB');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200 MB');
    expect(formatBytes(5 * 1024 ** 5)).toBe('5120 TB');
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });

  it('durations in words', () => {
    expect(formatSeconds(4.6)).toBe('5 s');
    expect(formatSeconds(125)).toBe('2 min 5 s');
    expect(formatSeconds(3 * 3600 + 7 * 60 + 30)).toBe('3 h 7 min');
    expect(formatSeconds(-3)).toBe('—');
    expect(formatSeconds(Number.POSITIVE_INFINITY)).toBe('—');
  });

  it('counts with singular or plural nouns and thousands separators', () => {
    expect(plural(1, 'row')).toBe('1 row');
    expect(plural(0, 'row')).toBe('0 rows');
    expect(plural(12345, 'entry', 'entries')).toBe('12,345 entries');
  });

  it('a typed local time becomes ISO with the local offset; impossible dates are refused', () => {
    expect(localInputToIso('2026-12-01T09:30')).toBe('2026-12-01T09:30:00+01:00');
    expect(localInputToIso(' 2026-07-01 9:05:07 ')).toBe('2026-07-01T09:05:07+02:00');
    expect(localInputToIso('2026-02-31 10:00')).toBeNull();
    // 02:30 on the spring-forward night does not exist in Berlin.
    expect(localInputToIso('2026-03-29 02:30')).toBeNull();
    expect(localInputToIso('tomorrow at ten')).toBeNull();
  });

  it('reads the day-first form the app shows times in, with dots or slashes', () => {
    expect(localInputToIso('01.12.2026 09:30')).toBe('2026-12-01T09:30:00+01:00');
    expect(localInputToIso('1/7/2026 9:05')).toBe('2026-07-01T09:05:00+02:00');
    expect(localInputToIso('31.02.2026 10:00')).toBeNull();
  });
});
