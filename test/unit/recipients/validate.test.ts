import { describe, expect, it } from 'vitest';
import { DEFAULT_MASTER_FIELDS, type MasterField } from '../../../shared/contract/profiles';
import validator from 'validator';
import {
  compileValidator,
  EmailSeenSet,
  fingerprint,
  isEmailAddress,
  isEmailByValidator,
  lineBreaksToSpace,
  looksLikeFormula,
  plainEmailFingerprint,
  summarise,
  validateRow,
  type ValidateOptions,
} from '../../../main/services/recipients/validate';
import { appIntl } from '../../../shared/i18n/intl';
import { randomCases, structuralCases } from '../../helpers/fuzz-inputs';
import type { MessageId } from '../../../shared/i18n/messages';

const F = DEFAULT_MASTER_FIELDS;
const opts = (extra: Partial<ValidateOptions> = {}): ValidateOptions => ({ encoding: 'utf-8', seenEmails: new EmailSeenSet(), ...extra });
const row = (email: string, rest: Partial<Record<number, string>> = {}): string[] => {
  const r = [email, '44018617811', '46623317811', 'Herr', 'Jürgen', 'Müller'];
  for (const [i, v] of Object.entries(rest)) r[Number(i)] = v as string;
  return r;
};
const codes = (r: { problems: { code: string }[] }): string[] => r.problems.map((p) => p.code);

