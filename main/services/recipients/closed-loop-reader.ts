import { createReadStream } from 'node:fs';
import Papa from 'papaparse';
import { closedLoopTextStream, type ClosedLoopEncoding } from './closed-loop-encoding';

/**
 * Reads the first `n` rows of a closed-loop file (our own dialect, no header), decoded in the
 * encoding it was written in (the client's), through the writer's own codec.
 */
export async function readFirstRows(path: string, n: number, encoding: ClosedLoopEncoding): Promise<string[][]> {
  const rows: string[][] = [];
  const stream = closedLoopTextStream(createReadStream(path), encoding);
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
