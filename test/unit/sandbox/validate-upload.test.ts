import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../main/services/sandbox/config';
import { parseRecord, splitRecords } from '../../../main/services/sandbox/csv';
import { validateUpload } from '../../../main/services/sandbox/validate-upload';
import { productsFile, recipientLine } from '../../fixtures/sandbox/files';

const config = defaultConfig('unit-seed', 'password-123456');
const client = config.clients[0];
const good = client.mailings.find((m) => !m.activated)!.id;
const activated = client.mailings.find((m) => m.activated)!.id;
const ok1 = recipientLine({ email: 'a@example.com', mailing: good, p1: 'P0' });
const enc = (s: string): Uint8Array => Buffer.from(s, 'utf8');

describe('closed-loop CSV reader', () => {
  it('splits at LF outside quotes and undoes doubled quotes', () => {
    const recs = splitRecords('"a";"b\nc"\n"d ""x""";""\n');
    expect(recs.map((r) => r.line)).toEqual([1, 3]);
    expect(parseRecord(recs[0].raw, ';')).toEqual({ fields: ['a', 'b\nc'], issues: [] });
    expect(parseRecord(recs[1].raw, ';')).toEqual({ fields: ['d "x"', ''], issues: [] });
  });

  it('flags unquoted, stray-quote, unterminated and CRLF fields by position', () => {
    expect(parseRecord('a;"b"', ';').issues).toEqual([{ code: 'UNQUOTED_FIELD', fieldIndex: 0 }]);
    expect(parseRecord('"a"x;"b"', ';').issues).toEqual([{ code: 'STRAY_QUOTE', fieldIndex: 0 }]);
    expect(parseRecord('"a";"b', ';').issues).toEqual([{ code: 'UNTERMINATED_QUOTE', fieldIndex: 1 }]);
    expect(parseRecord('"a";"b"\r', ';').issues).toEqual([{ code: 'CRLF', fieldIndex: 1 }]);
    expect(parseRecord('"a";', ';')).toEqual({ fields: ['a', ''], issues: [{ code: 'UNQUOTED_FIELD', fieldIndex: 1 }] });
  });
});

interface Case {
  readonly name: string;
  readonly file: string | Uint8Array;
  readonly products?: string;
  readonly line: number;
  readonly field: string;
  readonly code: string;
}

const long = 'x'.repeat(256);
const cases: Case[] = [
  { name: 'wrong separator', file: ok1 + ok1.replaceAll('";"', '","'), line: 2, field: 'Email', code: 'WRONG_SEPARATOR' },
  { name: 'unquoted fields', file: ok1 + `b@example.com;${good};;Herr;Bob;Test;;\n`, line: 2, field: 'Email', code: 'UNQUOTED_FIELD' },
  { name: 'CRLF line ends', file: ok1.replace('\n', '\r\n') + ok1, line: 1, field: 'product_2', code: 'CRLF' },
  { name: 'header row', file: client.fields.map((f) => `"${f.name}"`).join(';') + '\n' + ok1, line: 1, field: 'Email', code: 'HEADER_ROW' },
  { name: 'too few fields', file: ok1 + `"b@example.com";"${good}";"";"Herr";"Bob";"Test";""\n`, line: 2, field: 'product_2', code: 'FIELD_COUNT' },
  { name: 'too many fields', file: ok1 + ok1.replace('\n', ';"extra"\n'), line: 2, field: '#9', code: 'FIELD_COUNT' },
  { name: 'unknown mailing ID', file: ok1 + recipientLine({ email: 'b@example.com', mailing: '12345678901' }), line: 2, field: 'broadmail_ID', code: 'UNKNOWN_MAILING' },
  { name: 'activated mailing', file: recipientLine({ email: 'b@example.com', mailing: activated }), line: 1, field: 'broadmail_ID', code: 'MAILING_ACTIVATED' },
  { name: 'bad e-mail', file: ok1 + recipientLine({ email: 'not-an-address', mailing: good }), line: 2, field: 'Email', code: 'INVALID_EMAIL' },
  { name: 'field over its length', file: ok1 + recipientLine({ email: 'b@example.com', mailing: good, first: long }), line: 2, field: 'First name', code: 'TOO_LONG' },
  { name: 'missing product', file: ok1 + recipientLine({ email: 'b@example.com', mailing: good, p2: 'P9' }), products: productsFile(), line: 2, field: 'product_2', code: 'UNKNOWN_PRODUCT' },
  { name: 'Bigint with letters', file: recipientLine({ email: 'b@example.com', mailing: good, wave: '12a' }), line: 1, field: 'WAVE_ID', code: 'NOT_BIGINT' },
  { name: 'Bigint over 64 bit', file: recipientLine({ email: 'b@example.com', mailing: good, wave: '9223372036854775808' }), line: 1, field: 'WAVE_ID', code: 'NOT_BIGINT' },
  { name: 'required e-mail empty', file: ok1 + recipientLine({ email: '', mailing: good }), line: 2, field: 'Email', code: 'REQUIRED' },
  { name: 'stray quote', file: ok1 + ok1.replace('"Frau"', '"Fr"au"'), line: 2, field: 'Salutation', code: 'STRAY_QUOTE' },
  { name: 'blank line', file: ok1 + '\n' + ok1, line: 2, field: 'Email', code: 'EMPTY_LINE' },
  { name: 'empty file', file: '', line: 1, field: 'Email', code: 'EMPTY_FILE' },
  { name: 'invalid UTF-8', file: Buffer.concat([Buffer.from(ok1), Buffer.from([0x22, 0xff, 0x22, 0x0a])]), line: 2, field: 'Email', code: 'ENCODING' },
  { name: 'byte order mark', file: '\ufeff' + ok1, line: 1, field: 'Email', code: 'BOM' },
  { name: 'duplicate product in products file', file: ok1, products: productsFile(['P0', 'P1', 'P0']), line: 3, field: 'products:product_id', code: 'DUPLICATE_PRODUCT' },
];

