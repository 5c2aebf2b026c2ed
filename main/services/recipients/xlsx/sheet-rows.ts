import { formatDate, formatGeneral, formatNumber, isDateFormat } from '../cell-format';
import type { SheetRow } from '../types';
import type { SharedStrings } from './shared-strings';
import { DamagedPart } from './damaged-part';
import { isPlainXmlText, type FastXmlHandler } from './fast-xml-scanner';
import { xmlText } from './xml-scanner';

/** Excel's last column, XFD. */
export const MAX_COLUMN = 16384;

/** Excel's last row. */
export const MAX_ROW = 1_048_576;

/** How the numbers of one cell style become text; worked out once per style, not per cell. */
interface StyleFormat {
  readonly numFmt: string | undefined;
  /** A date format as ExcelJS judged it (its reader turned such numbers into dates). */
  readonly date: boolean;
  /** The date shows its time of day. */
  readonly withTime: true | undefined;
}

const GENERAL: StyleFormat = { numFmt: undefined, date: false, withTime: undefined };

/** ExcelJS's test for a date format (utils.isDateFmt): kept so dates read as they always have. */
function excelJsIsDate(fmt: string): boolean {
  return /[ymdhMsb]+/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/**
 * Turns the events of one worksheet part into rows of display text, as Excel stores them:
 * `t="s"` shared string, `inlineStr` (`<is><t>`, rich runs joined, phonetic guides left out),
 * `str` formula text, `b` boolean as TRUE/FALSE, `e` error text such as `#N/A`, `d` an ISO 8601
 * date as ISO date text, and numbers through the cell style's number format (dates as ISO). Rows and
 * cells without `r` follow the previous one, as the format allows. Values are read from the
 * scanner's positions, so a cell such as `<c r="B7" t="s"><v>12</v></c>` makes no string but its
 * shared string.
 */
export class SheetRowsParser implements FastXmlHandler {
  /** Rows finished since the caller last took them. */
  rows: SheetRow[] = [];
  wantsText = false;

  private readonly styles: StyleFormat[];
  private inSheetData = false;
  private tag = 0;
  private lastOpen = '';
  // Current row.
  private inRow = false;
  private rowNumber = 0;
  private values: string[] = [];
  // Current cell.
  private inCell = false;
  private column = 0;
  private type = '';
  private style = 0;
  private hasValue = false;
  private hasFormula = false;
  private inInline = false;
  private phonetic = 0;
  // The cell's text: pieces 0 (none), 1 (textSrc[textStart..textEnd]) or more (joined in `buf`).
  private pieces = 0;
  private textSrc = '';
  private textStart = 0;
  private textEnd = 0;
  private buf = '';
  private readonly dateCache = new Map<number, string>();

  constructor(
    private readonly shared: SharedStrings,
    formats: readonly (string | undefined)[],
    private readonly date1904: boolean,
  ) {
    this.styles = formats.map((f) =>
      f === undefined || /^general$/i.test(f) ? GENERAL : { numFmt: f, date: excelJsIsDate(f), withTime: isDateFormat(f) && /[hs]/i.test(f) ? true : undefined },
    );
  }

  open(name: string): boolean {
    this.tag = 0;
    this.lastOpen = name;
    switch (name) {
      case 'c':
        if (!this.inRow) return false;
        this.tag = TAG_C;
        this.inCell = true;
        this.column++;
        this.type = '';
        this.style = 0;
        this.hasValue = false;
        this.hasFormula = false;
        this.inInline = false;
        this.phonetic = 0;
        this.pieces = 0;
        return true;
      case 'v':
        if (this.inCell) {
          this.hasValue = true;
          this.pieces = 0;
          this.wantsText = true;
        }
        return false;
      case 't':
        if (this.inInline && this.phonetic === 0) {
          this.wantsText = true;
        }
        return false;
      case 'is':
        if (this.inCell) {
          this.hasValue = true;
          this.inInline = true;
          this.pieces = 0;
        }
        return false;
      case 'rPh':
        this.phonetic++;
        return false;
      case 'f':
        if (this.inCell) this.hasFormula = true;
        return false;
      case 'row':
        if (!this.inSheetData) return false;
        this.tag = TAG_ROW;
        this.inRow = true;
        this.rowNumber++;
        this.column = 0;
        // Not `[]`: V8 tracks an array literal's allocation site, saw the first batch of rows all
        // alive at a scavenge and then allocated every row's values in the old generation, which only
        // a full collection frees (peak RSS of a 1M-row read 300 MB instead of 160 MB).
        this.values = new Array<string>();
        return true;
      case 'sheetData':
        this.inSheetData = true;
        return false;
      default:
        return false;
    }
  }

  attr(name: string, src: string, start: number, end: number, plain: boolean): void {
    if (!plain) {
      this.attrValue(name, xmlText(src.slice(start, end)));
      return;
    }
    if (this.tag === TAG_C) {
      if (name === 'r') this.column = columnAt(src, start, end, this.column);
      else if (name === 's') {
        const n = digitsAt(src, start, end);
        this.style = n >= 0 ? n : parseInt(src.slice(start, end), 10) || 0;
      } else if (name === 't') this.type = typeAt(src, start, end);
    } else if (this.tag === TAG_ROW && name === 'r') {
      const r = end - start <= 7 ? digitsAt(src, start, end) : -1;
      if (r < 1 || r > MAX_ROW) this.attrValue(name, src.slice(start, end));
      else this.rowNumber = r;
    }
  }

  /** An attribute value that needed decoding (or a row number out of range): the plain string way. */
  private attrValue(name: string, value: string): void {
    if (this.tag === TAG_C) {
      if (name === 'r') this.column = columnAt(value, 0, value.length, this.column);
      else if (name === 's') this.style = parseInt(value, 10) || 0;
      else if (name === 't') this.type = value;
    } else if (this.tag === TAG_ROW && name === 'r') {
      const r = /^\d{1,7}$/.test(value) ? Number(value) : 0;
      if (r < 1 || r > MAX_ROW) throw new DamagedPart('row-number', `it has a row numbered "${value.slice(0, 20)}", outside Excel's rows 1 to 1,048,576`, { value: value.slice(0, 20) });
      this.rowNumber = r;
    }
  }

  openEnd(selfClosing: boolean): void {
    // `<c r="B2" s="3"/>` (a styled empty cell), `<row r="5"/>`, `<v/>` get no close event.
    if (selfClosing) this.close(this.lastOpen);
  }

  text(src: string, start: number, end: number): void {
    if (this.pieces === 0) {
      this.textSrc = src;
      this.textStart = start;
      this.textEnd = end;
    } else {
      this.buf = (this.pieces === 1 ? this.textSrc.slice(this.textStart, this.textEnd) : this.buf) + src.slice(start, end);
    }
    this.pieces++;
  }

  /** The cell's raw text (entities not decoded yet). */
  private rawText(): string {
    return this.pieces === 0 ? '' : this.pieces === 1 ? this.textSrc.slice(this.textStart, this.textEnd) : this.buf;
  }

  /** The cell's text as a value: entities decoded, checked. */
  private decodedText(): string {
    if (this.pieces === 1 && isPlainXmlText(this.textSrc, this.textStart, this.textEnd)) return this.textSrc.slice(this.textStart, this.textEnd);
    return xmlText(this.rawText());
  }

  /** The cell's text as a number, as parseFloat reads it (whole numbers without a string). */
  private numberText(): number {
    if (this.pieces === 1 && this.textEnd - this.textStart <= 15) {
      const n = digitsAt(this.textSrc, this.textStart, this.textEnd);
      if (n >= 0) return n;
    }
    return parseFloat(this.rawText());
  }

  close(name: string): void {
    switch (name) {
      case 'v':
      case 't':
        this.wantsText = false;
        return;
      case 'rPh':
        if (this.phonetic > 0) this.phonetic--;
        return;
      case 'is':
        this.inInline = false;
        return;
      case 'c':
        if (this.inCell) this.endCell();
        return;
      case 'row':
        if (this.inRow) this.endRow();
        return;
      case 'sheetData':
        this.inSheetData = false;
        return;
    }
  }

  private endCell(): void {
    this.inCell = false;
    this.wantsText = false;
    this.tag = 0;
    const value = this.cellText();
    if (value !== undefined) this.values[this.column - 1] = value;
  }

  /** The cell's display text, or undefined for a cell with no value (styled but empty). */
  private cellText(): string | undefined {
    if (this.hasFormula) {
      // The cached result of the formula; a formula never calculated shows as empty.
      if (!this.hasValue) return '';
      switch (this.type) {
        case 'str':
        case 'inlineStr':
        case 'e':
          return this.decodedText();
        case 'b':
          return parseInt(this.rawText(), 10) !== 0 ? 'TRUE' : 'FALSE';
        case 'd':
          return this.isoDate();
        default: {
          const f = this.styles[this.style] ?? GENERAL;
          return formatNumber(this.numberText(), f.numFmt, this.date1904);
        }
      }
    }
    if (!this.hasValue) return undefined;
    switch (this.type) {
      case 's': {
        // An empty shared string counts as no value, as ExcelJS read it (a row of them is empty).
        // The index may come in two pieces when a chunk of the part ends inside it.
        const raw = this.pieces === 1 ? undefined : this.rawText();
        const index = raw === undefined ? (this.textEnd - this.textStart <= 10 ? digitsAt(this.textSrc, this.textStart, this.textEnd) : -1) : raw.length <= 10 ? digitsAt(raw, 0, raw.length) : -1;
        const v = this.shared.get(index);
        if (v === undefined) {
          const text = this.rawText();
          const cell = `${columnName(this.column)}${this.rowNumber}`;
          throw new DamagedPart('shared-string', `cell ${cell} refers to shared text "${text.slice(0, 20)}", which the file does not hold (it has ${this.shared.size})`, {
            cell,
            value: text.slice(0, 20),
            count: this.shared.size,
          });
        }
        return v === '' ? undefined : v;
      }
      case 'inlineStr':
      case 'str':
      case 'e':
        return this.decodedText();
      case 'b':
        return parseInt(this.rawText(), 10) !== 0 ? 'TRUE' : 'FALSE';
      case 'd':
        return this.isoDate();
      default:
        return this.number(this.numberText());
    }
  }

  /**
   * A `t="d"` cell holds an ISO 8601 date and time as text (Excel writes them in Strict files and
   * some tools always do). Shown like the dates of number cells; text that is no such date is shown
   * as it stands rather than lost.
   */
  private isoDate(): string {
    const text = this.decodedText();
    const f = this.style === 0 ? GENERAL : (this.styles[this.style] ?? GENERAL);
    return isoDateText(text, f.withTime) ?? text;
  }

  private number(n: number): string {
    const f = this.style === 0 ? GENERAL : (this.styles[this.style] ?? GENERAL);
    if (f === GENERAL) return formatGeneral(n);
    if (!f.date) return formatNumber(n, f.numFmt, this.date1904);
    // Whole days repeat a lot in a date column: cache their text.
    const key = f.withTime ? NaN : n;
    if (key === Math.floor(key)) {
      const hit = this.dateCache.get(key);
      if (hit !== undefined) return hit;
    }
    // ExcelJS's excelToDate, whose dates the reader gave before (same rounding).
    const d = new Date(Math.round((n - 25569 + (this.date1904 ? 1462 : 0)) * 24 * 3600 * 1000));
    const out = formatDate(d, f.withTime);
    if (key === Math.floor(key)) {
      if (this.dateCache.size > 100_000) this.dateCache.clear();
      this.dateCache.set(key, out);
    }
    return out;
  }

  private endRow(): void {
    this.inRow = false;
    this.tag = 0;
    const values = this.values;
    for (let i = 0; i < values.length; i++) if (values[i] === undefined) values[i] = '';
    this.rows.push({ line: this.rowNumber, values });
  }
}

const TAG_C = 1;
const TAG_ROW = 2;

/** Column number (1-based) of the cell reference at start..end such as `AB12`; `previous + 1` when it has none. */
function columnAt(src: string, start: number, end: number, previous: number): number {
  let col = 0;
  let i = start;
  for (; i < end; i++) {
    const c = src.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
    if (col > MAX_COLUMN) {
      const ref = src.slice(start, Math.min(end, start + 20));
      throw new DamagedPart('cell-reference', `it refers to cell ${ref}, beyond Excel's last column XFD`, { cell: ref });
    }
  }
  return i === start ? previous : col;
}

/** The whole number written at start..end in decimal digits only, or -1 (empty, another character). */
function digitsAt(src: string, start: number, end: number): number {
  if (end <= start) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = src.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** A cell's `t` attribute at start..end, as one of the constants (no string made for them). */
function typeAt(src: string, start: number, end: number): string {
  const len = end - start;
  if (len === 1) {
    switch (src.charCodeAt(start)) {
      case 115:
        return 's';
      case 110:
        return 'n';
      case 98:
        return 'b';
      case 101:
        return 'e';
      case 100:
        return 'd';
    }
  } else if (len === 3 && src.startsWith('str', start)) return 'str';
  else if (len === 9 && src.startsWith('inlineStr', start)) return 'inlineStr';
  return src.slice(start, end);
}

const ISO_DATE = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?\s*$/;

/**
 * `2024-03-05T14:30:00` as `2024-03-05 14:30:00`, `2024-03-05T00:00:00` as `2024-03-05` (with the
 * time when the style shows one), the way number cells with a date format read. A zone suffix is
 * left out: spreadsheet dates are wall-clock dates. Undefined for text that is no such date.
 */
export function isoDateText(text: string, withTime: true | undefined): string | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1, 7).map((v) => (v === undefined ? 0 : Number(v)));
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 59) return undefined;
  const ms = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  const date = new Date(Date.UTC(2000, mo - 1, d, h, mi, s, ms));
  date.setUTCFullYear(y);
  // 2023-02-30 rolls over into March: not a date.
  if (date.getUTCDate() !== d && h < 24) return undefined;
  return formatDate(date, withTime);
}

/** `AB` for 28: the column letters an operator sees in Excel. */
function columnName(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
