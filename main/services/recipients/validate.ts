import validator from 'validator';
import type { LineBreakPolicy, MasterField } from '../../../shared/contract/profiles';
import type { ExcludedRow, FixCode, FlaggedValue, FlagCode, ProblemCode, RowProblem, TidiedValue } from '../../../shared/contract/recipients';
import { describeChar, findUnencodable, type ClosedLoopEncoding } from './closed-loop-encoding';
import { isEmailField } from './mapping';

export type { ExcludedRow, FixCode, FlagCode, ProblemCode, RowProblem } from '../../../shared/contract/recipients';

/** One automatic correction, reported so the operator knows the file was touched. */
export type RowFix = TidiedValue & { readonly message: string };

/** One risky value (see {@link FlagCode}). */
export type RowFlag = FlaggedValue;

/**
 * A copy of a string that shares no memory with the text it was cut from. Values and messages are
 * slices of a whole 64 KB read chunk; keeping 1000 listed rows as slices kept 1000 chunks alive
 * (over 100 MB for a big file).
 */
export function detachString(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf16le').toString('utf16le');
}

/** A listed excluded row, detached from the read buffers (see {@link detachString}). */
export function listedRow(line: number, reasons: readonly RowProblem[], values: readonly string[]): ExcludedRow {
  return {
    line,
    reasons: reasons.map((p) => ({ line: p.line, field: p.field, code: p.code, message: detachString(p.message) })),
    values: values.map(detachString),
  };
}

/** The outcome for one row: the (possibly fixed) values, problems, fixes and flags. */
export interface RowCheck {
  readonly line: number;
  readonly values: string[];
  readonly problems: RowProblem[];
  readonly fixes: RowFix[];
  readonly flags: RowFlag[];
}

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

/** What the checks need besides the row itself. */
export interface ValidateOptions {
  /** Target encoding of the file; values it cannot hold are problems. */
  readonly encoding: ClosedLoopEncoding;
  /** Suppression-list lookup by lower-cased address; returns the reason when suppressed. */
  readonly suppressed?: (email: string) => string | undefined;
  /** Lower-cased addresses of earlier valid rows; valid rows are added to it. */
  readonly seenEmails: EmailSeenSet;
  /**
   * For UTF-8 output: look for lone surrogates (the only thing UTF-8 cannot hold). Default true;
   * `prepare` turns it off for sources that cannot produce them (UTF-8/Latin CSV, xlsx), because
   * it costs a scan of every value and the writer checks every chunk anyway.
   */
  readonly checkSurrogates?: boolean;
  /**
   * The client's `lineBreaks` setting for a CR/LF inside a value: `space` replaces each run of
   * them by one space (a fix), `reject` makes it a problem, `keep` (default here) leaves it to
   * the writer, which quotes it. Every value with a line break is also flagged.
   */
  readonly lineBreaks?: LineBreakPolicy;
}

/** A plain number or telephone number after a leading + or -: what a spreadsheet shows as it is. */
const SIGNED_NUMBER = /^[+-]\s?\d[\d\s.,()/-]*$/;

/**
 * True for a value a spreadsheet would run as a formula when the file (or a report of it) is
 * opened: it starts with `=`, or with `+`, `-` or `@` and is not a plain (telephone) number
 * such as `+49 30 1234-56` or `-3,5` (OWASP "CSV injection").
 */
export function looksLikeFormula(v: string): boolean {
  const c = v.charCodeAt(0);
  if (c === 61) return v.length > 1;
  if (c === 64) return v.length > 1;
  if (c === 43 || c === 45) return v.length > 1 && !SIGNED_NUMBER.test(v);
  return false;
}

const LINE_BREAK_RUN = /[\r\n]+/g;

/** True when a value holds a CR or LF. */
export function hasLineBreak(v: string): boolean {
  return v.indexOf('\n') !== -1 || v.indexOf('\r') !== -1;
}

/** A value with each run of CR/LF replaced by one space (the `space` policy). */
export function lineBreaksToSpace(v: string): string {
  return v.replace(LINE_BREAK_RUN, ' ');
}

const INT64_MAX = 9223372036854775807n;
const DIGITS = /^\d+$/;
/** The characters String.prototype.trim removes, tested by code (a regex per value is too slow). */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
const MAYBE_SURROGATE = /[\uD800-\uDFFF]/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const GERMAN_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

function validDate(y: number, m: number, d: number, hh = 0, mm = 0, ss = 0): boolean {
  if (m < 1 || m > 12 || d < 1 || hh > 23 || mm > 59 || ss > 59) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** Counts characters as the database does (code points, so an emoji is one, not two). */
export function charLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

/** True for an absolute http(s) URL with a host. */
export function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && !/\s/.test(v);
  } catch {
    return false;
  }
}

const NO_PROBLEMS: RowProblem[] = [];
const NO_FIXES: RowFix[] = [];
const NO_FLAGS: RowFlag[] = [];

