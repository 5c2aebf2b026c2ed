import type { Readable } from 'node:stream';
import Papa from 'papaparse';
import { closedLoopTextStream, type ClosedLoopEncoding } from '../recipients/closed-loop-encoding';

/**
 * Reads a closed-loop file Loopdesk wrote (an archived upload, as `openArchived` unpacks it) row by
 * row, decoded in the client's encoding with the writer's own codec. Papaparse alone decodes each
 * stream piece on its own as UTF-8: Latin-1 and Windows-1252 names came out garbled, and a UTF-8
 * character split between two pieces became two U+FFFD (issue #10, item 2).
 * Resolves once the whole file is read; rejects with the stream's or the parser's error.
 */
export function forEachArchivedRow(bytes: Readable, encoding: ClosedLoopEncoding, step: (values: string[]) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(closedLoopTextStream(bytes, encoding) as never, {
      delimiter: ';',
      quoteChar: '"',
      step: (r) => step(r.data),
      complete: () => resolve(),
      error: (e: Error) => reject(e),
    });
  });
}
