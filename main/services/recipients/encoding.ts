import chardet from 'chardet';
import iconv from 'iconv-lite';

/** Encodings the text reader can decode (a superset of what the writer may produce). */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'iso-8859-1' | (string & {});

/** Result of sniffing the start of a text file. */
export interface EncodingGuess {
  /** Encoding to decode with (an iconv-lite name). */
  readonly encoding: TextEncoding;
  /** Bytes of byte-order mark to skip before decoding (0 when none). */
  readonly bomLength: number;
  /** How the answer was found, shown to the operator next to the override. */
  readonly source: 'bom' | 'utf-8-valid' | 'utf-16-pattern' | 'chardet' | 'fallback' | 'caller';
}

/** How much of a file is looked at for encoding and delimiter detection. */
export const SAMPLE_BYTES = 64 * 1024;

/** Single-byte Western charsets that chardet reports; decoded as Windows-1252, their common superset. */
const WESTERN = new Set(['iso-8859-1', 'windows-1252', 'iso-8859-15', 'iso-8859-9', 'windows-1254']);

/**
 * Normalises an operator- or chardet-supplied encoding name to the iconv-lite spelling.
 * Returns undefined for names iconv-lite cannot decode, so callers can reject them early.
 */
export function normaliseEncodingName(name: string): TextEncoding | undefined {
  const n = name.trim().toLowerCase().replace(/_/g, '-');
  const aliases: Record<string, TextEncoding> = {
    utf8: 'utf-8',
    'utf-8': 'utf-8',
    'utf-16le': 'utf-16le',
    'utf16le': 'utf-16le',
    'utf-16be': 'utf-16be',
    'utf16be': 'utf-16be',
    latin1: 'iso-8859-1',
    'latin-1': 'iso-8859-1',
    'iso-8859-1': 'iso-8859-1',
    'cp1252': 'windows-1252',
    'windows-1252': 'windows-1252',
    ansi: 'windows-1252',
  };
  const found = aliases[n];
  if (found) return found;
  return iconv.encodingExists(n) ? n : undefined;
}

/** Detects a byte-order mark; UTF-32 marks are deliberately not recognised (nobody exports those). */
export function sniffBom(sample: Uint8Array): EncodingGuess | undefined {
  if (sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) {
    return { encoding: 'utf-8', bomLength: 3, source: 'bom' };
  }
  if (sample.length >= 2 && sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2, source: 'bom' };
  if (sample.length >= 2 && sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2, source: 'bom' };
  return undefined;
}

/** True when the bytes are valid UTF-8, ignoring a character cut off at the end of the sample. */
export function isValidUtf8(sample: Uint8Array, truncated: boolean): boolean {
  let end = sample.length;
  if (truncated) {
    // Step back over a possibly incomplete multi-byte sequence at the cut.
    let back = 0;
    while (back < 3 && end - back - 1 >= 0 && (sample[end - back - 1] & 0xc0) === 0x80) back++;
    if (end - back - 1 >= 0 && sample[end - back - 1] >= 0xc0) end = end - back - 1;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** Recognises BOM-less UTF-16 by its zero bytes in every other position (ASCII-heavy text). */
function utf16Pattern(sample: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(sample.length & ~1, 4096);
  if (n < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (sample[i] === 0) evenZeros++;
    if (sample[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > pairs * 0.6 && evenZeros < pairs * 0.1) return 'utf-16le';
  if (evenZeros > pairs * 0.6 && oddZeros < pairs * 0.1) return 'utf-16be';
  return undefined;
}

/**
 * True when a sample looks like binary data rather than text in a single-byte or UTF-8 encoding:
 * NUL bytes or many control characters, which no spreadsheet export contains.
 */
export function looksBinary(sample: Uint8Array): boolean {
  const n = Math.min(sample.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = sample[i];
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  return n > 0 && control / n > 0.02;
}

/**
 * Guesses the encoding of a text file from its first bytes: BOM first, then UTF-8 validity,
 * then the UTF-16 zero pattern, then chardet restricted to what spreadsheet tools actually write.
 * chardet alone is unreliable on short German samples (it says ISO-8859-9 or -2), hence the restriction.
 */
export function detectEncoding(sample: Uint8Array, truncated: boolean): EncodingGuess {
  const bom = sniffBom(sample);
  if (bom) return bom;
  const u16 = utf16Pattern(sample);
  if (u16) return { encoding: u16, bomLength: 0, source: 'utf-16-pattern' };
  if (isValidUtf8(sample, truncated)) return { encoding: 'utf-8', bomLength: 0, source: 'utf-8-valid' };
  const candidates = chardet.analyse(sample);
  for (const c of candidates) {
    const name = c.name.toLowerCase();
    if (WESTERN.has(name)) return { encoding: 'windows-1252', bomLength: 0, source: 'chardet' };
    // Accept a non-Western single-byte guess only when chardet is confident about it.
    if (c.confidence >= 70 && !name.startsWith('utf') && iconv.encodingExists(name)) {
      return { encoding: name, bomLength: 0, source: 'chardet' };
    }
    break;
  }
  return { encoding: 'windows-1252', bomLength: 0, source: 'fallback' };
}
