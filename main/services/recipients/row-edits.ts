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
      throw new AppError('INVALID_INPUT', `A corrected value names line ${String(o.line)}, which is not a row number. Validate the file again and redo the correction.`, { line: o.line, field: o.field });
    }
    const index = byName.get(o.field);
    if (index === undefined) {
      throw new AppError(
        'INVALID_INPUT',
        `The correction on line ${o.line} is for the field "${o.field}", which is not in this client's master list (${fields.map((f) => f.name).join(', ')}). Validate the file again and redo the correction.`,
        { line: o.line, field: o.field },
      );
    }
    // Typed text can carry a lone surrogate, which no file encoding holds; the row check skips that
    // test for sources that cannot produce one, so catch it here.
    const broken = findUnencodable(o.value, 'utf-8');
    if (broken !== undefined) {
      throw new AppError('INVALID_INPUT', `The corrected ${o.field} on line ${o.line} contains a broken character (${describeChar(broken)}). Type the value again.`, { line: o.line, field: o.field });
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
    `Corrected values name ${missing.length === 1 ? 'line' : 'lines'} ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}, which ${missing.length === 1 ? 'is' : 'are'} not a recipient row of this file (the file may have changed). Validate the file again and redo the corrections.`,
    { lines: missing.slice(0, maxListed) },
  );
}
