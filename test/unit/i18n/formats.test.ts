import { describe, expect, it } from 'vitest';
import { formats } from '../../../shared/i18n/formats';
import { appIntl } from '../../../shared/i18n/intl';
import { useTimeZone } from '../../helpers/time-zone';

// Local time matters for dates: pin a zone, restored afterwards.
useTimeZone('Europe/Berlin');

const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
const de = formats(appIntl('de'));
const en = formats(appIntl('en'));

describe('locale formats (shared/i18n/formats.ts)', () => {
  it('write dates and times as each language does, to the minute or the second', () => {
    expect(de.dateTime('2026-12-05T13:30:00Z')).toBe('05.12.2026 14:30');
    expect(en.dateTime('2026-12-05T13:30:00Z')).toBe('05/12/2026 14:30');
    expect(de.dateTime('2026-07-01T22:30:05Z', { seconds: true })).toBe('02.07.2026 00:30:05');
    expect(de.date(Date.UTC(2026, 11, 24, 12))).toBe('24.12.2026');
    expect(en.time('2026-12-05T08:05:00Z')).toBe('09:05');
    // Nothing is a dash; something unreadable is shown as it came.
    expect(de.dateTime(null)).toBe('—');
    expect(de.dateTime('yesterday')).toBe('yesterday');
  });

  it('group numbers and write percentages as each language does', () => {
    expect(de.number(1234567)).toBe('1.234.567');
    expect(en.number(1234567)).toBe('1,234,567');
    expect(nbsp(de.percent(0.125))).toBe('12,5 %');
    expect(en.percent(0.125)).toBe('12.5%');
    expect(de.percent(Number.NaN)).toBe('—');
  });

  it('give sizes in the largest sensible unit and durations in words', () => {
    expect(nbsp(de.bytes(1.4 * 1024 * 1024))).toBe('1,4 MB');
    expect(nbsp(en.bytes(1536))).toBe('1.5 kB');
    expect(en.bytes(1)).toBe('1 byte');
    expect(de.bytes(0)).toBe('0 Byte');
    expect(en.duration(45)).toBe('45 s');
    expect(en.duration(125)).toBe('2 min 5 s');
    expect(de.duration(3 * 3600 + 120)).toBe('3 Std. 2 Min.');
  });

  it('join lists as each language does', () => {
    expect(de.list(['a', 'b', 'c'])).toBe('a, b und c');
    expect(en.list(['a', 'b', 'c'])).toBe('a, b and c');
  });
});
