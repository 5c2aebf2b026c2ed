import { describe, expect, it } from 'vitest';
import { localInputToIso } from '../../../renderer/src/i18n/local-time-input';
import { useTimeZone } from '../../helpers/time-zone';

// Local time matters here: pin a zone with a summer-time change, restored afterwards.
useTimeZone('Europe/Berlin');

describe('localInputToIso', () => {
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
