/**
 * Naive timestamps: the sandbox does all event arithmetic on wall-clock values without
 * a zone (parsed and formatted as UTC), so results do not depend on the machine's zone.
 */

const STAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/** Milliseconds of a `YYYYMMDDHHMMSS` file-name stamp read as a naive time; null if not a real date. */
export function parseFileStamp(stamp: string): number | null {
  const m = STAMP.exec(stamp);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return ms;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `YYYY-MM-DD HH:MM:SS`, the response-file timestamp format. */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `YYYYMMDD` of a naive time, the response-file name prefix. */
export function formatDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}

/** The machine's local wall clock as a naive time (for log rows and retention only, never for events). */
export function localNow(date: Date = new Date()): number {
  return Date.UTC(date.getFullYear(), date.getMonth(), date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds());
}

/** Milliseconds of a `YYYYMMDD` day at midnight, naive. */
export function parseDay(day: string): number | null {
  return parseFileStamp(`${day}000000`);
}
