import type { LineBreakPolicy, MasterField } from '../../../shared/contract/profiles';
import type { MessageId, MessageValues } from '../../../shared/i18n/messages';
import { describeChar, findUnencodable, type ClosedLoopEncoding } from './closed-loop-encoding';
import { fingerprint, plainEmailFingerprint, type EmailSeenSet, type Fingerprint } from './email-seen-set';
import { isEmailField } from './mapping';
import type { ProblemCode, RowCheck, RowFix, RowFlag, RowProblem } from './row-check';
import { charLength, hasLineBreak, isEmailByValidator, isHttpUrl, lineBreaksToSpace, looksLikeFormula } from './value-checks';

// One import path for everything about row validation: its parts live in their own modules.
export * from './email-seen-set';
export * from './row-check';
export * from './validation-summary';
export * from './value-checks';

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

const NO_PROBLEMS: RowProblem[] = [];
const NO_FIXES: RowFix[] = [];
const NO_FLAGS: RowFlag[] = [];

/** Adds a problem: `message` in English for logs and the rejected-rows file, `id` + `values` the same sentence for the client's language. */
function withProblem(list: RowProblem[], line: number, field: string, code: ProblemCode, message: string, id: MessageId, values: MessageValues): RowProblem[] {
  const out = list === NO_PROBLEMS ? [] : list;
  out.push({ line, field, code, message, text: { id, values: { field, ...values } } });
  return out;
}

/**
 * A row checker compiled for one field list, for the hot loop of a big file.
 * It may change the array it is given (fixes are written into it); pass a copy to keep the original.
 */
