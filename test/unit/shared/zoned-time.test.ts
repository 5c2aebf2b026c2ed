import { describe, expect, it } from 'vitest';
import { isKnownTimeZone, parseServerTime, resolveTimeZone, serverTimeToInstant, wallClockAt, wallClockToInstant } from '../../../shared/zoned-time';

/**
 * Server times carry no zone; they are read in the client's zone. Every expectation here is an
 * explicit UTC instant, so the zone the test process runs in cannot make a test pass.
 */
const at = (text: string, zone: string) => serverTimeToInstant(text, zone)?.toISOString();

describe('server times in a client time zone', () => {
  it('reads the same wall clock as different instants in New York and Berlin, winter and summer', () => {
    expect(at('2026-12-04 09:30:00', 'America/New_York')).toBe('2026-12-04T14:30:00.000Z');
    expect(at('2026-12-04 09:30:00', 'Europe/Berlin')).toBe('2026-12-04T08:30:00.000Z');
    expect(at('2026-07-01 09:30:00', 'America/New_York')).toBe('2026-07-01T13:30:00.000Z');
    expect(at('2026-07-01 09:30:00', 'Europe/Berlin')).toBe('2026-07-01T07:30:00.000Z');
    expect(at('2026-07-01 09:30:00', 'UTC')).toBe('2026-07-01T09:30:00.000Z');
    expect(at('2026-07-01 09:30:00', 'Asia/Kolkata')).toBe('2026-07-01T04:00:00.000Z');
  });

  it('a time that occurs twice (clocks go back) is the earlier instant', () => {
    expect(at('2026-10-25 02:30:00', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
    expect(at('2026-11-01 01:30:00', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
    // Just outside the overlap there is only one reading.
    expect(at('2026-10-25 03:00:00', 'Europe/Berlin')).toBe('2026-10-25T02:00:00.000Z');
  });

  it('a time that never occurs (clocks go forward) moves forward by the gap', () => {
    expect(at('2026-03-29 02:30:00', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
    expect(wallClockAt(new Date('2026-03-29T01:30:00Z'), 'Europe/Berlin')).toMatchObject({ hour: 3, minute: 30 });
    expect(at('2026-03-08 02:30:00', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
  });

  it('an empty zone is the workstation zone, whatever it is', () => {
    const local = new Date(2026, 6, 1, 9, 30, 0);
    expect(at('2026-07-01 09:30:00', '')).toBe(local.toISOString());
    expect(resolveTimeZone('')).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(resolveTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
  });

  it('round-trips a year of times through wall clock and back (outside the overlaps)', () => {
    for (const zone of ['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe']) {
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 4 * 3_600_000 + 17_000) {
        const wall = wallClockAt(t, zone);
        const back = wallClockToInstant(wall, zone).getTime();
        // Either the same instant, or the earlier reading of an ambiguous time showing the same wall clock.
        if (back !== Math.floor(t / 1000) * 1000) {
          expect(back).toBeLessThan(t);
          expect(wallClockAt(back, zone)).toEqual(wall);
        }
      }
    }
  });

  it('refuses text that is no server time, and knows unknown zones', () => {
    expect(parseServerTime('2026-02-30 10:00:00')).toBeUndefined();
    expect(parseServerTime('04.12.2026 10:00')).toBeUndefined();
    expect(parseServerTime('2026-12-04T10:00:00')).toMatchObject({ day: 4, hour: 10 });
    expect(isKnownTimeZone('Mars/Olympus')).toBe(false);
    expect(isKnownTimeZone('')).toBe(true);
  });
});
