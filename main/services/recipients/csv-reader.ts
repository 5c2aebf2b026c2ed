import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { CsvSplitter } from './csv-splitter';
import type { RawBatch, SheetRow, TextChunk } from './types';

/** What the CSV reader needs to know to stream a file. */
export interface CsvSourceOptions {
  readonly encoding: string;
  readonly bomLength: number;
  readonly delimiter: string;
  /** Rows per yielded batch. */
  readonly batchSize?: number;
}


/** A streaming decoder: characters split across pieces come out whole. */
interface StreamDecoder {
  write(bytes: Buffer): string;
  end(): string | undefined;
}

/** Windows-1252's characters for the bytes 0x80–0x9F, from iconv-lite's own table (U+FFFD for the five bytes the code page leaves undefined). */
const CP1252_C1 = iconv.decode(Buffer.from(Array.from({ length: 32 }, (_, i) => 0x80 + i)), 'windows-1252');
const C1 = /[\x80-\x9f]/;
const C1_ALL = /[\x80-\x9f]/g;

/**
 * Windows-1252 as iconv-lite decodes it, five times faster: every byte is its Latin-1 character
 * (Node decodes that natively) except 0x80–0x9F, which are looked up where a piece has them
 * (€, „, “, – in German text). Node's TextDecoder cannot do it: it decodes this label as Latin-1.
 */
function windows1252(bytes: Buffer): string {
  const text = bytes.toString('latin1');
  return C1.test(text) ? text.replace(C1_ALL, (c) => CP1252_C1[c.charCodeAt(0) - 0x80]) : text;
}

/**
 * The decoder of a file's text: the platform's TextDecoder for UTF-8 (a third faster than
 * iconv-lite's, which wraps Node's StringDecoder; a BOM in the text is kept, as the caller skips
 * the file's own), Node's own Latin-1 for the single-byte Western charsets (one byte is one
 * character, so no state between pieces), iconv-lite's streaming decoder for everything else.
 */
function streamDecoder(encoding: string): StreamDecoder {
  if (encoding === 'windows-1252') return { write: windows1252, end: () => undefined };
  if (encoding === 'iso-8859-1') return { write: (bytes) => bytes.toString('latin1'), end: () => undefined };
  if (encoding !== 'utf-8') return iconv.getDecoder(encoding, { stripBOM: false });
  const d = new TextDecoder('utf-8', { ignoreBOM: true });
  return { write: (bytes) => d.decode(bytes, { stream: true }), end: () => d.decode() };
}

/** Bytes of one read of the file. */
const PIECE_BYTES = 64 * 1024;
/**
 * Reads kept in flight ahead of the decoder. With one (a file stream's 64 KB high-water mark),
 * the reader waited for every next piece: 160–250 ms of a million-row prepare sat idle.
 */
const READS_AHEAD = 4;

/**
 * Reads and decodes a text file in 64 KB pieces (a streaming decoder, so multi-byte characters
 * split across pieces stay intact), with {@link READS_AHEAD} reads in flight so the next piece is
 * there when the consumer wants it. Nothing more is read while the consumer does not pull. The text
 * is the same however the file comes in pieces, so two readers of one file agree on character
 * offsets.
 */
export async function* decodedChunks(path: string, opts: { readonly encoding: string; readonly bomLength: number }): AsyncGenerator<TextChunk> {
  const file = await open(path, 'r');
  const decoder = streamDecoder(opts.encoding);
  // Each read has its own buffer, used again once its piece is decoded (decoding copies it).
  let reads: Promise<{ bytesRead: number; buffer: Buffer }>[] = [];
  let position = opts.bomLength;
  let bytesRead = opts.bomLength;
  const readNext = (buffer: Buffer): void => {
    reads.push(file.read(buffer, 0, PIECE_BYTES, position));
    position += PIECE_BYTES;
  };
  try {
    for (let i = 0; i < READS_AHEAD; i++) readNext(Buffer.allocUnsafe(PIECE_BYTES));
    for (;;) {
      const piece = await reads.shift()!;
      if (piece.bytesRead === 0) break;
      bytesRead += piece.bytesRead;
      const text = decoder.write(piece.buffer.subarray(0, piece.bytesRead));
      if (piece.bytesRead < PIECE_BYTES) {
        // A short read (the end, or a file that changed): the reads after it start over from here.
        await Promise.allSettled(reads);
        reads = [];
        position = bytesRead;
      }
      readNext(piece.buffer);
      if (text) yield { text, bytesRead };
    }
    const rest = decoder.end();
    if (rest) yield { text: rest, bytesRead };
  } finally {
    // Reads still in flight finish before the file closes (their errors no longer matter).
    await Promise.allSettled(reads);
    await file.close();
  }
}

/** How {@link splitTexts} cuts decoded text into records. */
export interface SplitOptions {
  readonly delimiter: string;
  /** File name for error messages. */
  readonly source?: string;
  /** Rows per yielded batch. */
  readonly batchSize?: number;
}

/** Splits decoded text into numbered records (see {@link CsvSplitter}), in batches. */
export async function* splitTexts(texts: AsyncIterable<TextChunk>, opts: SplitOptions): AsyncGenerator<RawBatch> {
  const batchSize = opts.batchSize ?? 256;
  const splitter = new CsvSplitter(opts.delimiter, { source: opts.source });
  let line = 0;
  let bytesRead = 0;
  let current: SheetRow[] = [];
  const ready: SheetRow[][] = [];
  // Every row has all four properties (one object shape for the hot loops downstream).
  const onRecord = (values: string[], start?: number, end?: number): void => {
    current.push({ line: ++line, values, start, end });
    if (current.length >= batchSize) {
      ready.push(current);
      current = [];
    }
  };
  for await (const chunk of texts) {
    bytesRead = chunk.bytesRead;
    splitter.push(chunk.text, onRecord);
    while (ready.length > 0) yield { rows: ready.shift()!, bytesRead };
  }
  splitter.end(onRecord);
  if (current.length > 0) ready.push(current);
  current = [];
  while (ready.length > 0) yield { rows: ready.shift()!, bytesRead };
}

/**
 * Streams a CSV/TXT file as batches of records: bytes → iconv-lite decoder → {@link CsvSplitter}
 * (papaparse's records, with a fast path for lines without quotes). Strings, not Buffers, go into
 * the splitter, so multi-byte characters split across chunks stay intact. Pulling the file with
 * `for await` applies back-pressure for free: nothing is read ahead of the consumer.
 */
export function csvBatches(path: string, opts: CsvSourceOptions): AsyncGenerator<RawBatch> {
  return splitTexts(decodedChunks(path, opts), { delimiter: opts.delimiter, source: path, batchSize: opts.batchSize });
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
