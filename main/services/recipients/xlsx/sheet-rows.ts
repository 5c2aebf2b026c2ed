import { formatDate, formatGeneral, formatNumber, isDateFormat } from '../cell-format';
import type { SheetRow } from '../types';
import type { SharedStrings } from './shared-strings';
import { DamagedPart } from './damaged-part';
import { xmlText, type XmlHandler } from './xml-scanner';

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
 * `str` formula text, `b` boolean as TRUE/FALSE, `e` error text such as `#N/A`, and numbers
 * through the cell style's number format (dates as ISO). Rows and cells without `r` follow the
 * previous one, as the format allows.
 */
export class SheetRowsParser implements XmlHandler {
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
        this.buf = '';
        return true;
      case 'v':
        if (this.inCell) {
          this.hasValue = true;
          this.buf = '';
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
          this.buf = '';
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
        this.values = [];
        return true;
      case 'sheetData':
        this.inSheetData = true;
        return false;
      default:
        return false;
    }
  }

  attr(name: string, value: string): void {
    if (this.tag === TAG_C) {
      if (name === 'r') this.column = columnOf(value, this.column);
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

  text(piece: string): void {
    this.buf += piece;
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
    const text = this.buf;
    if (this.hasFormula) {
      // The cached result of the formula; a formula never calculated shows as empty.
      if (!this.hasValue) return '';
      switch (this.type) {
        case 'str':
        case 'inlineStr':
        case 'e':
          return xmlText(text);
        case 'b':
          return parseInt(text, 10) !== 0 ? 'TRUE' : 'FALSE';
        default: {
          const f = this.styles[this.style] ?? GENERAL;
          return formatNumber(parseFloat(text), f.numFmt, this.date1904);
        }
      }
    }
    if (!this.hasValue) return undefined;
    switch (this.type) {
      case 's': {
        // An empty shared string counts as no value, as ExcelJS read it (a row of them is empty).
        const v = this.shared.get(indexOf(text));
        if (v === undefined) {
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
        return xmlText(text);
      case 'b':
        return parseInt(text, 10) !== 0 ? 'TRUE' : 'FALSE';
      default:
        return this.number(parseFloat(text));
    }
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

/** Column number (1-based) of a cell reference such as `AB12`; `previous + 1` when it has none. */
function columnOf(ref: string, previous: number): number {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
    if (col > MAX_COLUMN) throw new DamagedPart('cell-reference', `it refers to cell ${ref.slice(0, 20)}, beyond Excel's last column XFD`, { cell: ref.slice(0, 20) });
  }
  return i === 0 ? previous : col;
}

/** `AB` for 28: the column letters an operator sees in Excel. */
function columnName(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** The shared-string index in a `<v>`: digits only (anything else gives -1, which no string has). */
function indexOf(text: string): number {
  if (text.length === 0 || text.length > 10) return -1;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
