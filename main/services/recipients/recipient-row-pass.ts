import type { SourceMailingMismatch } from '../../../shared/contract/recipients';
import { formatClosedLoopLine, plainLine, type ClosedLoopRow } from './closed-loop-writer';
import type { ParallelSubscribersWriter } from './parallel-subscribers';
import { refuseUnusedOverrides, type CompiledEdits } from './row-edits';
import type { SourceMailingCheck } from './source-mailing-check';
import { TextSink } from './text-sink';
import type { SheetRow } from './types';
import { addToSummary, detachString, emptySummary, listedRow, type ExcludedRow, type RowFix, type RowFlag, type RowProblem, type RowValidator } from './validate';
import { appIntl } from '../../../shared/i18n/intl';
import type { Locale } from '../../../shared/i18n/locale';
import { EN_MESSAGES, type MessageId } from '../../../shared/i18n/messages';

/** Rows, tidied values and flags listed in a report; all of them are counted. */
export const MAX_LISTED = 1000;

/**
 * File lines remembered per referenced product ID, so the operator can leave out the rows of a
 * missing product in one action; the count stays exact beyond it.
 */
export const LINES_PER_PRODUCT = 10_000;

/** The rows of the recipient file that reference one product ID. */
export interface ProductUse {
  rows: number;
  /** The first {@link LINES_PER_PRODUCT} file lines. */
  lines: number[];
}

/** What one pass over the recipient rows works with. */
export interface RowPassSetup {
  /** Maps a source row's values to the master-list fields. */
  readonly apply: (values: readonly string[]) => string[];
  readonly check: RowValidator;
  readonly edits: CompiledEdits;
  /** Set when the file's own broadmail_ID column must name the send's source mailing. */
  readonly mailingCheck?: SourceMailingCheck;
  /** Indexes of the fields that hold product IDs. */
  readonly productFields: readonly number[];
  /** Writes the subscribers file from its own reading of the file (parallel mode). */
  readonly worker?: ParallelSubscribersWriter;
  /** Where excluded rows go, created at the first one. */
  readonly rejectedPath: string;
  /** The source file's header row, repeated in the rejected file. */
  readonly headers: readonly string[];
  /**
   * No fixed value of the mapping (a constant, the source mailing, the wave ID) holds a `"`, CR or
   * LF, so a row mapped from a record without quotes needs no escaping (see {@link plainLine}).
   */
  readonly plainConstants?: boolean;
  /** The language of the reasons in the rejected file: the window's that asked; English by default. */
  readonly language?: Locale;
}

/** A row's reasons for the rejected file, in `language` (each problem's catalog text; its English message where it has none). */
function reasonText(problems: readonly RowProblem[], language: Locale): string {
  if (language === 'en') return problems.map((p) => p.message).join('; ');
  const intl = appIntl(language);
  return problems.map((p) => (p.text && p.text.id in EN_MESSAGES ? intl.formatMessage({ id: p.text.id as MessageId }, p.text.values) : p.message)).join('; ');
}

/**
 * One pass over the recipient rows: applies the operator's edits, validates each row, hands the
 * valid ones on, writes the excluded ones with their reasons to the rejected file, and keeps the
 * counts and lists of the report.
 */
export class RecipientRowPass {
  readonly summary = emptySummary();
  readonly tidied: RowFix[] = [];
  readonly flagged: RowFlag[] = [];
  readonly excluded: ExcludedRow[] = [];
  /** Product ID → the rows that use it, to name them if the catalog lacks the ID. */
  readonly referenced = new Map<string, ProductUse>();
  /** Rows left out because the operator excluded their line. */
  excludedByOperator = 0;
  private readonly overridden = new Set<number>();
  private readonly hasOverrides: boolean;
  private readonly hasExclusions: boolean;
  private rejected: TextSink | undefined;

  constructor(private readonly setup: RowPassSetup) {
    this.hasOverrides = setup.edits.overrides.size > 0;
    this.hasExclusions = setup.edits.excluded.size > 0;
  }

  /** The mapped values of a source row with the operator's overrides on top. */
  private mapRow(row: SheetRow): string[] {
    const values = this.setup.apply(row.values);
    const o = this.hasOverrides ? this.setup.edits.overrides.get(row.line) : undefined;
    if (o) for (const [i, v] of o) values[i] = v;
    return values;
  }