function withProblem(list: RowProblem[], line: number, field: string, code: ProblemCode, message: string): RowProblem[] {
  const out = list === NO_PROBLEMS ? [] : list;
  out.push({ line, field, code, message });
  return out;
}

const SCRATCH: Fingerprint = new Int32Array(2);

/** validator's isEmail (default options), for what is not a plain address. */
function isEmailByValidator(v: string): boolean {
  try {
    return validator.isEmail(v);
  } catch {
    // isEmail throws URIError on a lone surrogate (encodeURI inside); such text is no address.
    return false;
  }
}

/** validator's isEmail (default options), with a fast path for plain addresses. */
export function isEmailAddress(v: string): boolean {
  return plainEmailFingerprint(v, SCRATCH) || isEmailByValidator(v);
}

/**
 * A row checker compiled for one field list, for the hot loop of a big file.
 * It may change the array it is given (fixes are written into it); pass a copy to keep the original.
 */
export type RowValidator = (values: readonly string[], line: number) => RowCheck;

/**
 * Builds the checker for a field list: e-mail syntax (validator's isEmail after trimming) and
 * duplicates (case-insensitive), required fields, Varchar(n) length in characters, Bigint as
 * decimal digits in the signed 64-bit range (BigInt, never Number), http(s) URLs, dates, values
 * the target encoding cannot hold, and suppression-list hits.
 */
export function compileValidator(fields: readonly MasterField[], opts: ValidateOptions): RowValidator {
  const emailIndex = fields.findIndex((f) => isEmailField(f.name));
  const enc = opts.encoding;
  const n = fields.length;
  const checkSurrogates = opts.checkSurrogates !== false;
  const lineBreaks = opts.lineBreaks ?? 'keep';
  const seen = opts.seenEmails;
  const suppressed = opts.suppressed;
  const fp: Fingerprint = new Int32Array(2);
  // The last value of each field that passed its checks: sources repeat values a lot (the mailing
  // ID, salutations, cities), and a repeat needs no second look. Not used for the e-mail field,
  // whose duplicate and suppression checks depend on more than the value.
  const lastGood: (string | undefined)[] = new Array<string | undefined>(n).fill(undefined);
  // No closures or arrays per row unless a row has a problem: this runs a million times.
  return (input, line) => {
    const values = input.length === n ? (input as string[]) : input.slice(0, n);
    while (values.length < n) values.push('');
    let problems: RowProblem[] = NO_PROBLEMS;
    let fixes: RowFix[] = NO_FIXES;
    let flags: RowFlag[] = NO_FLAGS;
    let hasEmail = false;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      let v = values[i];
      const trimmable = i === emailIndex || f.type !== 'Varchar';
      if (trimmable && v !== '' && (isSpace(v.charCodeAt(0)) || isSpace(v.charCodeAt(v.length - 1)))) {
        const t = v.trim();
        if (t !== v) {
          if (fixes === NO_FIXES) fixes = [];
          fixes.push({ line, field: f.name, code: 'TRIMMED', message: `${f.name}: spaces around the value removed`, before: v, after: t });
          v = t;
          values[i] = t;
        }
      }
      if (v === '') {
        if (f.required) problems = withProblem(problems, line, f.name, 'REQUIRED', `${f.name} is empty but required`);
        continue;
      }
      // Before the repeat check below: every row with such a value is flagged, not only the first.
      if (hasLineBreak(v)) {
        if (flags === NO_FLAGS) flags = [];
        flags.push({ line, field: f.name, code: 'LINE_BREAK', value: v });
        if (lineBreaks === 'reject') {
          problems = withProblem(problems, line, f.name, 'LINE_BREAK', `${f.name} contains a line break, which would split the record on the server (client setting: reject)`);
        } else if (lineBreaks === 'space') {
          const spaced = lineBreaksToSpace(v);
          if (fixes === NO_FIXES) fixes = [];
          fixes.push({ line, field: f.name, code: 'LINE_BREAK_REPLACED', message: `${f.name}: line break replaced by a space`, before: v, after: spaced });
          v = spaced;
          values[i] = spaced;
        }
      }
      if (looksLikeFormula(v)) {
        if (flags === NO_FLAGS) flags = [];
        flags.push({ line, field: f.name, code: 'FORMULA', value: v });
      }
      if (v === lastGood[i]) continue;
      const before = problems.length;
      const bad = enc === 'utf-8' && (!checkSurrogates || !MAYBE_SURROGATE.test(v)) ? undefined : findUnencodable(v, enc);
      if (bad !== undefined) {
        problems = withProblem(problems, line, f.name, 'UNENCODABLE', `${f.name} contains ${describeChar(bad)}, which ${enc.toUpperCase()} cannot hold`);
      }
      switch (f.type) {
        case 'Varchar': {
          const max = f.length ?? 255;
          if (v.length > max) {
            const n = charLength(v);
            if (n > max) problems = withProblem(problems, line, f.name, 'TOO_LONG', `${f.name} has ${n} characters; at most ${max} are allowed`);
          }
          break;
        }
        case 'Bigint':
          if (!DIGITS.test(v)) problems = withProblem(problems, line, f.name, 'NOT_A_NUMBER', `${f.name} "${v.slice(0, 40)}" must be a whole number (digits only)`);
          else if (v.length >= 19 && BigInt(v) > INT64_MAX) problems = withProblem(problems, line, f.name, 'OUT_OF_RANGE', `${f.name} ${v.slice(0, 40)} is larger than a 64-bit number allows`);
          break;
        case 'URL':
          if (!isHttpUrl(v)) problems = withProblem(problems, line, f.name, 'INVALID_URL', `${f.name} "${v.slice(0, 80)}" is not an http(s) address`);
          break;
        case 'Date': {
          let m = ISO_DATE.exec(v);
          if (m) {
            if (!validDate(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0))) problems = withProblem(problems, line, f.name, 'INVALID_DATE', `${f.name} "${v}" is not a real date`);
            break;
          }
          m = GERMAN_DATE.exec(v);
          if (m && validDate(+m[3], +m[2], +m[1], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0))) {
            const iso =
              `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}` +
              (m[4] !== undefined ? ` ${m[4].padStart(2, '0')}:${m[5]}:${m[6] ?? '00'}` : '');
            values[i] = iso;
            if (fixes === NO_FIXES) fixes = [];
            fixes.push({ line, field: f.name, code: 'DATE_NORMALISED', message: `${f.name}: ${v} written as ${iso}`, before: v, after: iso });
          } else {
            problems = withProblem(problems, line, f.name, 'INVALID_DATE', `${f.name} "${v.slice(0, 40)}" is not a date (use YYYY-MM-DD)`);
          }
          break;
        }
      }
      if (i === emailIndex) {
        // A plain address is checked and fingerprinted in one pass; others go to isEmail.
        const plain = plainEmailFingerprint(v, fp);
        if (!plain && !isEmailByValidator(v)) {
          problems = withProblem(problems, line, f.name, 'INVALID_EMAIL', `"${v.slice(0, 80)}" is not a valid e-mail address`);
        } else {
          if (!plain) fingerprint(v.toLowerCase(), fp);
          hasEmail = true;
          if (seen.hasFingerprint(fp[0], fp[1])) problems = withProblem(problems, line, f.name, 'DUPLICATE_EMAIL', `${v} appears more than once; only its first valid row is sent`);
          const reason = suppressed?.(v.toLowerCase());
          if (reason !== undefined) problems = withProblem(problems, line, f.name, 'SUPPRESSED', `${v} is on the suppression list (${reason})`);
        }
      } else if (problems.length === before && values[i] === v) {
        lastGood[i] = v;
      }
    }
    if (problems.length === 0 && hasEmail) seen.addFingerprint(fp[0], fp[1]);
    return { line, values, problems, fixes, flags };
  };
}

