import { describe, expect, it } from 'vitest';
import { localDay, nextPullAt } from '../../../main/services/responses/pull-schedule';
import { useTimeZone } from '../../helpers/time-zone';

// The local clock matters here: run in a zone with clock changes, whatever the machine's zone.
useTimeZone('Europe/Berlin');

const local = (y: number, mo: number, d: number, h: number, mi: number, s = 0) => new Date(y, mo - 1, d, h, mi, s);

describe('nextPullAt: the daily pull on the local clock', () => {
  it('is today at the pull time while that time is still ahead', () => {
    const now = local(2026, 12, 4, 6, 59, 59);
    expect(nextPullAt('07:00', false, now)).toEqual(local(2026, 12, 4, 7, 0));
    expect(nextPullAt('07:00', false, now).getTime()).toBeGreaterThan(now.getTime());
  });

  it('is due at once when today’s pull time has passed and nothing was pulled today (app closed at 07:00)', () => {
    const now = local(2026, 12, 4, 23, 59);
    const next = nextPullAt('07:00', false, now);
    expect(next).toEqual(local(2026, 12, 4, 7, 0));
    expect(next.getTime()).toBeLessThanOrEqual(now.getTime());
    // Exactly at the pull time counts as due.
    expect(nextPullAt('07:00', false, local(2026, 12, 4, 7, 0)).getTime()).toBe(local(2026, 12, 4, 7, 0).getTime());
  });

  it('is tomorrow once pulled today, also across a month and year end', () => {
    expect(nextPullAt('07:00', true, local(2026, 12, 4, 7, 0))).toEqual(local(2026, 12, 5, 7, 0));
    expect(nextPullAt('18:45', true, local(2026, 12, 31, 20, 0))).toEqual(local(2027, 1, 1, 18, 45));
  });

  it('includes midnight as a pull time', () => {
    expect(nextPullAt('00:00', false, local(2026, 12, 4, 0, 0))).toEqual(local(2026, 12, 4, 0, 0));
    expect(nextPullAt('00:00', true, local(2026, 12, 4, 0, 0))).toEqual(local(2026, 12, 5, 0, 0));
  });

  it('runs a pull time the spring clock change skips at the first minute after it', () => {
    // 2026-03-29 in Berlin: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist that day.
    const next = nextPullAt('02:30', false, local(2026, 3, 29, 0, 10));
    expect(next.toISOString()).toBe('2026-03-29T01:00:00.000Z'); // 03:00 CEST
    expect(nextPullAt('02:30', true, next).toISOString()).toBe('2026-03-30T00:30:00.000Z'); // 02:30 CEST next day
  });

  it('runs once, at the first 02:30, on the autumn day that has 02:30 twice', () => {
    // 2026-10-25 in Berlin: 03:00 CEST goes back to 02:00 CET.
    const first = nextPullAt('02:30', false, local(2026, 10, 25, 0, 0));
    expect(first.toISOString()).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST
    const afterSecond = new Date('2026-10-25T01:45:00.000Z'); // 02:45 CET, after the second 02:30
    expect(nextPullAt('02:30', true, afterSecond).toISOString()).toBe('2026-10-26T01:30:00.000Z'); // 02:30 CET next day
  });

  it('names the local day the pull belongs to', () => {
    expect(localDay(local(2026, 12, 4, 0, 0))).toBe('2026-12-04');
    expect(localDay(new Date('2026-12-04T23:30:00Z'))).toBe('2026-12-05'); // 00:30 in Berlin
  });
});