describe('validateUpload', () => {
  it('accepts a valid file with products and returns recipients and products', () => {
    const file = ok1 + recipientLine({ email: 'b@example.com', mailing: good, first: 'Zoë "Z" ; Ü', p1: 'P1', p2: 'P2' });
    const res = validateUpload({ client, subscribers: enc(file), products: enc(productsFile()), productsName: 'x_products.csv' });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.recipients.map((r) => r.line)).toEqual([1, 2]);
    expect(res.recipients[1].values[4]).toBe('Zoë "Z" ; Ü');
    expect(res.products.map((p) => [p.id, p.url])).toEqual([
      ['P0', 'https://shop.example.com/p/P0'],
      ['P1', 'https://shop.example.com/p/P1'],
      ['P2', 'https://shop.example.com/p/P2'],
    ]);
  });

  it('accepts unknown product IDs when no products file came with the upload', () => {
    expect(validateUpload({ client, subscribers: enc(recipientLine({ email: 'b@example.com', mailing: good, p1: 'P9' })) }).ok).toBe(true);
  });

  it.each(cases)('rejects $name with line $line, field $field, code $code', (c) => {
    const res = validateUpload({ client, subscribers: typeof c.file === 'string' ? enc(c.file) : c.file, products: c.products ? enc(c.products) : undefined, productsName: 'p.csv' });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    const hit = res.problems.find((p) => p.code === c.code);
    expect(hit, JSON.stringify(res.problems)).toBeDefined();
    expect(hit!.line).toBe(c.line);
    expect(hit!.field).toBe(c.field);
    expect(hit!.message.length).toBeGreaterThan(20);
  });

  it('reports a file-wide dialect problem once, counting the other lines', () => {
    const crlf = (ok1 + ok1 + ok1).replaceAll('\n', '\r\n');
    const res = validateUpload({ client, subscribers: enc(crlf) });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.problems).toHaveLength(1);
    expect(res.problems[0].message).toContain('2 more line');
  });

  it('lists several field problems, one row each, in line order', () => {
    const file = recipientLine({ email: 'bad', mailing: good }) + ok1 + recipientLine({ email: 'c@example.com', mailing: '99999999999', first: long });
    const res = validateUpload({ client, subscribers: enc(file) });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.problems.map((p) => [p.line, p.field, p.code])).toEqual([
      [1, 'Email', 'INVALID_EMAIL'],
      [3, 'First name', 'TOO_LONG'],
      [3, 'broadmail_ID', 'UNKNOWN_MAILING'],
    ]);
  });
});
