import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { isAppError } from '../../shared/contract/result';
import type { RawBatch, SheetRow } from '../../main/services/recipients/types';
import { xlsxBatches, type XlsxInfo } from '../../main/services/recipients/xlsx-reader';
import { excelJsXlsxBatches } from './exceljs-xlsx-oracle';
import { judgeError } from './fuzz-verdict';

/** How the two readers ended on one file. */
export interface ReaderComparison {
  readonly agree: boolean;
  /** Rows both gave (when they agree on rows). */
  readonly rows: number;
  /** What differs, for the failure message. */
  readonly difference?: string;
  /** Both refused the file with a clear error (codes may differ; the messages do). */
  readonly bothRefused?: boolean;
  /** Why the readers may end differently on this file (see {@link explainedDifference}). */
  readonly explained?: string;
  /** Cells that differ only by a known ExcelJS mistake, counted by mistake. */
  readonly excelJsMistakes?: Readonly<Record<string, number>>;
}

/** True when Loopdesk reads the file at `path` as a workbook (zip magic and a name it accepts). */
export function readsAsWorkbook(path: string): boolean {
  if (!['.xlsx', '.xlsm', '.csv', '.txt', '.tsv'].includes(extname(path).toLowerCase())) return false;
  if (statSync(path).size < 4) return false;
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(4);
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  return head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6);
}

/** Pulls rows one at a time from a batch generator, so two readers can be walked in step. */
class RowCursor {
  private batch: readonly SheetRow[] = [];
  private i = 0;
  error: unknown;
  constructor(private readonly gen: AsyncGenerator<RawBatch>) {}
  async next(): Promise<SheetRow | undefined> {
    while (this.i >= this.batch.length) {
      try {
        const r = await this.gen.next();
        if (r.done) return undefined;
        this.batch = r.value.rows;
        this.i = 0;
      } catch (e) {
        this.error = e;
        return undefined;
      }
    }
    return this.batch[this.i++];
  }
  async close(): Promise<void> {
    await this.gen.return(undefined).catch(() => undefined);
  }
}

/**
 * Cells where the ExcelJS reader is known to be wrong and Loopdesk's reader shows what Excel shows.
 * Each rule names the ExcelJS code that loses the value; anything else is a real difference.
 */
