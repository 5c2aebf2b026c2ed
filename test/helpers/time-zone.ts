import { afterEach, beforeEach } from 'vitest';

/**
 * Runs each test of the calling file in time zone `zone`, whatever the machine's zone (for code
 * where local time matters: pick a zone with clock changes); the zone before is restored after each test.
 */
export function useTimeZone(zone: string): void {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.TZ;
    process.env.TZ = zone;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
}