describe('validateRow', () => {
  it('accepts a good row', () => {
    const r = validateRow(row('jürgen@example.de'), F, { ...opts(), line: 7 });
    expect(r.problems).toEqual([]);
    expect(r.line).toBe(7);
  });

  it('trims e-mail addresses as a fix, not an error', () => {
    const r = validateRow(row('  a@example.de\t'), F, opts());
    expect(r.problems).toEqual([]);
    expect(r.values[0]).toBe('a@example.de');
    expect(r.fixes.map((f) => f.code)).toEqual(['TRIMMED']);
  });

  it('rejects bad e-mail syntax and empty required fields', () => {
    expect(codes(validateRow(row('kein-at.example.de'), F, opts()))).toEqual(['INVALID_EMAIL']);
    expect(codes(validateRow(row('a@b'), F, opts()))).toEqual(['INVALID_EMAIL']);
    expect(codes(validateRow(row(''), F, opts()))).toEqual(['REQUIRED']);
    expect(codes(validateRow(row('a@example.de', { 1: '' }), F, opts()))).toEqual(['REQUIRED']);
  });

  it('finds duplicates case-insensitively, after the first valid row', () => {
    const o = opts();
    expect(codes(validateRow(row('Anna@Example.de', { 4: 'x'.repeat(300) }), F, { ...o, line: 1 }))).toEqual(['TOO_LONG']);
    expect(codes(validateRow(row('anna@example.de'), F, { ...o, line: 2 }))).toEqual([]);
    const dup = validateRow(row('ANNA@example.DE'), F, { ...o, line: 3 });
    expect(dup.problems).toEqual([
      {
        line: 3,
        field: 'Email',
        code: 'DUPLICATE_EMAIL',
        message: expect.stringContaining('more than once'),
        text: { id: 'check.problem.DUPLICATE_EMAIL', values: { field: 'Email', value: 'ANNA@example.DE' } },
      },
    ]);
  });

  it('gives every problem its sentence as catalog key and values: the English catalog says what `message` says, German says it in German', () => {
    const fields: MasterField[] = [
      ...F,
      { name: 'Url', type: 'URL', required: false },
      { name: 'Born', type: 'Date', required: false },
      { name: 'Born2', type: 'Date', required: false },
      { name: 'Note', type: 'Varchar', length: 5, required: false },
    ];
    const o = { ...opts({ encoding: 'iso-8859-1', suppressed: (e: string) => (e === 'stop@example.de' ? 'unsubscribed' : undefined), lineBreaks: 'reject' }), line: 4 } as const;
    const rows = [
      [...row('kein-at'), 'ftp://x', '2026-02-31', 'gestern', 'zu lang'],
      [...row('stop@example.de', { 1: 'abc', 2: '99999999999999999999' }), '', '', '', 'a\nb'],
      [...row('a@example.de', { 1: '', 5: 'Łukasz' }), '', '', '', ''],
    ];
    const problems = rows.flatMap((r) => validateRow(r, fields, { ...o, seenEmails: new EmailSeenSet() }).problems);
    const dup = new EmailSeenSet();
    validateRow(row('twice@example.de'), F, { ...opts(), seenEmails: dup });
    problems.push(...validateRow(row('twice@example.de'), F, { ...opts(), seenEmails: dup }).problems);
    expect(new Set(problems.map((p) => p.code))).toEqual(
      new Set(['INVALID_EMAIL', 'INVALID_URL', 'INVALID_DATE', 'TOO_LONG', 'SUPPRESSED', 'NOT_A_NUMBER', 'OUT_OF_RANGE', 'LINE_BREAK', 'REQUIRED', 'UNENCODABLE', 'DUPLICATE_EMAIL']),
    );
    const en = appIntl('en');
    const de = appIntl('de');
    for (const p of problems) {
      expect(p.text, p.message).toBeDefined();
      expect(en.formatMessage({ id: p.text!.id as MessageId }, p.text!.values), p.code).toBe(p.message);
      const german = de.formatMessage({ id: p.text!.id as MessageId }, p.text!.values);
      expect(german, p.code).not.toBe(p.message);
      expect(german).toContain(p.field === 'Email' && p.code !== 'REQUIRED' ? String(p.text!.values.value) : p.field);
    }
  });

  it('counts Varchar length in characters, not bytes or UTF-16 units', () => {
    expect(codes(validateRow(row('a@example.de', { 5: 'ü'.repeat(255) }), F, opts()))).toEqual([]);
    expect(codes(validateRow(row('a@example.de', { 5: '😀'.repeat(255) }), F, opts()))).toEqual([]);
    expect(codes(validateRow(row('a@example.de', { 5: 'ü'.repeat(256) }), F, opts()))).toEqual(['TOO_LONG']);
  });

  it('checks Bigint digits and the signed 64-bit range with BigInt', () => {
    expect(codes(validateRow(row('a@example.de', { 2: '9223372036854775807' }), F, opts()))).toEqual([]);
    expect(codes(validateRow(row('a@example.de', { 2: '9223372036854775808' }), F, opts()))).toEqual(['OUT_OF_RANGE']);
    expect(codes(validateRow(row('a@example.de', { 2: '000000000000000000001' }), F, opts()))).toEqual([]);
    expect(codes(validateRow(row('a@example.de', { 2: '1.2E+13' }), F, opts()))).toEqual(['NOT_A_NUMBER']);
    expect(codes(validateRow(row('a@example.de', { 2: '-5' }), F, opts()))).toEqual(['NOT_A_NUMBER']);
    expect(codes(validateRow(row('a@example.de', { 2: '' }), F, opts()))).toEqual([]);
  });

  it('checks URL and Date fields, normalising German dates', () => {
    const fields: MasterField[] = [F[0], { name: 'link', type: 'URL', required: false }, { name: 'birthday', type: 'Date', required: false }];
    expect(codes(validateRow(['a@example.de', 'https://shop.example.de/p?id=1', '2024-02-29'], fields, opts()))).toEqual([]);
    expect(codes(validateRow(['a@example.de', 'ftp://x.de/a', '2023-02-29'], fields, opts()))).toEqual(['INVALID_URL', 'INVALID_DATE']);
    expect(codes(validateRow(['a@example.de', 'www.example.de', 'morgen'], fields, opts()))).toEqual(['INVALID_URL', 'INVALID_DATE']);
    const german = validateRow(['a@example.de', '', '1.7.1985'], fields, opts());
    expect(german.values[2]).toBe('1985-07-01');
    expect(german.fixes.map((f) => f.code)).toEqual(['DATE_NORMALISED']);
  });

  it('reports values the target encoding cannot hold, naming the character', () => {
    const latin = validateRow(row('a@example.de', { 5: 'Łukasz' }), F, opts({ encoding: 'iso-8859-1' }));
    expect(latin.problems).toEqual([expect.objectContaining({ field: 'Last name', code: 'UNENCODABLE', message: expect.stringContaining('"Ł" (U+0141)') })]);
    expect(codes(validateRow(row('a@example.de', { 5: 'Müller €' }), F, opts({ encoding: 'windows-1252' })))).toEqual([]);
    expect(codes(validateRow(row('a@example.de', { 5: 'Müller €' }), F, opts({ encoding: 'iso-8859-1' })))).toEqual(['UNENCODABLE']);
    expect(codes(validateRow(row('a@example.de', { 5: 'Łukasz 😀' }), F, opts()))).toEqual([]);
  });

  it('excludes suppressed addresses with the reason', () => {
    const suppressed = (e: string): string | undefined => (e === 'weg@example.de' ? 'unsubscribed 2024-01-02' : undefined);
    const r = validateRow(row('Weg@Example.de'), F, opts({ suppressed }));
    expect(r.problems).toEqual([expect.objectContaining({ code: 'SUPPRESSED', message: expect.stringContaining('unsubscribed 2024-01-02') })]);
  });
});

