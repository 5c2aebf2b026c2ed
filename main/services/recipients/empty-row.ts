/**
 * True for a row that holds nothing but blanks; such rows are skipped (and counted), by the reader
 * and by the parallel prepare's own reading of the file (parallel-subscribers.ts).
 */
export function isEmptyRow(values: readonly string[]): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== '' && v.trim() !== '') return false;
  }
  return true;
}
