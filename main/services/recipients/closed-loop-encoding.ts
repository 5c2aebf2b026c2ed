import { pipeline, Transform, type Readable } from 'node:stream';
import iconv from 'iconv-lite';

/**
 * The one place that turns closed-loop text into bytes and back (interpretation.md: UTF-8 without
 * BOM, ISO-8859-1 or Windows-1252 per client). The writer encodes with it; everything that reads a
 * file Loopdesk wrote (the check step's sample, test sends, resend drafts from the archive) decodes
 * with it, so a file is always read back in the encoding it was written in. Reading a Windows-1252
 * file as Latin-1 turned € „ “ – into C1 control characters (issue #10, item 1).
 */

/** Encodings a closed-loop file may be written in (the contract's FileEncoding). */
export type ClosedLoopEncoding = 'utf-8' | 'iso-8859-1' | 'windows-1252';

/** Encodes closed-loop text; callers check {@link findUnencodable} first (iconv-lite writes `?` silently). */
export function encodeClosedLoopText(text: string, encoding: ClosedLoopEncoding): Buffer {
  if (encoding !== 'utf-8') return iconv.encode(text, encoding);
  // One pass into a worst-case buffer instead of Buffer.from's measuring pass plus writing pass.
  const buf = Buffer.allocUnsafe(text.length * 3);
  return buf.subarray(0, buf.write(text, 0, 'utf8'));
}

/** Decodes a whole closed-loop file (or a complete piece of one). */
export function decodeClosedLoopText(bytes: Uint8Array, encoding: ClosedLoopEncoding): string {
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding);
}

/**
 * A decoder for a file read in pieces: a UTF-8 character split between two pieces comes out whole
 * (Buffer#toString per piece would make two U+FFFD of it).
 */
export interface ClosedLoopDecoder {
  /** The text of this piece, without the bytes of a character it ends in the middle of. */
  write(bytes: Buffer): string;
  /** What is left at the end of the file. */
  end(): string;
}

/** A streaming-safe decoder for one of the three encodings. */
export function closedLoopDecoder(encoding: ClosedLoopEncoding): ClosedLoopDecoder {
  const d = iconv.getDecoder(encoding);
  return { write: (bytes) => d.write(bytes), end: () => d.end() ?? '' };
}

/**
 * The text of a byte stream (a file, an archive being unpacked) as a stream of strings, decoded with
 * {@link closedLoopDecoder}. An error of the source is passed on (papaparse reports it), and the
 * source is closed when the text stream is destroyed early.
 */
export function closedLoopTextStream(source: Readable, encoding: ClosedLoopEncoding): Readable {
  const decoder = closedLoopDecoder(encoding);
  const text = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _enc, done) {
      const s = decoder.write(chunk);
      if (s !== '') this.push(s);
      done();
    },
    flush(done) {
      const s = decoder.end();
      if (s !== '') this.push(s);
      done();
    },
  });
  pipeline(source, text, () => undefined);
  return text;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex -- the ASCII range starts at \x00 on purpose
const NON_ASCII = /[^\x00-\x7f]/;
const ANY_SURROGATE = /[\uD800-\uDFFF]/;

/**
 * A character class of everything a single-byte charset can hold, derived from iconv-lite by
 * decoding every byte and keeping what encodes back to the same byte (so it matches iconv-lite's
 * round trip exactly, e.g. Windows-1252's € but not its five unassigned bytes).
 */
function unencodablePattern(encoding: 'iso-8859-1' | 'windows-1252'): RegExp {
  let cls = '';
  for (let b = 0; b < 256; b++) {
    const ch = iconv.decode(Buffer.from([b]), encoding);
    if (ch.length !== 1 || ch === '\uFFFD') continue;
    const back = iconv.encode(ch, encoding);
    if (back.length === 1 && back[0] === b) cls += '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0');
  }
  return new RegExp(`[^${cls}]`, 'u');
}

const UNENCODABLE: Record<'iso-8859-1' | 'windows-1252', RegExp> = {
  'iso-8859-1': unencodablePattern('iso-8859-1'),
  'windows-1252': unencodablePattern('windows-1252'),
};

/**
 * Returns the first character of `text` the target encoding cannot hold, or undefined.
 * iconv-lite itself would silently write `?` for it; for UTF-8 only lone surrogates qualify.
 */
export function findUnencodable(text: string, encoding: ClosedLoopEncoding): string | undefined {
  if (encoding === 'utf-8') {
    // Most text has no surrogates at all; the lookbehind regex is only needed when it does.
    if (!ANY_SURROGATE.test(text)) return undefined;
    const m = LONE_SURROGATE.exec(text);
    return m ? m[0] : undefined;
  }
  if (!NON_ASCII.test(text)) return undefined;
  const m = UNENCODABLE[encoding].exec(text);
  return m ? m[0] : undefined;
}

/** Describes a character for an operator: the glyph and its code point. */
export function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return `"${ch}" (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
}
