// Checks of single values (formula-like text, line breaks, lengths, URLs, e-mail syntax) for the row validator.
import validator from 'validator';
import { plainEmailFingerprint, type Fingerprint } from './email-seen-set';

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
  // Most values are short: one pass by hand beats two indexOf calls (which win on long text).
  const n = v.length;
  if (n > 64) return v.indexOf('\n') !== -1 || v.indexOf('\r') !== -1;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c <= 13 && (c === 10 || c === 13)) return true;
  }
  return false;
}

/** A value with each run of CR/LF replaced by one space (the `space` policy). */
export function lineBreaksToSpace(v: string): string {
  return v.replace(LINE_BREAK_RUN, ' ');
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

const SCRATCH: Fingerprint = new Int32Array(2);

/** validator's isEmail (default options), for what is not a plain address. */
export function isEmailByValidator(v: string): boolean {
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
