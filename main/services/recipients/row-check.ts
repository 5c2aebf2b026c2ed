/** What validating one recipient row finds: problems (the row is left out), fixes and flags. */

import type { ExcludedRow, FlaggedValue, RowProblem, TidiedValue } from '../../../shared/contract/recipients';

export type { ExcludedRow, FixCode, FlagCode, ProblemCode, RowProblem } from '../../../shared/contract/recipients';

/** One automatic correction, reported so the operator knows the file was touched. */
export type RowFix = TidiedValue & { readonly message: string };

/** One risky value (see {@link FlagCode}); `value` is the value as mapped, before any fix. */
export type RowFlag = FlaggedValue;

/**
 * A copy of a string that shares no memory with the text it was cut from. Values and messages are
 * slices of a whole 64 KB read chunk; keeping 1000 listed rows as slices kept 1000 chunks alive
 * (over 100 MB for a big file).
 */
export function detachString(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf16le').toString('utf16le');
}

function detachValues(values: Readonly<Record<string, string | number>>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(values)) out[k] = typeof v === 'string' ? detachString(v) : v;
  return out;
}

/** A listed excluded row, detached from the read buffers (see {@link detachString}). */
export function listedRow(line: number, reasons: readonly RowProblem[], values: readonly string[]): ExcludedRow {
  return {
    line,
    reasons: reasons.map((p) => ({
      line: p.line,
      field: p.field,
      code: p.code,
      message: detachString(p.message),
      ...(p.text ? { text: { id: p.text.id, values: detachValues(p.text.values) } } : {}),
    })),
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
