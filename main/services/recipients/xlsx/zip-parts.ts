import type { Readable } from 'node:stream';
import { createInflateRaw, type ZlibOptions } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { AppError } from '../../../../shared/contract/result';
import { DamagedPart } from './damaged-part';

/**
 * Zip-bomb limits (found by test/fuzz: a 1.4 MB workbook whose sheet inflates to 1 GB exhausted the
 * heap). Real worksheets deflate about 10:1 (a sheet of repeated values up to about 60:1); Apache POI
 * refuses entries above 100:1, and so do we, once a part is past a size no bomb check needs to
 * bother with. The declared sizes can lie, so yauzl checks them while inflating
 * (`validateEntrySizes`): a part that inflates past its declared size is an error, which makes the
 * declared size a limit we can check before inflating anything.
 */
export const MAX_INFLATE_RATIO = 100;
export const INFLATE_GRACE_BYTES = 16 * 1024 * 1024;

/** One part of an opened workbook package. */
export interface ZipPart {
  /** Path inside the zip, without a leading slash. */
  readonly path: string;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly entry: Entry;
}

/** A workbook package opened through its central directory (no single pass over the file). */
export interface ZipParts {
  readonly parts: ReadonlyMap<string, ZipPart>;
  /**
   * The part's text, decoded from UTF-8 chunk by chunk (a character split between two chunks is
   * kept whole), after the zip-bomb check.
   */
  text(part: ZipPart): AsyncGenerator<string>;
  close(): void;
}

function bombError(path: string, part: ZipPart): AppError {
  return new AppError(
    'UNSUPPORTED_FILE',
    'error.recipients.xlsx.zipBomb',
    { path, part: part.path, ratio: MAX_INFLATE_RATIO, mb: Math.round(part.uncompressedSize / 1048576), kb: Math.ceil(part.compressedSize / 1024) },
    { path, part: part.path, compressedSize: part.compressedSize, reason: 'zip-bomb' },
  );
}

/** A part that unpacks to more bytes than its directory states (`bytes` null: it is still unpacking) or to fewer. */
function sizeError(path: string, part: ZipPart, bytes: number | null): AppError {
  return bytes === null
    ? new AppError('UNSUPPORTED_FILE', 'error.recipients.xlsx.partTooBig', { path, part: part.path, stated: part.uncompressedSize }, { path, part: part.path })
    : new AppError('UNSUPPORTED_FILE', 'error.recipients.xlsx.partSize', { path, part: part.path, bytes, stated: part.uncompressedSize }, { path, part: part.path });
}

/** Zip paths are compared without a leading slash and with forward slashes (some writers differ). */
function normalisePath(raw: Buffer): string {
  return raw.toString('utf8').replace(/\\/g, '/').replace(/^\/+/, '');
}

/**
 * Opens the zip at `path` with yauzl: reads the central directory only; parts are inflated on
 * demand with Node's zlib (on the libuv thread pool, so inflating overlaps with parsing).
 */
export async function openZipParts(path: string): Promise<ZipParts> {
  // decodeStrings off: yauzl would refuse the whole file for one odd entry name ("../x", "C:\x")
  // in a part we never read.
  const zip = await new Promise<ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  const parts = new Map<string, ZipPart>();
  const duplicates = new Set<string>();
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: Entry) => {
        const raw = entry.fileName as unknown as Buffer;
        const name = normalisePath(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw), 'utf8'));
        if (!name.endsWith('/')) {
          if (parts.has(name)) duplicates.add(name);
          parts.set(name, { path: name, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize, entry });
        }
        zip.readEntry();
      });
      zip.once('end', () => resolve());
      zip.once('error', reject);
      zip.readEntry();
    });
  } catch (e) {
    zip.close();
    throw e;
  }
  zip.on('error', () => undefined);

  async function* text(part: ZipPart): AsyncGenerator<string> {
    // Two parts of one name: which one Excel would read is anyone's guess.
    if (duplicates.has(part.path)) throw new DamagedPart('duplicate-part', `it holds two parts named ${part.path}`, { part: part.path });
    if (part.uncompressedSize > INFLATE_GRACE_BYTES && part.uncompressedSize > MAX_INFLATE_RATIO * part.compressedSize) throw bombError(path, part);
    // Deflated parts are inflated here rather than by yauzl: with yauzl's inflater (zlib's 16 KB
    // output, one buffered chunk) the parser waited for it 0.45 s of 1.5 s on the 200k-row sheet.
    // 64 KB chunks with 1 MB read ahead keep it fed; bigger chunks were no faster and kept more
    // dead buffers around between collections.
    const deflated = part.entry.compressionMethod === 8;
    const source = await new Promise<Readable>((resolve, reject) =>
      zip.openReadStream(part.entry, { decompress: deflated ? false : null }, (err, s) => (err ? reject(err) : resolve(s))),
    );
    const stream: Readable = deflated ? source.pipe(createInflateRaw({ chunkSize: 64 * 1024, readableHighWaterMark: 1024 * 1024 } as ZlibOptions)) : source;
    if (deflated) source.on('error', (e) => stream.destroy(e));
    const decoder = new TextDecoder('utf-8');
    let bytes = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        // The declared size is what the bomb check above trusted: more is a lie, so stop here.
        if (bytes > part.uncompressedSize) throw sizeError(path, part, null);
        const s = decoder.decode(chunk, { stream: true });
        if (s.length > 0) yield s;
      }
      if (bytes !== part.uncompressedSize) throw sizeError(path, part, bytes);
      const rest = decoder.decode();
      if (rest.length > 0) yield rest;
    } finally {
      stream.destroy();
      source.destroy();
    }
  }

  return { parts, text, close: () => zip.close() };
}
