/** What validating one recipient row finds: problems (the row is left out), fixes and flags. */

/** Why a row cannot be sent. */
export type ProblemCode =
  | 'REQUIRED'
  | 'INVALID_EMAIL'
  | 'DUPLICATE_EMAIL'
  | 'DUPLICATE_ID'
  | 'SUPPRESSED'
  | 'TOO_LONG'
  | 'NOT_A_NUMBER'
  | 'OUT_OF_RANGE'
  | 'INVALID_URL'
  | 'INVALID_DATE'
  | 'UNENCODABLE'
  /** A line break inside a value, under the client's `lineBreaks: reject`. */
  | 'LINE_BREAK';

/** A change made to a value so it can be sent (not an error). */
export type FixCode = 'TRIMMED' | 'DATE_NORMALISED' | 'LINE_BREAK_REPLACED';

/**
 * A value that is sent as it is but deserves a look: a line break (a line-based importer would
 * split the record) or what a spreadsheet would run as a formula (`=HYPERLINK(…)`).
 */
export type FlagCode = 'LINE_BREAK' | 'FORMULA';

/** One reason a row is excluded. */
export interface RowProblem {
  readonly line: number;
  readonly field: string;
  readonly code: ProblemCode;
  readonly message: string;
}

/** One automatic correction, reported so the operator knows the file was touched. */
export interface RowFix {
  readonly line: number;
  readonly field: string;
  readonly code: FixCode;
  readonly message: string;
  /** The value as mapped, and as it is sent. */
  readonly before: string;
  readonly after: string;
}

/** One risky value (see {@link FlagCode}); `value` is the value as mapped, before any fix. */
export interface RowFlag {
  readonly line: number;
  readonly field: string;
  readonly code: FlagCode;
  readonly value: string;
}

/** An excluded row with all its reasons. */
export interface ExcludedRow {
  readonly line: number;
  readonly reasons: readonly RowProblem[];
  /**
   * The row's mapped values in master-list field order, overrides applied, before automatic fixes:
   * what the operator edits inline.
   */
  readonly values: readonly string[];
}

/**
 * A copy of a string that shares no memory with the text it was cut from. Values and messages are
 * slices of a whole 64 KB read chunk; keeping 1000 listed rows as slices kept 1000 chunks alive
 * (over 100 MB for a big file).
 */
export function detachString(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf16le').toString('utf16le');
}

/** A listed excluded row, detached from the read buffers (see {@link detachString}). */
export function listedRow(line: number, reasons: readonly RowProblem[], values: readonly string[]): ExcludedRow {
  return {
    line,
    reasons: reasons.map((p) => ({ line: p.line, field: p.field, code: p.code, message: detachString(p.message) })),
    values: values.map(detachString),
  };
}

/** The outcome for one row: the (possibly fixed) values, problems, fixes and flags. */
export interface RowCheck {
  readonly line: number;
  readonly values: string[];
  readonly problems: RowProblem[];
  readonly fixes: RowFix[];
  readonly flags: RowFlag[];
}