describe('summarise', () => {
  it('counts rows, valid, excluded, problems and fixes', () => {
    const o = opts();
    const checks = [row(' a@example.de'), row('a@example.de'), row('x'), row('b@example.de', { 2: 'abc' })].map((r, i) => validateRow(r, F, { ...o, line: i + 2 }));
    expect(summarise(checks)).toEqual({
      rows: 4,
      valid: 1,
      excluded: 3,
      problems: { DUPLICATE_EMAIL: 1, INVALID_EMAIL: 1, NOT_A_NUMBER: 1 },
      fixes: { TRIMMED: 1 },
      flags: {},
    });
  });
});

describe('line breaks inside values (client setting lineBreaks)', () => {
  const broken = () => row('a@example.de', { 4: 'Zeile\r\n\r\neins', 5: 'Mül\nler\r' });

  it('space: each CR/LF run becomes one space, counted as a fix with before and after, and flagged', () => {
    const r = validateRow(broken(), F, opts({ lineBreaks: 'space' }));
    expect(r.problems).toEqual([]);
    expect(r.values.slice(4)).toEqual(['Zeile eins', 'Mül ler ']);
    expect(r.fixes.map((f) => [f.code, f.field, f.before, f.after])).toEqual([
      ['LINE_BREAK_REPLACED', 'First name', 'Zeile\r\n\r\neins', 'Zeile eins'],
      ['LINE_BREAK_REPLACED', 'Last name', 'Mül\nler\r', 'Mül ler '],
    ]);
    expect(r.flags.map((f) => [f.code, f.field])).toEqual([['LINE_BREAK', 'First name'], ['LINE_BREAK', 'Last name']]);
    expect(summarise([r])).toMatchObject({ valid: 1, fixes: { LINE_BREAK_REPLACED: 2 }, flags: { LINE_BREAK: 2 } });
  });

  it('reject: the row is excluded with a LINE_BREAK problem per value, nothing changed', () => {
    const r = validateRow(broken(), F, opts({ lineBreaks: 'reject' }));
    expect(codes(r)).toEqual(['LINE_BREAK', 'LINE_BREAK']);
    expect(r.problems[0]).toMatchObject({ field: 'First name', message: expect.stringContaining('line break') });
    expect(r.values[4]).toBe('Zeile\r\n\r\neins');
    expect(r.fixes).toEqual([]);
    // Flags count only rows that are sent.
    expect(summarise([r])).toMatchObject({ excluded: 1, problems: { LINE_BREAK: 2 }, flags: {} });
  });

  it('keep: the value is left as it is (the writer quotes it) and flagged', () => {
    const r = validateRow(broken(), F, opts({ lineBreaks: 'keep' }));
    expect(r.problems).toEqual([]);
    expect(r.fixes).toEqual([]);
    expect(r.values[4]).toBe('Zeile\r\n\r\neins');
    expect(summarise([r]).flags).toEqual({ LINE_BREAK: 2 });
  });

  it('a repeated value is flagged on every row, not only the first (the repeat shortcut comes after)', () => {
    const check = compileValidator(F, opts({ lineBreaks: 'keep' }));
    const flags = [1, 2, 3].map((i) => check(row(`p${i}@example.de`, { 4: 'A\nB' }), i).flags.length);
    expect(flags).toEqual([1, 1, 1]);
    const spaced = compileValidator(F, opts({ lineBreaks: 'space' }));
    expect([1, 2].map((i) => spaced(row(`q${i}@example.de`, { 4: 'A\nB' }), i).values[4])).toEqual(['A B', 'A B']);
  });

  it('lineBreaksToSpace replaces runs, not single characters', () => {
    expect(lineBreaksToSpace('a\r\n\nb\rc')).toBe('a b c');
  });
});

