/** Local date and time as `YYYY-MM-DD HH:MM:SS`, the form operators see in the server's logs too. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Bytes in the largest sensible unit (1.4 MB), so progress reads at a glance. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} ${v === 1 ? 'byte' : 'bytes'}` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** A duration in words (`2 min 5 s`); used for upload ETAs. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '—';
  const total = Math.round(s);
  if (total < 60) return `${total} s`;
  const m = Math.floor(total / 60);
  if (m < 60) return `${m} min ${total % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A count with a noun in singular or plural (`1 row`, `3 rows`). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

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
