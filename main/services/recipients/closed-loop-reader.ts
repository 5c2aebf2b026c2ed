import { createReadStream } from 'node:fs';
import Papa from 'papaparse';

/** Reads the first `n` rows of a closed-loop file (our own dialect, no header). */
export async function readFirstRows(path: string, n: number, encoding: string): Promise<string[][]> {
  const rows: string[][] = [];
  const stream = createReadStream(path, { encoding: encoding === 'utf-8' ? 'utf8' : 'latin1' });
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(stream as never, {
      delimiter: ';',
      quoteChar: '"',
      step: (result, parser) => {
        rows.push(result.data);
        if (rows.length >= n) {
          parser.abort();
        }
      },
      complete: () => resolve(),
      error: (e: Error) => reject(e),
    });
  });
  stream.destroy();
  return rows;
}
