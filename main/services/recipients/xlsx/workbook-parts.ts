import type { XmlHandler } from './xml-scanner';

/** A relationship of `xl/_rels/workbook.xml.rels`. */
export interface Relationship {
  readonly id: string;
  readonly target: string;
}

/** Collects `<Relationship Id Target>` entries. */
export class RelationshipsParser implements XmlHandler {
  readonly rels: Relationship[] = [];
  readonly wantsText = false;
  private current: { id: string; target: string } | undefined;

  open(name: string): boolean {
    this.current = name === 'Relationship' ? { id: '', target: '' } : undefined;
    return this.current !== undefined;
  }
  attr(name: string, value: string): void {
    if (!this.current) return;
    if (name === 'Id') this.current.id = value;
    else if (name === 'Target') this.current.target = value;
  }
  openEnd(): void {
    if (this.current) this.rels.push(this.current);
    this.current = undefined;
  }
  text(): void {}
  close(): void {}
}

/** A worksheet as `xl/workbook.xml` lists it, in workbook order. */
export interface SheetRef {
  readonly name: string;
  readonly relId: string;
}

/** Reads the sheet list and the 1904 date system flag of `xl/workbook.xml`. */
export class WorkbookParser implements XmlHandler {
  readonly sheets: SheetRef[] = [];
  date1904 = false;
  readonly wantsText = false;
  private tag = '';
  private sheet: { name: string; relId: string } | undefined;

  open(name: string): boolean {
    this.tag = name;
    if (name === 'sheet') this.sheet = { name: '', relId: '' };
    return name === 'sheet' || name === 'workbookPr';
  }
  attr(name: string, value: string): void {
    if (this.tag === 'workbookPr') {
      if (name === 'date1904') this.date1904 = value === '1' || value === 'true';
    } else if (this.sheet) {
      if (name === 'name') this.sheet.name = value;
      else if (name === 'id') this.sheet.relId = value;
    }
  }
  openEnd(): void {
    if (this.sheet) this.sheets.push(this.sheet);
    this.sheet = undefined;
    this.tag = '';
  }
  text(): void {}
  close(): void {}
}

/** Excel's built-in number formats (ECMA-376 §18.8.30), as ExcelJS lists them. */
const BUILT_IN_FORMATS: Readonly<Record<number, string>> = {
  0: 'General',
  1: '0',
  2: '0.00',
  3: '#,##0',
  4: '#,##0.00',
  9: '0%',
  10: '0.00%',
  11: '0.00E+00',
  12: '# ?/?',
  13: '# ??/??',
  14: 'mm-dd-yy',
  15: 'd-mmm-yy',
  16: 'd-mmm',
  17: 'mmm-yy',
  18: 'h:mm AM/PM',
  19: 'h:mm:ss AM/PM',
  20: 'h:mm',
  21: 'h:mm:ss',
  22: 'm/d/yy "h":mm',
  37: '#,##0 ;(#,##0)',
  38: '#,##0 ;[Red](#,##0)',
  39: '#,##0.00 ;(#,##0.00)',
  40: '#,##0.00 ;[Red](#,##0.00)',
  45: 'mm:ss',
  46: '[h]:mm:ss',
  47: 'mmss.0',
  48: '##0.0E+0',
  49: '@',
};

/**
 * Reads the number format of each cell style (`<cellXfs><xf numFmtId>`) from `xl/styles.xml`.
 * Fonts, fills and borders do not change the text of a cell and are skipped.
 */
export class StylesParser implements XmlHandler {
  readonly wantsText = false;
  private readonly custom = new Map<number, string>();
  private readonly xfFormatIds: number[] = [];
  private inCellXfs = false;
  private tag = '';
  private fmtId = NaN;
  private fmtCode = '';

  open(name: string): boolean {
    this.tag = name;
    if (name === 'cellXfs') this.inCellXfs = true;
    this.fmtId = NaN;
    this.fmtCode = '';
    return name === 'numFmt' || (name === 'xf' && this.inCellXfs);
  }
  attr(name: string, value: string): void {
    if (name === 'numFmtId') this.fmtId = parseInt(value, 10);
    else if (name === 'formatCode') this.fmtCode = value;
  }
  openEnd(selfClosing: boolean): void {
    if (this.tag === 'numFmt' && Number.isFinite(this.fmtId)) this.custom.set(this.fmtId, this.fmtCode);
    else if (this.tag === 'xf' && this.inCellXfs) this.xfFormatIds.push(this.fmtId);
    if (selfClosing && this.tag === 'cellXfs') this.inCellXfs = false;
    this.tag = '';
  }
  text(): void {}
  close(name: string): void {
    if (name === 'cellXfs') this.inCellXfs = false;
  }

  /**
   * Number format code per cell style index (undefined: General). Style 0 and format 0 count as
   * General, as in ExcelJS, whose reading this replaces.
   */
  formats(): (string | undefined)[] {
    return this.xfFormatIds.map((id) => (id ? (this.custom.get(id) ?? BUILT_IN_FORMATS[id]) : undefined));
  }
}

/** Resolves a relationship target (relative to `xl/`, or absolute) to a zip path. */
export function zipPathOf(target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts: string[] = ['xl'];
  for (const p of target.split('/')) {
    if (p === '..') parts.pop();
    else if (p !== '.' && p !== '') parts.push(p);
  }
  return parts.join('/');
}
