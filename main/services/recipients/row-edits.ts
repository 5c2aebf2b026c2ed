import type { MasterField } from '../../../shared/contract/profiles';
import type { RowEdits } from '../../../shared/contract/recipients';
import { AppError } from '../../../shared/contract/result';
import { describeChar, findUnencodable } from './closed-loop-writer';

export type { RowEdits, ValueOverride } from '../../../shared/contract/recipients';

/** Compiled edits: overrides by line (field index → value) and excluded lines, O(1) per row. */
export interface CompiledEdits {
  readonly overrides: ReadonlyMap<number, ReadonlyMap<number, string>>;
  readonly excluded: ReadonlySet<number>;
}

/** Checks the edits against the field list and indexes them by line; unknown fields are INVALID_INPUT. */
export function compileEdits(edits: RowEdits | undefined, fields: readonly MasterField[]): CompiledEdits {
  const byName = new Map(fields.map((f, i) => [f.name, i]));
  const overrides = new Map<number, Map<number, string>>();
  for (const o of edits?.overrides ?? []) {
    if (!Number.isSafeInteger(o.line) || o.line < 1) {
      throw new AppError('INVALID_INPUT', 'error.recipients.edits.notARow', { line: String(o.line) }, { line: o.line, field: o.field });
    }
    const index = byName.get(o.field);
    if (index === undefined) {
      throw new AppError(
        'INVALID_INPUT',
        'error.recipients.edits.unknownField',
        { line: o.line, field: o.field, fields: fields.map((f) => f.name).join(', ') },
        { line: o.line, field: o.field },
      );
    }
    // Typed text can carry a lone surrogate, which no file encoding holds; the row check skips that
    // test for sources that cannot produce one, so catch it here.
    const broken = findUnencodable(o.value, 'utf-8');
    if (broken !== undefined) {
      throw new AppError('INVALID_INPUT', 'error.recipients.edits.brokenCharacter', { field: o.field, line: o.line, char: describeChar(broken) }, { line: o.line, field: o.field });
    }
    let row = overrides.get(o.line);
    if (!row) overrides.set(o.line, (row = new Map()));
    row.set(index, o.value);
  }
  return { overrides, excluded: new Set(edits?.excludedLines ?? []) };
}

/**
 * Refuses corrections for lines the file does not have (it changed since the operator made
 * them): a correction silently dropped would send the value the operator fixed.
 */
export function refuseUnusedOverrides(edits: CompiledEdits, usedLines: ReadonlySet<number>, maxListed: number): void {
  if (usedLines.size >= edits.overrides.size) return;
  const missing = [...edits.overrides.keys()].filter((l) => !usedLines.has(l)).sort((a, b) => a - b);
  throw new AppError(
    'INVALID_INPUT',
    'error.recipients.edits.notInFile',
    { count: missing.length, lines: missing.slice(0, 10).join(', ') + (missing.length > 10 ? ', …' : '') },
    { lines: missing.slice(0, maxListed) },
  );
}
