import type { MasterField } from '../../../shared/contract/profiles';
import { AppError } from '../../../shared/contract/result';
import { rebaseMapping, suggestMapping, type FieldMapping } from './mapping';

/** Puts a mapping into field order, filling unmapped fields with their defaults. */
function orderMapping(fields: readonly MasterField[], given: readonly FieldMapping[], headers: readonly string[]): FieldMapping[] {
  const suggested = suggestMapping([], fields);
  return fields.map((f, i) => {
    const m = given.find((g) => g.field === f.name) ?? suggested[i];
    if (m.source.kind === 'column' && (m.source.column < 0 || m.source.column >= headers.length)) {
      throw new AppError('INVALID_INPUT', 'error.recipients.mapping.column', { field: f.name, column: m.source.column + 1, columns: headers.length });
    }
    return { field: f.name, source: m.source };
  });
}

/**
 * The mapping a preparation runs with, one entry per field in upload order: the operator's
 * confirmed one (moved to where its columns are in this file) or the one suggested from the
 * headers. Refuses a mapping that leaves a required field without a source.
 */
export function mappingForFile(fields: readonly MasterField[], confirmed: readonly FieldMapping[] | undefined, headers: readonly string[]): FieldMapping[] {
  const mapping = confirmed ? orderMapping(fields, rebaseMapping(confirmed, headers), headers) : suggestMapping(headers, fields);
  const unmapped = fields.filter((f, i) => f.required && mapping[i].source.kind === 'none');
  if (unmapped.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      'error.recipients.mapping.required',
      { count: unmapped.length, fields: unmapped.map((f) => f.name).join(', ') },
      { fields: unmapped.map((f) => f.name), headers },
    );
  }
  return mapping;
}
