// The set of addresses already seen in a file, kept as 64-bit fingerprints: a million rows
// fit in a typed array instead of a million strings.

// The e-mail fingerprint: FNV-1a and a multiplicative hash over the UTF-16 units, seeded differently.
const SEED_A = 0x811c9dc5 | 0;
const SEED_B = 0x9e3779b9 | 0;
function mixA(a: number, c: number): number {
  return Math.imul(a ^ c, 0x01000193);
}
function mixB(b: number, c: number): number {
  const m = Math.imul(b ^ c, 0x5bd1e995);
  return m ^ (m >>> 13);
}
/** The second half, finished; never 0 when the first is (0/0 marks an empty slot). */
function finishB(a: number, b: number): number {
  const f = b ^ (b >>> 15);
  return a === 0 && f === 0 ? 1 : f;
}

/** Where {@link plainEmailFingerprint} and {@link fingerprint} put their result: [a, b]. */
export type Fingerprint = Int32Array;

/** The 64-bit fingerprint of a string, as two signed 32-bit halves in `out`. */
export function fingerprint(key: string, out: Fingerprint): void {
  let a = SEED_A;
  let b = SEED_B;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = mixA(a, c);
    b = mixB(b, c);
  }
  out[0] = a;
  out[1] = finishB(a, b);
}

const LOCAL = 1;
const ALNUM = 2;
const ALPHA = 4;
const HYPHEN = 8;
/** Character classes of the ASCII range for {@link plainEmailFingerprint}. */
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[a-z]/i.test(ch)) CLASS[c] = LOCAL | ALNUM | ALPHA;
  else if (/[0-9]/.test(ch)) CLASS[c] = LOCAL | ALNUM;
  else if (ch === '_' || ch === '+') CLASS[c] = LOCAL;
  else if (ch === '-') CLASS[c] = LOCAL | HYPHEN;
}

/**
 * True for a plain address, one validator's isEmail always accepts: a local part of at most 64
 * characters in dot-separated runs of letters, digits and `_+-`; `@`; one or more domain labels of
 * 1–63 letters, digits and inner hyphens, each followed by a dot; an alphabetic top-level domain of
 * 2–63 letters; at most 254 characters in all (validate.test.ts holds it against the same rule as a
 * regular expression). Then `out` holds the fingerprint of the address in lower case, found in the
 * same pass; otherwise `out` is garbage. Everything else is for isEmail to judge.
 */
export function plainEmailFingerprint(v: string, out: Fingerprint): boolean {
  const n = v.length;
  if (n > 254) return false;
  let a = SEED_A;
  let b = SEED_B;
  let i = 0;
  let run = 0;
  for (; i < n; i++) {
    let c = v.charCodeAt(i);
    if (c === 64) break;
    if (c === 46) {
      if (run === 0) return false;
      run = 0;
    } else {
      if (c >= 128 || (CLASS[c] & LOCAL) === 0) return false;
      if (c <= 90 && c >= 65) c |= 32;
      run++;
    }
    a = mixA(a, c);
    b = mixB(b, c);
  }
  if (i === n || run === 0 || i > 64) return false;
  a = mixA(a, 64);
  b = mixB(b, 64);
  let labels = 0;
  let len = 0;
  let alpha = true;
  let first = 0;
  let last = 0;
  for (i++; i < n; i++) {
    let c = v.charCodeAt(i);
    if (c === 46) {
      if (len === 0 || len > 63 || (CLASS[first] & HYPHEN) !== 0 || (CLASS[last] & HYPHEN) !== 0) return false;
      labels++;
      len = 0;
      alpha = true;
    } else {
      if (c >= 128 || (CLASS[c] & (ALNUM | HYPHEN)) === 0) return false;
      if ((CLASS[c] & ALPHA) === 0) alpha = false;
      else if (c <= 90) c |= 32;
      if (len === 0) first = c;
      last = c;
      len++;
    }
    a = mixA(a, c);
    b = mixB(b, c);
  }
  if (labels === 0 || !alpha || len < 2 || len > 63) return false;
  out[0] = a;
  out[1] = finishB(a, b);
  return true;
}

