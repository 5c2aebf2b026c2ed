import { createReadStream } from 'node:fs';
import iconv from 'iconv-lite';
import { CsvSplitter } from './csv-splitter';
import type { RawBatch, SheetRow } from './types';

/** What the CSV reader needs to know to stream a file. */
export interface CsvSourceOptions {
  readonly encoding: string;
  readonly bomLength: number;
  readonly delimiter: string;
  /** Rows per yielded batch. */
  readonly batchSize?: number;
}

/**
 * Streams a CSV/TXT file as batches of records: bytes → iconv-lite decoder → {@link CsvSplitter}
 * (papaparse's records, with a fast path for lines without quotes). Strings, not Buffers, go into
 * the splitter, so multi-byte characters split across chunks stay intact. Pulling the file with
 * `for await` applies back-pressure for free: nothing is read ahead of the consumer.
 */
export async function* csvBatches(path: string, opts: CsvSourceOptions): AsyncGenerator<RawBatch> {
  const batchSize = opts.batchSize ?? 1024;
  const file = createReadStream(path, { start: opts.bomLength, highWaterMark: 64 * 1024 });
  const decoder = iconv.getDecoder(opts.encoding, { stripBOM: false });
  const splitter = new CsvSplitter(opts.delimiter, { source: path });
  let bytesRead = opts.bomLength;
  let line = 0;
  let current: SheetRow[] = [];
  const ready: SheetRow[][] = [];
  const onRecord = (values: string[]): void => {
    current.push({ line: ++line, values });
    if (current.length >= batchSize) {
      ready.push(current);
      current = [];
    }
  };
  try {
    for await (const chunk of file) {
      bytesRead += (chunk as Buffer).length;
      splitter.push(decoder.write(chunk as Buffer), onRecord);
      while (ready.length > 0) yield { rows: ready.shift()!, bytesRead };
    }
    const rest = decoder.end();
    if (rest) splitter.push(rest, onRecord);
    splitter.end(onRecord);
    if (current.length > 0) ready.push(current);
    current = [];
    while (ready.length > 0) yield { rows: ready.shift()!, bytesRead };
  } finally {
    file.destroy();
  }
}

/** Reads up to `maxBytes` from the start of a file (for sniffing encoding and separator). */
export async function readHead(path: string, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const stream = createReadStream(path, { start: 0, end: maxBytes - 1 });
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    total += (chunk as Buffer).length;
  }
  return Buffer.concat(chunks, total);
}
