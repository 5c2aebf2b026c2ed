/**
 * True for a row that holds nothing but blanks; such rows are skipped (and counted).
 * In its own module so the prepare worker can skip the same rows without loading the xlsx reader.
 */
export function isEmptyRow(values: readonly string[]): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== '' && v.trim() !== '') return false;
  }
  return true;
}
