/**
 * Turns a typed local time into an ISO string with the browser's offset
 * (`2026-12-01T09:30:00+01:00`), which the contract needs and which keeps the operator's
 * wall-clock time unambiguous. Takes the form the app shows times in (day first, as both its
 * languages write it: `01.12.2026 09:30`, `01/12/2026 09:30`) and the ISO form (`2026-12-01 09:30`).
 */
export function localInputToIso(value: string): string | null {
  const text = value.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  const local = /^(\d{1,2})[./](\d{1,2})[./](\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  const m = iso ? [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6]] : local ? [local[3], local[2].padStart(2, '0'), local[1].padStart(2, '0'), local[4], local[5], local[6]] : null;
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m as [string, string, string, string, string, string | undefined];
  const d = new Date(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second ?? 0));
  if (Number.isNaN(d.getTime())) return null;
  // 2026-02-31 rolls over to March in Date: refuse it instead of scheduling another day.
  if (d.getMonth() !== Number(month) - 1 || d.getDate() !== Number(day) || d.getHours() !== Number(hour)) return null;
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${year}-${month}-${day}T${p(Number(hour))}:${minute}:${p(Number(second ?? 0))}${sign}${p(Math.floor(abs / 60))}:${p(abs % 60)}`;
}
