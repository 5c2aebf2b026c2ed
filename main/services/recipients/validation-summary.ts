import type { FixCode, FlagCode, ProblemCode, RowCheck } from './row-check';

/** Counts for the operator: rows, valid, excluded, problems and fixes by code, flags of the rows sent. */
export interface ValidationSummary {
  rows: number;
  valid: number;
  excluded: number;
  problems: Partial<Record<ProblemCode, number>>;
  fixes: Partial<Record<FixCode, number>>;
  /** Risky values of the rows that are sent (excluded rows are not uploaded). */
  flags: Partial<Record<FlagCode, number>>;
}

/** An empty {@link ValidationSummary} to accumulate into while streaming. */
export function emptySummary(): ValidationSummary {
  return { rows: 0, valid: 0, excluded: 0, problems: {}, fixes: {}, flags: {} };
}

/** Adds one row's outcome to a running summary (mutates it: streaming, 1M rows). */
export function addToSummary(s: ValidationSummary, check: RowCheck): ValidationSummary {
  s.rows++;
  if (check.problems.length === 0) s.valid++;
  else s.excluded++;
  for (const p of check.problems) s.problems[p.code] = (s.problems[p.code] ?? 0) + 1;
  for (const f of check.fixes) s.fixes[f.code] = (s.fixes[f.code] ?? 0) + 1;
  if (check.problems.length === 0) for (const f of check.flags) s.flags[f.code] = (s.flags[f.code] ?? 0) + 1;
  return s;
}

/** Summarises a set of row outcomes. */
export function summarise(checks: Iterable<RowCheck>): ValidationSummary {
  const s = emptySummary();
  for (const c of checks) addToSummary(s, c);
  return s;
}