/**
 * A set of strings kept as their 64-bit fingerprints ({@link fingerprint}) in typed arrays (open
 * addressing), not as strings:
 * a million addresses take 16 MB instead of ~100 MB plus garbage-collector time.
 * Two different addresses share a fingerprint with probability ~3e-8 per million rows; such a row
 * would be reported as a duplicate (visible in the rejected file), never sent twice.
 */
export class EmailSeenSet {
  // Fingerprint halves interleaved (slot i at 2i, 2i+1) so a probe touches one cache line. Signed
  // 32-bit throughout: unsigned values above 2^31 are heap numbers in V8, one allocation per key.
  private table: Int32Array;
  private count = 0;
  // hasFingerprint() remembers where it looked, for the addFingerprint() of the same key.
  private lastA = 0;
  private lastB = 0;
  private lastSlot = -1;
  /** What {@link warm} read, kept so the reads are not optimised away. */
  private warmed = 0;

  /** `expected`: roughly how many keys will be added, so the table need not grow step by step. */
  constructor(expected = 0) {
    let slots = 1 << 17;
    while (slots < expected * 2 && slots < 1 << 26) slots <<= 1;
    this.table = new Int32Array(2 * slots);
  }

  /** Number of keys added. */
  get size(): number {
    return this.count;
  }

  private static find(t: Int32Array, a: number, b: number): number {
    const mask = (t.length >> 1) - 1;
    let i = (a ^ Math.imul(b, 0x27d4eb2d)) & mask;
    for (;;) {
      const x = t[2 * i];
      const y = t[2 * i + 1];
      if ((x === 0 && y === 0) || (x === a && y === b)) return i;
      i = (i + 1) & mask;
    }
  }

  /** True when a key with this fingerprint was added. */
  hasFingerprint(a: number, b: number): boolean {
    const t = this.table;
    const i = EmailSeenSet.find(t, a, b);
    this.lastA = a;
    this.lastB = b;
    this.lastSlot = i;
    return t[2 * i] === a && t[2 * i + 1] === b;
  }

  /**
   * Reads the slots of `count` fingerprints (pairs a, b in `fps`) so they are in the CPU cache when
   * a row is checked a moment later. A million-address table is 16 MB: checking row after row
   * waited for one cache miss per address (a sixth of prepare's time); these reads, issued in a
   * tight loop with no dependency between them, wait for many misses at once. Changes nothing.
   */
  warm(fps: Int32Array, count: number): void {
    const t = this.table;
    const mask = (t.length >> 1) - 1;
    let x = 0;
    for (let j = 0; j < 2 * count; j += 2) x ^= t[2 * ((fps[j] ^ Math.imul(fps[j + 1], 0x27d4eb2d)) & mask)];
    this.warmed ^= x;
  }

  /** Adds a fingerprint. */
  addFingerprint(a: number, b: number): void {
    const t = this.table;
    const i = this.lastSlot >= 0 && this.lastA === a && this.lastB === b ? this.lastSlot : EmailSeenSet.find(t, a, b);
    this.lastSlot = -1;
    if (t[2 * i] === a && t[2 * i + 1] === b) return;
    t[2 * i] = a;
    t[2 * i + 1] = b;
    if (++this.count * 4 > t.length) this.grow();
  }

  private grow(): void {
    const old = this.table;
    const t = new Int32Array(old.length * 2);
    for (let j = 0; j < old.length; j += 2) {
      const a = old[j];
      const b = old[j + 1];
      if (a === 0 && b === 0) continue;
      const i = EmailSeenSet.find(t, a, b);
      t[2 * i] = a;
      t[2 * i + 1] = b;
    }
    this.table = t;
  }
}