export function knownExcelJsMistake(ours: string, theirs: string): string | undefined {
  // worksheet-reader parses every formula result that is not t="str" with parseFloat, and
  // FormulaValue._copyModel keeps only truthy fields: a result of 0, FALSE or an error (NaN) reads as
  // empty, TRUE as 1.
  if (theirs === '' && (ours === '0' || ours === 'FALSE' || /^#/.test(ours))) return 'formula result 0, FALSE or error dropped';
  if (theirs === '1' && ours === 'TRUE') return 'formula boolean parsed as a number';
  // worksheet-reader reads a t="d" cell (ISO 8601 text) with parseFloat like a number: 2024-03-05 is
  // 2024, text that is no date NaN.
  if ((/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/.test(ours) && theirs === String(parseInt(ours, 10))) || (theirs === 'NaN' && ours !== 'NaN')) return 'ISO date cell (t="d") read as a number';
  // worksheet-reader starts the value again at each <t> of an inline string: only the last run stays.
  if (theirs !== '' && ours.length > theirs.length && ours.endsWith(theirs)) return 'inline rich text: last run only';
  return undefined;
}

/** Damage Loopdesk's reader refuses (details.reason) where ExcelJS read on and dropped or guessed values. */
// A zip bomb is refused from its stated sizes before any row; ExcelJS gave rows until 16 MB were inflated.
const REFUSED_DAMAGE = new Set(['row-number', 'shared-string', 'duplicate-part', 'cell-reference', 'zip-bomb']);

/**
 * The ways the two readers may end differently, each for a reason: Loopdesk's reader refuses a
 * damaged file clearly where ExcelJS read on (a row numbered 0, a shared string that does not
 * exist: values lost without a word), refuses clearly where ExcelJS gave no rows at all (the
 * operator got "contains no rows" before), or reads a row without its optional `r` attribute,
 * where ExcelJS failed ("A Cell needs a Row").
 */
export function explainedDifference(oursError: unknown, theirsError: unknown, theirsEnded: boolean): string | undefined {
  if (oursError !== undefined) {
    if (!isAppError(oursError) || !judgeError(oursError).clear) return undefined;
    const reason = (oursError.details as { reason?: string } | undefined)?.reason;
    if (reason && REFUSED_DAMAGE.has(reason)) return `ours refuses damage (${reason})`;
    if (theirsEnded || theirsError !== undefined) return 'ours refuses clearly where ExcelJS gave no more rows';
    return undefined;
  }
  if (theirsError !== undefined && /A Cell needs a Row|Invalid Address: [A-Z]+NaN/.test(String((theirsError as Error).message))) return 'ExcelJS fails on a row without r';
  return undefined;
}

function sameRow(a: SheetRow, b: SheetRow, mistakes: Map<string, number>): boolean {
  if (a.line !== b.line || a.values.length !== b.values.length) return false;
  for (let i = 0; i < a.values.length; i++) {
    if (a.values[i] === b.values[i]) continue;
    const why = knownExcelJsMistake(a.values[i], b.values[i]);
    if (!why) return false;
    mistakes.set(why, (mistakes.get(why) ?? 0) + 1);
  }
  return true;
}

const show = (r: SheetRow | undefined): string => (r ? `row ${r.line} ${JSON.stringify(r.values).slice(0, 300)}` : 'no row');
const errorOf = (e: unknown): string => (isAppError(e) ? `${e.code}: ${e.message.slice(0, 300)}` : String((e as Error)?.message ?? e).slice(0, 300));

/**
 * Reads one worksheet with Loopdesk's reader and with the ExcelJS-based reader it replaced, row by
 * row in step: they agree when they give the same rows (row numbers and texts) or both refuse the
 * file with a clear error.
 */
export async function compareXlsxReaders(path: string, sheet?: string): Promise<ReaderComparison> {
  const size = statSync(path).size;
  const ours = new RowCursor(xlsxBatches(path, sheet, { sheets: [] } as XlsxInfo, size));
  const theirs = new RowCursor(excelJsXlsxBatches(path, sheet, { sheets: [] } as XlsxInfo, size));
  let rows = 0;
  const mistakes = new Map<string, number>();
  try {
    for (;;) {
      const a = await ours.next();
      const b = await theirs.next();
      if (a === undefined || b === undefined) {
        const outcome = { agree: true, rows, ...(mistakes.size > 0 ? { excelJsMistakes: Object.fromEntries(mistakes) } : {}) };
        if (a === undefined && b === undefined && ours.error === undefined && theirs.error === undefined) return outcome;
        if (a === undefined && b === undefined && ours.error !== undefined && theirs.error !== undefined) {
          const clear = judgeError(ours.error).clear && judgeError(theirs.error).clear;
          return clear
            ? { ...outcome, bothRefused: true }
            : { agree: false, rows, difference: `after ${rows} rows both failed, not both clearly: ours ${errorOf(ours.error)}; ExcelJS ${errorOf(theirs.error)}` };
        }
        const why = explainedDifference(a === undefined ? ours.error : undefined, theirs.error, b === undefined && theirs.error === undefined);
        if (why) return { ...outcome, explained: why };
        const oursEnd = ours.error !== undefined ? `error ${errorOf(ours.error)}` : show(a);
        const theirsEnd = theirs.error !== undefined ? `error ${errorOf(theirs.error)}` : show(b);
        return { agree: false, rows, difference: `after ${rows} equal rows: ours ${oursEnd}; ExcelJS ${theirsEnd}` };
      }
      if (!sameRow(a, b, mistakes)) {
        return { agree: false, rows, difference: `after ${rows} equal rows: ours ${show(a)}; ExcelJS ${show(b)}` };
      }
      rows++;
    }
  } finally {
    await ours.close();
    await theirs.close();
  }
}
