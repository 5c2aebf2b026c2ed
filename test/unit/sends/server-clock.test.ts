import { describe, expect, it } from 'vitest';
import {
  FILE_TIME_RESOLUTION_MS,
  MEASURED_SLACK_MS,
  measureServerClock,
  ownEvidenceFrom,
  tighter,
  UNMEASURED_MARGIN_MS,
  type ClockSample,
} from '../../../main/services/sends/server-clock';

/** A tiny deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What a server reports for a write that reached it at local time `at`, its clock `offset` ms off
 * this workstation's: its own time in whole seconds, truncated (OpenSSH) or rounded.
 */
function serverTime(at: number, offset: number, rounds: boolean): number {
  const server = at + offset;
  return (rounds ? Math.round(server / 1000) : Math.floor(server / 1000)) * 1000;
}

describe('measureServerClock: the offset of one own write, with a bound that always holds', () => {
  it('a write answered within 40 ms, server 10 minutes behind and truncating: offset −10 min, ±1.02 s', () => {
    const before = Date.UTC(2026, 11, 6, 9, 0, 0, 700);
    const after = before + 40;
    const at = before + 25; // when the server wrote the file (this workstation's clock)
    const m = measureServerClock({ modifyTime: serverTime(at, -600_000, false), before, after });
    expect(m.errorMs).toBe(FILE_TIME_RESOLUTION_MS + 20);
    expect(Math.abs(m.offsetMs - -600_000)).toBeLessThanOrEqual(m.errorMs);
  });

  it('holds for any true offset, write moment within the bracket, bracket width and server rounding', () => {
    const next = random(20261206);
    for (let i = 0; i < 20_000; i++) {
      const offset = Math.round((next() - 0.5) * 4 * 3_600_000); // up to two hours either way
      const before = 1_780_000_000_000 + Math.round(next() * 86_400_000);
      const after = before + Math.round(next() ** 3 * 120_000); // mostly short, sometimes a long upload
      const at = before + Math.round(next() * (after - before));
      const rounds = next() < 0.5;
      const sample: ClockSample = { modifyTime: serverTime(at, offset, rounds), before, after };
      const m = measureServerClock(sample);
      expect(Math.abs(m.offsetMs - offset), JSON.stringify({ sample, offset, m })).toBeLessThanOrEqual(m.errorMs);
      // The bound is no wider than it must be: half the bracket plus the file time's second.
      expect(m.errorMs).toBeLessThanOrEqual(Math.ceil((after - before) / 2) + FILE_TIME_RESOLUTION_MS);
    }
  });

  it('the tighter of two samples is the one with the shorter bracket', () => {
    const a: ClockSample = { modifyTime: 0, before: 0, after: 30_000 };
    const b: ClockSample = { modifyTime: 0, before: 10, after: 60 };
    expect(tighter(a, b)).toBe(b);
    expect(tighter(b, a)).toBe(b);
    expect(tighter(undefined, a)).toBe(a);
    expect(tighter(a, undefined)).toBe(a);
  });
});

describe('ownEvidenceFrom: from which server time a file may be this send', () => {
  const due = Date.UTC(2026, 11, 6, 9, 0, 0);
  const measuredAt = new Date(due);

  it('moves the due time onto the server clock, less the error and the slack', () => {
    expect(ownEvidenceFrom(due, { offsetMs: -600_000, errorMs: 1_020, measuredAt })).toBe(due - 600_000 - 1_020 - MEASURED_SLACK_MS);
    expect(ownEvidenceFrom(due, { offsetMs: 300_000, errorMs: 2_000, measuredAt })).toBe(due + 300_000 - 2_000 - MEASURED_SLACK_MS);
  });

  it('the own upload of a send on a server 10 minutes behind is never older than that bound', () => {
    const m = measureServerClock({ modifyTime: serverTime(due - 3_600_000 + 20, -600_000, false), before: due - 3_600_000, after: due - 3_600_000 + 40 });
    // The upload at or after the due time, reported on the server's (behind, truncating) clock.
    for (const late of [0, 1, 999, 1_000, 5_000, 60_000]) {
      expect(serverTime(due + late, -600_000, false)).toBeGreaterThanOrEqual(ownEvidenceFrom(due, { ...m, measuredAt }));
    }
    // Another sender's file from a quarter of an hour before the due time (server clock) is still told apart.
    expect(serverTime(due - 900_000, -600_000, false)).toBeLessThan(ownEvidenceFrom(due, { ...m, measuredAt }));
  });

  it('with no measurement, a day before the due time', () => {
    expect(ownEvidenceFrom(due, undefined)).toBe(due - UNMEASURED_MARGIN_MS);
  });
});