describe('formula-like values', () => {
  it('flags what a spreadsheet would run, not phone numbers or signed numbers', () => {
    for (const v of ['=HYPERLINK("https://evil.example";"Klick")', '=1+1', '+SUM(A1:A3)', '-2+3', '@SUM(A1)', '-Rabatt', '+ Bonus']) expect(looksLikeFormula(v), v).toBe(true);
    for (const v of ['+49 30 1234-56', '-3,5', '-12', '+1 (555) 010-999', 'a=b', 'Müller', '=', '-', '']) expect(looksLikeFormula(v), v).toBe(false);
  });

  it('flags them on the row without changing the value', () => {
    const r = validateRow(row('a@example.de', { 4: '=HYPERLINK("https://evil.example";"Klick")', 3: '+49 30 1234' }), F, opts());
    expect(r.problems).toEqual([]);
    expect(r.values[4]).toBe('=HYPERLINK("https://evil.example";"Klick")');
    expect(r.flags).toEqual([{ line: 0, field: 'First name', code: 'FORMULA', value: '=HYPERLINK("https://evil.example";"Klick")' }]);
  });
});

describe('fast paths give the same verdicts', () => {
  it('isEmailAddress agrees with validator.isEmail', () => {
    const samples = [
      'a@example.de', 'first.last+tag@sub.example.co.uk', 'a..b@example.de', '.a@example.de', 'a.@example.de', 'a@-example.de',
      'a@example-.de', 'a@exa_mple.de', 'a@example.d', 'a@example.123', 'jürgen@müller.de', '"quoted"@example.de', 'a@b',
      `${'x'.repeat(64)}@example.de`, `${'x'.repeat(65)}@example.de`, `a@${'x'.repeat(64)}.de`, 'A_B-C@Example.COM', 'a@[127.0.0.1]', 'a b@example.de',
    ];
    for (const e of samples) expect(isEmailAddress(e), e).toBe(validator.isEmail(e));
  });

  it('the plain-address scanner accepts exactly what its rule says, and fingerprints the lower-case address', () => {
    // The rule as a regular expression (the scanner's specification), plus the length limits.
    const PLAIN = /^[a-z0-9_+-]{1,64}(?:\.[a-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
    const rule = (v: string): boolean => v.length <= 254 && PLAIN.test(v) && v.indexOf('@') <= 64;
    const fp = new Int32Array(2);
    const lower = new Int32Array(2);
    const alphabet = ['a', 'Z', '0', '9', '.', '-', '_', '+', '@', 'ä', ' ', '"', 'x', 'Q', 'de', 'com'];
    let seed = 7;
    const rnd = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const samples: string[] = [
      'a@example.de', 'A.B@Sub.Example.COM', 'a@b.c', 'a@b.cd', 'a@b-.cd', 'a@-b.cd', 'a@b.c-d', 'a@1.de', 'a@b.d3',
      `${'x'.repeat(64)}@example.de`, `${'x'.repeat(65)}@example.de`, `a@${'x'.repeat(63)}.de`, `a@${'x'.repeat(64)}.de`,
      `a@example.${'x'.repeat(63)}`, `a@example.${'x'.repeat(64)}`, `${'x'.repeat(60)}@${'y.'.repeat(95)}de`,
    ];
    for (let i = 0; i < 40000; i++) {
      const parts: string[] = [];
      const n = 1 + rnd(14);
      for (let j = 0; j < n; j++) parts.push(alphabet[rnd(alphabet.length)]);
      // Most samples get the shape of an address, so the domain rules are reached.
      samples.push(rnd(3) === 0 ? parts.join('') : `${parts.slice(0, n >> 1).join('')}@${parts.slice(n >> 1).join('')}.${rnd(2) ? 'de' : 'D3'}`);
    }
    let plain = 0;
    for (const v of samples) {
      const got = plainEmailFingerprint(v, fp);
      expect(got, v).toBe(rule(v));
      if (!got) continue;
      plain++;
      fingerprint(v.toLowerCase(), lower);
      expect([...fp], v).toEqual([...lower]);
    }
    expect(plain).toBeGreaterThan(500);
  });

  it('the plain-address fast path never disagrees with validator.isEmail: edge cases, generated addresses, the fuzz corpus', async () => {
    const fp = new Int32Array(2);
    const x = (n: number): string => 'x'.repeat(n);
    const edge = [
      '"a b"@example.de', '"a"@example.de', '"a\\"b"@example.de', 'jürgen@müller.de', 'a@xn--mller-kva.de', 'a@example.xn--p1ai', 'jörg@example.de', 'a@例え.jp',
      `a@${x(63)}.de`, `a@${x(64)}.de`, `a@example.${x(63)}`, `a@example.${x(64)}`, `${x(64)}@example.de`, `${x(65)}@example.de`,
      `${x(64)}@${'y'.repeat(60)}.${'z'.repeat(60)}.${'w'.repeat(60)}.de`, `a@${'b.'.repeat(125)}de`, `a@${'b.'.repeat(126)}de`, `a@${'b.'.repeat(124)}de`,
      'a@example.de.', 'a.@example.de', '.a@example.de', 'a..b@example.de', 'a@example..de', 'a@.example.de', 'a@[127.0.0.1]', 'a@[IPv6:::1]', 'a@127.0.0.1',
      ' a@example.de', 'a@example.de ', 'a @example.de', 'a@ex ample.de', 'a\t@example.de', 'a@example.de\n', 'ａ@example.de', 'a@example.ｄｅ', 'a@exａmple.de',
      'a@ex_ample.de', 'a@_example.de', 'a_b@example.de', 'a@example.123', 'a@example.c0m', 'a@example.d', 'a@example.de1', "a'b@example.de", 'a!#$%&*/=?^`{|}~@example.de',
      'a+b@example.de', 'A@EXAMPLE.DE', 'a@-example.de', 'a@example-.de', 'a@ex--ample.de', 'a@example.d-e', 'a@example.-de', 'a@localhost', '@example.de', 'a@', 'a@@example.de',
      'a@b@example.de', '', '@', 'a', 'x\uD800y@example.de', 'a@example.de\uFEFF', '\u200ba@example.de', 'a\u00a0@example.de', '😀@example.de', 'a@😀.de', 'İ@example.de',
    ];
    // Generated: address-shaped strings from an alphabet of the characters the rules hinge on, with
    // label and part lengths around the limits.
    const alphabet = ['a', 'Z', '0', '9', '.', '-', '_', '+', "'", '"', ' ', '\t', 'ä', 'ß', '例', '[', ']', ':', '@', 'xn--', 'ｄ', '\uFFFD'];
    let seed = 12345;
    const rnd = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const part = (len: number): string => Array.from({ length: len }, () => (rnd(4) === 0 ? alphabet[rnd(alphabet.length)] : 'abcxyz019'[rnd(9)])).join('');
    const generated: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      const labels = Array.from({ length: 1 + rnd(4) }, () => part(rnd(5) === 0 ? 60 + rnd(6) : 1 + rnd(12)));
      const tld = rnd(6) === 0 ? part(1 + rnd(4)) : ['de', 'com', 'co', 'd3', 'x', 'museum'][rnd(6)];
      const local = part(rnd(7) === 0 ? 62 + rnd(5) : 1 + rnd(15));
      generated.push(`${local}@${labels.join('.')}.${tld}`);
    }
    // The fuzz corpus: every value of its CSV inputs, as it is and shaped as the local part.
    const corpus = new Set<string>();
    for (const c of [...structuralCases(), ...randomCases('loopdesk-fuzz-1', 300)]) {
      if (!/\.(csv|txt)$/i.test(c.fileName) || c.isolate) continue;
      const text = (await c.build()).toString('utf8');
      if (text.length > 2_000_000) continue;
      for (const line of text.split(/\r\n|\n|\r/).slice(0, 2000)) for (const v of line.split(/[;,\t|]/)) if (v.length <= 300) corpus.add(v);
    }
    expect(corpus.size).toBeGreaterThan(500);
    const samples = [...edge, ...generated, ...corpus, ...[...corpus].map((v) => `${v}@example.de`)];
    let plain = 0;
    let accepted = 0;
    for (const v of samples) {
      const byValidator = isEmailByValidator(v);
      expect(isEmailAddress(v), JSON.stringify(v)).toBe(byValidator);
      if (plainEmailFingerprint(v, fp)) {
        plain++;
        expect(byValidator, JSON.stringify(v)).toBe(true);
      }
      if (byValidator) accepted++;
    }
    // The samples reach both sides of the fast path and of validator's verdict.
    expect(plain).toBeGreaterThan(1000);
    expect(accepted).toBeGreaterThan(plain);
    expect(samples.length - accepted).toBeGreaterThan(1000);
  });

  it('EmailSeenSet behaves like a Set across growth', () => {
    const set = new EmailSeenSet();
    const fp = new Int32Array(2);
    const add = (key: string): void => {
      fingerprint(key, fp);
      set.addFingerprint(fp[0], fp[1]);
    };
    const has = (key: string): boolean => {
      fingerprint(key, fp);
      return set.hasFingerprint(fp[0], fp[1]);
    };
    for (let i = 0; i < 200_000; i++) add(`user${i}@example.com`);
    expect(set.size).toBe(200_000);
    expect(has('user123456@example.com')).toBe(true);
    expect(has('user200000@example.com')).toBe(false);
    add('user5@example.com');
    expect(set.size).toBe(200_000);
  });

  it('a repeated value is still normalised and still checked', () => {
    const fields: MasterField[] = [F[0], { name: 'birthday', type: 'Date', required: false }, { name: 'n', type: 'Bigint', required: false }];
    const check = compileValidator(fields, opts());
    expect(check(['a@example.de', '1.7.1985', '12'], 1).values[1]).toBe('1985-07-01');
    expect(check(['b@example.de', '1.7.1985', '12'], 2).values[1]).toBe('1985-07-01');
    expect(codes(check(['c@example.de', '2024-01-01', 'x'], 3))).toEqual(['NOT_A_NUMBER']);
    expect(codes(check(['d@example.de', '2024-01-01', 'x'], 4))).toEqual(['NOT_A_NUMBER']);
  });
});

describe('isEmailAddress on broken text', () => {
  it('says no to a lone surrogate instead of throwing (validator.isEmail throws URIError)', () => {
    expect(isEmailAddress('x\uD800y@example.de')).toBe(false);
  });
});