  /**
   * Validates every batch of `source` and yields the valid rows' values (nothing in parallel
   * mode: the worker gets them). Throws when a correction names a line the file lacks.
   */
  async *validRows(source: AsyncIterable<readonly SheetRow[]>): AsyncGenerator<ClosedLoopRow[]> {
    const { edits, worker } = this.setup;
    const plainConstants = this.setup.plainConstants === true;
    // The batch's rows mapped first, so the validator can warm its duplicate table for all of them.
    const mapped: (string[] | undefined)[] = [];
    const warm = this.setup.check.warm;
    for await (const batch of source) {
      const out: ClosedLoopRow[] = [];
      let rejectedText = '';
      mapped.length = batch.length;
      for (let k = 0; k < batch.length; k++) {
        const row = batch[k];
        mapped[k] = this.hasExclusions && edits.excluded.has(row.line) ? undefined : this.mapRow(row);
      }
      warm?.(mapped);
      for (let k = 0; k < batch.length; k++) {
        const row = batch[k];
        const overridden = this.hasOverrides && edits.overrides.has(row.line);
        if (overridden) this.overridden.add(row.line);
        const values = mapped[k];
        mapped[k] = undefined;
        if (values === undefined) {
          this.excludedByOperator++;
          continue;
        }
        const r = this.setup.check(values, row.line, k);
        addToSummary(this.summary, r);
        this.setup.mailingCheck?.add(row.line, r.values);
        if (r.fixes.length > 0 && this.tidied.length < MAX_LISTED) {
          for (const f of r.fixes) this.tidied.push({ ...f, message: detachString(f.message), before: detachString(f.before), after: detachString(f.after) });
        }
        if (r.problems.length === 0) {
          if (r.flags.length > 0 && this.flagged.length < MAX_LISTED) for (const f of r.flags) this.flagged.push({ ...f, value: detachString(f.value) });
          // A record split without quotes (it has a range) holds no `"`; a CR or LF in a value is
          // flagged; fixes and overrides bring other text: otherwise the line needs no escaping,
          // and the writer takes it as it is instead of looking into every value again.
          if (!worker) out.push(plainConstants && row.start !== undefined && r.flags.length === 0 && r.fixes.length === 0 && !overridden ? plainLine(r.values) : r.values);
          // The worker cuts the record from its copy of the text, unless a value differs from it.
          else if (r.fixes.length === 0 && !overridden && row.start !== undefined) worker.add(row);
          else worker.add(row, r.values);
          for (const i of this.setup.productFields) if (r.values[i] !== '') this.reference(r.values[i], row.line);
          continue;
        }
        // Mapped again because the validator fixes values in place; only for the listed rows.
        if (this.excluded.length < MAX_LISTED) this.excluded.push(listedRow(r.line, r.problems, this.mapRow(row)));
        if (!this.rejected) {
          this.rejected = new TextSink(this.setup.rejectedPath);
          await this.rejected.write('\uFEFF' + formatClosedLoopLine(['line', 'reasons', ...this.setup.headers]));
        }
        rejectedText += formatClosedLoopLine([String(row.line), reasonText(r.problems, this.setup.language ?? 'en'), ...row.values]);
      }
      if (rejectedText !== '') await this.rejected!.write(rejectedText);
      if (worker) await worker.flush();
      if (out.length > 0) yield out;
    }
    refuseUnusedOverrides(edits, this.overridden, MAX_LISTED);
  }

  private reference(id: string, line: number): void {
    let use = this.referenced.get(id);
    if (!use) this.referenced.set(id, (use = { rows: 0, lines: [] }));
    // A row naming the same product in two fields is one row.
    if (use.lines[use.lines.length - 1] === line) return;
    use.rows++;
    if (use.lines.length < LINES_PER_PRODUCT) use.lines.push(line);
  }

  /** Rows naming another source mailing than the send's, once the pass is through. */
  sourceMailingMismatch(): SourceMailingMismatch | undefined {
    return this.setup.mailingCheck?.result() ?? undefined;
  }

  /** Completes the rejected file; its path, or undefined when every row was valid. */
  async closeRejected(): Promise<string | undefined> {
    const sink = this.rejected;
    this.rejected = undefined;
    return sink ? sink.close() : undefined;
  }

  /** Removes a rejected file begun by a pass that failed. */
  async discardRejected(): Promise<void> {
    const sink = this.rejected;
    this.rejected = undefined;
    await sink?.discard();
  }
}
