/**
 * Turning spreadsheet cell values into the text an operator sees in Excel.
 * Pure functions, so the rules (no exponent, dates as ISO, 15 significant digits) test without files.
 */

/** Expands `1.5e+19` / `1.5e-7` into plain decimal notation; other strings pass through. */
export function expandExponent(s: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/i.exec(s);
  if (!m) return s;
  const [, sign, intPart, fracPart = '', expText] = m;
  const exp = Number(expText);
  const digits = intPart + fracPart;
  const point = intPart.length + exp;
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  out = out.replace(/^0+(?=\d)/, '');
  if (out.includes('.')) out = out.replace(/0+$/, '').replace(/\.$/, '');
  return sign + out;
}

/**
 * Formats a number the way Excel's "General" format shows it in a wide column:
 * at most 15 significant digits (Excel's own precision), never in exponent notation.
 */
export function formatGeneral(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Object.is(n, -0)) return '0';
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 53) return n.toFixed(0);
  return expandExponent(stripZeros(n.toPrecision(15)));
}

function stripZeros(s: string): string {
  // Only the mantissa of "1.2300e+5" or a plain "1.2300" loses its trailing zeros.
  return s.replace(/(\.\d*?)0+(e|$)/i, '$1$2').replace(/\.(e|$)/i, '$1');
}

/**
 * True for an Excel number format that shows a date or time (d, m, y, h, s outside quotes,
 * brackets and escapes). Needed because formula results arrive as plain serial numbers.
 */
export function isDateFormat(fmt: string | undefined): boolean {
  if (!fmt || /^general$/i.test(fmt) || fmt === '@') return false;
  const bare = fmt
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?:[hms]+)\]/gi, 'h')
    .replace(/\[[^\]]*\]/g, '');
  return /[dmyhs]/i.test(bare) && !/[0#?]/.test(bare.replace(/[dmyhs]/gi, ''));
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * Formats a point in time from a spreadsheet as `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM:SS` when it has
 * a time of day. Spreadsheet dates carry no zone, so the UTC fields are the wall-clock fields.
 */
export function formatDate(d: Date, withTime?: boolean): string {
  // Serial numbers carry float noise: round to the second before deciding whether a time exists.
  const ms = Math.round(d.getTime() / 1000) * 1000;
  const r = new Date(ms);
  const date = `${pad(r.getUTCFullYear(), 4)}-${pad(r.getUTCMonth() + 1)}-${pad(r.getUTCDate())}`;
  const hasTime = r.getUTCHours() !== 0 || r.getUTCMinutes() !== 0 || r.getUTCSeconds() !== 0;
  if (withTime === false || (!hasTime && withTime !== true)) return date;
  return `${date} ${pad(r.getUTCHours())}:${pad(r.getUTCMinutes())}:${pad(r.getUTCSeconds())}`;
}

/** Converts an Excel serial day number to a Date whose UTC fields are the wall-clock fields. */
export function serialToDate(serial: number, date1904 = false): Date {
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  return new Date(epoch + Math.round(serial * 86400) * 1000);
}

/**
 * Formats a number with its cell's number format where that format is simple
 * (fixed decimals, percent, dates); anything fancier falls back to {@link formatGeneral}.
 * Thousands separators are left out on purpose: they would corrupt IDs and prices downstream.
 */
export function formatNumber(n: number, numFmt: string | undefined, date1904 = false): string {
  const fmt = (numFmt ?? 'General').split(';')[0].trim();
  if (isDateFormat(fmt)) {
    const hasDate = /[dy]/i.test(fmt.replace(/"[^"]*"/g, '')) || /m{3,}/i.test(fmt) || (/m/i.test(fmt) && !/[hs]/i.test(fmt));
    const hasTime = /[hs]/i.test(fmt.replace(/"[^"]*"/g, ''));
    if (!hasDate && hasTime && n < 1) {
      return formatDate(serialToDate(n, date1904), true).slice(11);
    }
    return formatDate(serialToDate(n, date1904), hasTime ? true : undefined);
  }
  const percent = /^(?:#,##)?0(?:\.(0+))?%$/.exec(fmt);
  if (percent) return (n * 100).toFixed(percent[1]?.length ?? 0) + '%';
  const fixed = /^(?:#,##)?0(?:\.(0+))?$/.exec(fmt);
  if (fixed && Math.abs(n) < 1e21) return n.toFixed(fixed[1]?.length ?? 0);
  return formatGeneral(n);
}

/** Structural view of the cell value kinds ExcelJS produces. */
type CellValue =
  | null
  | undefined
  | string
  | number
  | boolean
  | Date
  | { readonly richText: ReadonlyArray<{ readonly text: string }> }
  | { readonly formula?: string; readonly sharedFormula?: string; readonly result?: unknown }
  | { readonly text: unknown; readonly hyperlink: string }
  | { readonly error: string }
  | { readonly sharedString: number };

/**
 * Converts an ExcelJS cell value to the text the operator sees: text stays text (leading zeros
 * kept), numbers without exponent, dates as ISO, formulas as their cached result, rich text flattened.
 */
export function formatCellValue(value: unknown, numFmt: string | undefined, date1904 = false): string {
  const v = value as CellValue;
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v, numFmt, date1904);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return formatDate(v, isDateFormat(numFmt) && /[hs]/i.test(numFmt ?? '') ? true : undefined);
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text ?? '').join('');
    if ('formula' in v || 'sharedFormula' in v) {
      const r = (v as { result?: unknown }).result;
      if (r && typeof r === 'object' && 'error' in (r as object)) return String((r as { error: unknown }).error);
      return formatCellValue(r, numFmt, date1904);
    }
    if ('hyperlink' in v) return formatCellValue(v.text, numFmt, date1904);
    if ('error' in v) return String(v.error);
  }
  return String(v);
}