/**
 * Checks one mapped row (values in field order). Pure apart from adding a valid row's address to
 * `seenEmails`, which is how later duplicates are recognised.
 */
export function validateRow(values: readonly string[], fields: readonly MasterField[], opts: ValidateOptions & { readonly line?: number }): RowCheck {
  return compileValidator(fields, opts)(values.slice(), opts.line ?? 0);
}

/** Counts for the operator: rows, valid, excluded, problems and fixes by code, flags of the rows sent. */
export interface ValidationSummary {
  rows: number;
  valid: number;
  excluded: number;
  problems: Partial<Record<ProblemCode, number>>;
  fixes: Partial<Record<FixCode, number>>;
  /** Risky values of the rows that are sent (excluded rows are not uploaded). */
  flags: Partial<Record<FlagCode, number>>;
}

/** An empty {@link ValidationSummary} to accumulate into while streaming. */
export function emptySummary(): ValidationSummary {
  return { rows: 0, valid: 0, excluded: 0, problems: {}, fixes: {}, flags: {} };
}

/** Adds one row's outcome to a running summary (mutates it: streaming, 1M rows). */
export function addToSummary(s: ValidationSummary, check: RowCheck): ValidationSummary {
  s.rows++;
  if (check.problems.length === 0) s.valid++;
  else s.excluded++;
  for (const p of check.problems) s.problems[p.code] = (s.problems[p.code] ?? 0) + 1;
  for (const f of check.fixes) s.fixes[f.code] = (s.fixes[f.code] ?? 0) + 1;
  if (check.problems.length === 0) for (const f of check.flags) s.flags[f.code] = (s.flags[f.code] ?? 0) + 1;
  return s;
}

/** Summarises a set of row outcomes. */
export function summarise(checks: Iterable<RowCheck>): ValidationSummary {
  const s = emptySummary();
  for (const c of checks) addToSummary(s, c);
  return s;
}