export type RowValidator = ((values: readonly string[], line: number, warmed?: number) => RowCheck) & {
  /**
   * Optional, for a batch of rows about to be checked (mapped, in field order; undefined entries are
   * skipped): fingerprints their plain addresses and brings the duplicate table's entries into the
   * CPU cache (see {@link EmailSeenSet.warm}). Checking row `k` of that batch afterwards with
   * `warmed = k` reuses its fingerprint when the address is still the same. Changes no verdict.
   */
  readonly warm?: (rows: readonly (readonly string[] | undefined)[]) => void;
};

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
  // The last warmed batch: each row's plain address (undefined when not plain) and its fingerprint.
  let warmFps = new Int32Array(2 * 1024);
  const warmed: (string | undefined)[] = [];
  const warm = (rows: readonly (readonly string[] | undefined)[]): void => {
    if (emailIndex < 0) return;
    if (warmFps.length < 2 * rows.length) warmFps = new Int32Array(2 * rows.length);
    warmed.length = rows.length;
    for (let r = 0; r < rows.length; r++) {
      const v = rows[r]?.[emailIndex];
      if (v !== undefined && plainEmailFingerprint(v, fp)) {
        warmed[r] = v;
        warmFps[2 * r] = fp[0];
        warmFps[2 * r + 1] = fp[1];
      } else {
        warmed[r] = undefined;
        warmFps[2 * r] = 0;
        warmFps[2 * r + 1] = 0;
      }
    }
    seen.warm(warmFps, rows.length);
  };
  // No closures or arrays per row unless a row has a problem: this runs a million times.
  const check = (input: readonly string[], line: number, warmedRow = -1): RowCheck => {
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
        if (f.required) problems = withProblem(problems, line, f.name, 'REQUIRED', `${f.name} is empty but required`, 'check.problem.REQUIRED', {});
        continue;
      }
      // A value is remembered as good only when it raised no flag (below), so a repeated risky
      // value is flagged on every row, and the common case costs one comparison.
      if (v === lastGood[i]) continue;
      const flagsBefore = flags.length;
      if (hasLineBreak(v)) {
        if (flags === NO_FLAGS) flags = [];
        flags.push({ line, field: f.name, code: 'LINE_BREAK', value: v });
        if (lineBreaks === 'reject') {
          problems = withProblem(problems, line, f.name, 'LINE_BREAK', `${f.name} contains a line break, which would split the record on the server (client setting: reject)`, 'check.problem.LINE_BREAK', {});
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
      const before = problems.length;
      const bad = enc === 'utf-8' && (!checkSurrogates || !MAYBE_SURROGATE.test(v)) ? undefined : findUnencodable(v, enc);
      if (bad !== undefined) {
        problems = withProblem(problems, line, f.name, 'UNENCODABLE', `${f.name} contains ${describeChar(bad)}, which ${enc.toUpperCase()} cannot hold`, 'check.problem.UNENCODABLE', {
          char: describeChar(bad),
          encoding: enc.toUpperCase(),
        });
      }
      switch (f.type) {
        case 'Varchar': {
          const max = f.length ?? 255;
          if (v.length > max) {
            const n = charLength(v);
            if (n > max) problems = withProblem(problems, line, f.name, 'TOO_LONG', `${f.name} has ${n} characters; at most ${max} are allowed`, 'check.problem.TOO_LONG', { count: n, max });
          }
          break;
        }
        case 'Bigint':
          if (!DIGITS.test(v)) {
            problems = withProblem(problems, line, f.name, 'NOT_A_NUMBER', `${f.name} "${v.slice(0, 40)}" must be a whole number (digits only)`, 'check.problem.NOT_A_NUMBER', { value: v.slice(0, 40) });
          } else if (v.length >= 19 && BigInt(v) > INT64_MAX) {
            problems = withProblem(problems, line, f.name, 'OUT_OF_RANGE', `${f.name} ${v.slice(0, 40)} is larger than a 64-bit number allows`, 'check.problem.OUT_OF_RANGE', { value: v.slice(0, 40) });
          }
          break;
        case 'URL':
          if (!isHttpUrl(v)) problems = withProblem(problems, line, f.name, 'INVALID_URL', `${f.name} "${v.slice(0, 80)}" is not an http(s) address`, 'check.problem.INVALID_URL', { value: v.slice(0, 80) });
          break;
        case 'Date': {
          let m = ISO_DATE.exec(v);
          if (m) {
            if (!validDate(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0))) problems = withProblem(problems, line, f.name, 'INVALID_DATE', `${f.name} "${v}" is not a real date`, 'check.problem.notRealDate', { value: v });
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
            problems = withProblem(problems, line, f.name, 'INVALID_DATE', `${f.name} "${v.slice(0, 40)}" is not a date (use YYYY-MM-DD)`, 'check.problem.INVALID_DATE', { value: v.slice(0, 40) });
          }
          break;
        }
      }
      if (i === emailIndex) {
        // A plain address is checked and fingerprinted in one pass; others go to isEmail.
        let plain: boolean;
        if (warmedRow >= 0 && warmedRow < warmed.length && warmed[warmedRow] === v) {
          // Fingerprinted by warm(): the same plain address.
          plain = true;
          fp[0] = warmFps[2 * warmedRow];
          fp[1] = warmFps[2 * warmedRow + 1];
        } else {
          plain = plainEmailFingerprint(v, fp);
        }
        if (!plain && !isEmailByValidator(v)) {
          problems = withProblem(problems, line, f.name, 'INVALID_EMAIL', `"${v.slice(0, 80)}" is not a valid e-mail address`, 'check.problem.INVALID_EMAIL', { value: v.slice(0, 80) });
        } else {
          if (!plain) fingerprint(v.toLowerCase(), fp);
          hasEmail = true;
          if (seen.hasFingerprint(fp[0], fp[1])) {
            problems = withProblem(problems, line, f.name, 'DUPLICATE_EMAIL', `${v} appears more than once; only its first valid row is sent`, 'check.problem.DUPLICATE_EMAIL', { value: v });
          }
          const reason = suppressed?.(v.toLowerCase());
          if (reason !== undefined) problems = withProblem(problems, line, f.name, 'SUPPRESSED', `${v} is on the suppression list (${reason})`, 'check.problem.SUPPRESSED', { value: v, reason });
        }
      } else if (problems.length === before && values[i] === v && flags.length === flagsBefore) {
        lastGood[i] = v;
      }
    }
    if (problems.length === 0 && hasEmail) seen.addFingerprint(fp[0], fp[1]);
    return { line, values, problems, fixes, flags };
  };
  return Object.assign(check, { warm });
}

/**
 * Checks one mapped row (values in field order). Pure apart from adding a valid row's address to
 * `seenEmails`, which is how later duplicates are recognised.
 */
export function validateRow(values: readonly string[], fields: readonly MasterField[], opts: ValidateOptions & { readonly line?: number }): RowCheck {
  return compileValidator(fields, opts)(values.slice(), opts.line ?? 0);
}
