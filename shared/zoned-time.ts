/**
 * Wall-clock times in an IANA time zone. The server writes its times without a zone
 * (`YYYY-MM-DD HH:MM:SS` in log and response files); interpretation.md reads them in the
 * client's time-zone setting, or the workstation's when the setting is empty. This module is
 * the one place that turns such a time into an instant, with `Intl` only (no zone database of
 * our own), so main and the renderer agree.
 *
 * DST is resolved the way `Temporal`'s `disambiguation: 'compatible'` (and java.time) does,
 * so the same text always gives the same instant on every machine:
 * - a time that occurs twice (clocks go back: 02:30 on the last Sunday of October in Berlin)
 *   is the EARLIER instant, the one still in summer time;
 * - a time that never occurs (clocks go forward: 02:30 on the last Sunday of March) is moved
 *   forward by the length of the gap (03:30 summer time), i.e. read with the offset in force
 *   just before the change.
 */

/** A wall-clock time: calendar fields without a zone. Months are 1…12. */
export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const SERVER_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone; callers check with isKnownTimeZone first.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timeZone === '' ? undefined : timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True for a zone `Intl` knows, and for the empty string (the workstation's zone). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The IANA name a setting stands for: the zone itself, or the workstation's zone for an empty setting. */
export function resolveTimeZone(timeZone: string): string {
  return timeZone === '' ? new Intl.DateTimeFormat().resolvedOptions().timeZone : formatter(timeZone).resolvedOptions().timeZone;
}

/** Parses the server's `YYYY-MM-DD HH:MM:SS`; undefined when the text is not such a time or no real date. */
export function parseServerTime(text: string): WallClock | undefined {
  const m = SERVER_TIME.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  return { year, month, day, hour, minute, second };
}

/** The wall clock an instant shows in a zone (empty = the workstation's). */
export function wallClockAt(instant: Date | number, timeZone: string): WallClock {
  const p: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) p[part.type] = part.value;
  const year = p.era === 'BC' || p.era === 'B' ? 1 - Number(p.year) : Number(p.year);
  return { year, month: Number(p.month), day: Number(p.day), hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second) };
}

/** Milliseconds of a wall clock read as if it were UTC: the arithmetic base of this module. */
function naiveMs(w: WallClock): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, 0);
  return d.getTime();
}

/** The zone's offset from UTC at an instant, in milliseconds (east positive). */
function offsetAt(ms: number, timeZone: string): number {
  return naiveMs(wallClockAt(ms, timeZone)) - Math.floor(ms / 1000) * 1000;
}

const DAY = 86_400_000;

/**
 * The instant a wall-clock time stands for in a zone (empty = the workstation's). Ambiguous
 * and skipped times are resolved as the module comment says.
 */
export function wallClockToInstant(wall: WallClock, timeZone: string): Date {
  const naive = naiveMs(wall);
  // The offsets in force a day either side cover every change but the rarest (two in one day).
  const before = offsetAt(naive - DAY, timeZone);
  const after = offsetAt(naive + DAY, timeZone);
  const candidates = [...new Set([before, after, offsetAt(naive, timeZone)])]
    .map((offset) => naive - offset)
    .filter((ms) => naiveMs(wallClockAt(ms, timeZone)) === naive)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return new Date(candidates[0]);
  // In a gap: read with the offset before the change, which lands the same distance past it.
  return new Date(naive - before);
}

/** The instant of a server time text in a zone; undefined when the text is not a server time. */
export function serverTimeToInstant(text: string, timeZone: string): Date | undefined {
  const wall = parseServerTime(text);
  return wall ? wallClockToInstant(wall, timeZone) : undefined;
}

/** `YYYY-MM-DD HH:MM:SS` of a wall clock, the server's own format. */
export function formatWallClock(w: WallClock): string {
  const p = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${p(w.year, 4)}-${p(w.month)}-${p(w.day)} ${p(w.hour)}:${p(w.minute)}:${p(w.second)}`;
}
