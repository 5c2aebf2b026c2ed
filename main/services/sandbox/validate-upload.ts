import validator from 'validator';
import { BigintString, type MasterField } from '../../../shared/contract/profiles';
import type { SandboxClient } from './config';
import { parseRecord, splitRecords, type ParsedRecord } from './csv';

/** Codes written into the `code` column of `logs/<stem>.error.csv`. */
export const UPLOAD_ERROR_CODES = [
  'ENCODING',
  'BOM',
  'EMPTY_FILE',
  'EMPTY_LINE',
  'WRONG_SEPARATOR',
  'UNQUOTED_FIELD',
  'STRAY_QUOTE',
  'UNTERMINATED_QUOTE',
  'CRLF',
  'HEADER_ROW',
  'FIELD_COUNT',
  'REQUIRED',
  'TOO_LONG',
  'NOT_BIGINT',
  'NOT_URL',
  'NOT_DATE',
  'INVALID_EMAIL',
  'UNKNOWN_MAILING',
  'MAILING_ACTIVATED',
  'UNKNOWN_PRODUCT',
  'DUPLICATE_PRODUCT',
  'TOO_MANY_PROBLEMS',
  'BAD_FILE_NAME',
  /** Not an import problem: the copy was made but could not be started (the vendor's second error case). */
  'MAILING_START_FAILED',
] as const;
/** One of {@link UPLOAD_ERROR_CODES}. */
export type UploadErrorCode = (typeof UPLOAD_ERROR_CODES)[number];

/** One row of an error file: where the problem is and what it is. */
export interface UploadProblem {
  /** 1-based physical line in the file the problem is in. */
  readonly line: number;
  /** Field name from the client setup (products-file problems are prefixed `products:`). */
  readonly field: string;
  readonly code: UploadErrorCode;
  readonly message: string;
}

/** A recipient line that passed every check. */
export interface ValidRecipient {
  readonly line: number;
  /** Values in the client's field order. */
  readonly values: readonly string[];
}

/** A product from the products file, as far as links need it. */
export interface SandboxProduct {
  readonly id: string;
  readonly title: string;
  readonly url: string;
}

/** Files to check: the recipient file and, when present, its products file. */
export interface ValidationInput {
  readonly client: SandboxClient;
  readonly subscribers: Uint8Array;
  readonly products?: Uint8Array;
  /** File name of the products file, quoted in messages. */
  readonly productsName?: string;
}

/** Accepted recipients and products, or every problem found (capped). */
export type ValidationResult =
  | { readonly ok: true; readonly recipients: readonly ValidRecipient[]; readonly products: readonly SandboxProduct[] }
  | { readonly ok: false; readonly problems: readonly UploadProblem[] };

/** More problems than this and the error file ends with a TOO_MANY_PROBLEMS row. */
export const MAX_PROBLEMS = 500;

/** Dialect codes that usually affect every line; reported for the first line only. */
const FILE_WIDE = new Set<UploadErrorCode>(['CRLF', 'WRONG_SEPARATOR', 'UNQUOTED_FIELD']);

class Problems {
  readonly list: UploadProblem[] = [];
  private readonly seen = new Map<UploadErrorCode, number>();
  private truncated = false;

  add(p: UploadProblem): void {
    if (FILE_WIDE.has(p.code)) {
      const n = (this.seen.get(p.code) ?? 0) + 1;
      this.seen.set(p.code, n);
      if (n > 1) return;
    }
    if (this.list.length >= MAX_PROBLEMS) {
      this.truncated = true;
      return;
    }
    this.list.push(p);
  }

  /** Rows in line order, with the count of suppressed repeats folded into the messages. */
  finish(): UploadProblem[] {
    const out = this.list
      .map((p) => {
        const n = this.seen.get(p.code) ?? 1;
        return n > 1 ? { ...p, message: `${p.message} (the same problem is on ${n - 1} more line(s))` } : p;
      })
      .sort((a, b) => a.line - b.line);
    if (this.truncated) {
      out.push({ line: out[out.length - 1]?.line ?? 1, field: '', code: 'TOO_MANY_PROBLEMS', message: `More than ${MAX_PROBLEMS} problems; the rest are not listed.` });
    }
    return out;
  }
}

/** Decodes strictly; null text plus the line of the first undecodable byte otherwise. */
export function decodeStrict(bytes: Uint8Array, encoding: SandboxClient['encoding']): { text: string } | { badLine: number } {
  if (encoding !== 'utf-8') return { text: new TextDecoder(encoding === 'iso-8859-1' ? 'latin1' : 'windows-1252').decode(bytes) };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    let line = 1;
    let start = 0;
    const dec = new TextDecoder('utf-8', { fatal: true });
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 10) {
        try {
          dec.decode(bytes.subarray(start, i));
        } catch {
          return { badLine: line };
        }
        line++;
        start = i + 1;
      }
    }
    return { badLine: line };
  }
}

/** Parses a record, recognising a file written with `,`, tab or `|` instead of `;`. */
function parseWithSeparatorCheck(raw: string, expected: number): { parsed: ParsedRecord; wrongSeparator: string | null } {
  const parsed = parseRecord(raw, ';');
  const dirty = parsed.fields.length !== expected || parsed.issues.some((i) => i.code !== 'CRLF');
  if (dirty && expected > 1) {
    for (const sep of [',', '\t', '|']) {
      const alt = parseRecord(raw, sep);
      if (alt.fields.length === expected && alt.issues.every((i) => i.code === 'CRLF' || i.code === 'UNQUOTED_FIELD')) return { parsed, wrongSeparator: sep };
    }
  }
  return { parsed, wrongSeparator: null };
}

const SEP_NAMES: Record<string, string> = { ',': 'a comma', '\t': 'a tab', '|': 'a pipe' };

const ISSUE_TEXT: Record<string, string> = {
  UNQUOTED_FIELD: 'is not wrapped in double quotes; every field, even an empty one, must be "quoted"',
  STRAY_QUOTE: 'has a double quote inside it that is not doubled ("") or text after its closing quote',
  UNTERMINATED_QUOTE: 'opens a double quote that is never closed',
  CRLF: 'ends with CR LF; lines must end with LF only',
};

/**
 * Checks the lines of one file against its fields: dialect and field count first, then
 * (when `check` is given) the per-field rules. Returns the records whose dialect is sound.
 */
function checkFile(
  text: string,
  fields: readonly MasterField[],
  problems: Problems,
  prefix: string,
  where: string,
  check: (line: number, values: readonly string[]) => void,
): { line: number; values: readonly string[] }[] {
  const fieldName = (i: number): string => prefix + (fields[i]?.name ?? `#${i + 1}`);
  const ok: { line: number; values: readonly string[] }[] = [];
  if (text.charCodeAt(0) === 0xfeff) {
    problems.add({ line: 1, field: fieldName(0), code: 'BOM', message: `${where}starts with a byte order mark; the file must be UTF-8 without BOM.` });
    text = text.slice(1);
  }
  const records = splitRecords(text);
  if (records.length === 0) {
    problems.add({ line: 1, field: fieldName(0), code: 'EMPTY_FILE', message: `${where || 'The file '}contains no records; upload at least one line.` });
    return ok;
  }
  const lowerNames = fields.map((f) => f.name.toLowerCase());
  for (const rec of records) {
    if (rec.raw === '' || rec.raw === '\r') {
      problems.add({ line: rec.line, field: fieldName(0), code: 'EMPTY_LINE', message: `${where}line ${rec.line} is empty; remove blank lines.` });
      continue;
    }
    const { parsed, wrongSeparator } = parseWithSeparatorCheck(rec.raw, fields.length);
    if (wrongSeparator) {
      problems.add({
        line: rec.line,
        field: fieldName(0),
        code: 'WRONG_SEPARATOR',
        message: `${where}line ${rec.line} separates fields with ${SEP_NAMES[wrongSeparator]}; the separator must be a semicolon (;).`,
      });
      continue;
    }
    if (parsed.fields.length === fields.length && parsed.fields.every((v, i) => v.trim().toLowerCase() === lowerNames[i])) {
      problems.add({ line: rec.line, field: fieldName(0), code: 'HEADER_ROW', message: `${where}line ${rec.line} is a header row; the file must not contain column names.` });
      continue;
    }
    let broken = false;
    for (const issue of parsed.issues) {
      broken = true;
      const idx = Math.min(issue.fieldIndex, Math.max(fields.length - 1, 0));
      problems.add({ line: rec.line, field: fieldName(issue.code === 'CRLF' ? idx : issue.fieldIndex), code: issue.code, message: `${where}line ${rec.line}, field ${fieldName(issue.fieldIndex)} ${ISSUE_TEXT[issue.code]}.` });
    }
    if (parsed.fields.length !== fields.length) {
      broken = true;
      const n = parsed.fields.length;
      const field = n < fields.length ? fieldName(n) : `${prefix}#${fields.length + 1}`;
      problems.add({
        line: rec.line,
        field,
        code: 'FIELD_COUNT',
        message: `${where}line ${rec.line} has ${n} field(s), the client setup has ${fields.length} (${fields.map((f) => f.name).join('; ')}); ${n < fields.length ? `${fields[n].name} and later are missing` : 'remove the extra fields'}.`,
      });
    }
    if (broken) continue;
    check(rec.line, parsed.fields);
    ok.push({ line: rec.line, values: parsed.fields });
  }
  return ok;
}

/** Type and length rules of one master-list field. */
function checkType(field: MasterField, value: string, line: number, name: string, problems: Problems, where: string): void {
  if (value === '') {
    if (field.required) problems.add({ line, field: name, code: 'REQUIRED', message: `${where}line ${line}: ${field.name} is required but empty.` });
    return;
  }
  switch (field.type) {
    case 'Varchar': {
      const max = field.length ?? 255;
      const len = [...value].length;
      if (len > max) problems.add({ line, field: name, code: 'TOO_LONG', message: `${where}line ${line}: ${field.name} has ${len} characters, at most ${max} are allowed (Varchar(${max})).` });
      break;
    }
    case 'Bigint':
      // The regex first: the shared BigintString's refine throws on non-digits (zod runs it anyway).
      if (!/^\d{1,19}$/.test(value) || !BigintString.safeParse(value).success)
        problems.add({ line, field: name, code: 'NOT_BIGINT', message: `${where}line ${line}: ${field.name} "${value.slice(0, 40)}" is not a whole number that fits Bigint (digits only, at most 9223372036854775807).` });
      break;
    case 'URL':
      if (!validator.isURL(value, { require_protocol: true, protocols: ['http', 'https'] }))
        problems.add({ line, field: name, code: 'NOT_URL', message: `${where}line ${line}: ${field.name} "${value.slice(0, 80)}" is not an http(s) URL.` });
      break;
    case 'Date':
      if (!validator.isISO8601(value, { strict: true }))
        problems.add({ line, field: name, code: 'NOT_DATE', message: `${where}line ${line}: ${field.name} "${value.slice(0, 40)}" is not a date (YYYY-MM-DD).` });
      break;
  }
}

/**
 * Checks an upload the way the sandbox's cron job does, without touching the disk.
 *
 * Dialect, field count and types come from the client setup; `broadmail_ID` must name a
 * known, not activated source mailing; with a products file every referenced product
 * must be in it. Problems name the line and field so the operator can fix the file.
 */
export function validateUpload(input: ValidationInput): ValidationResult {
  const { client } = input;
  const problems = new Problems();
  let products: SandboxProduct[] = [];
  let productIds: Set<string> | null = null;

  if (input.products) {
    const where = `Products file ${input.productsName ?? ''}: `.replace(' : ', ': ');
    const pf = client.productFields;
    const idIdx = pf.findIndex((f) => f.name === client.productIdColumn);
    const titleIdx = pf.findIndex((f) => f.name === client.productTitleColumn);
    const urlIdx = pf.findIndex((f) => f.name === client.productUrlColumn);
    const decoded = decodeStrict(input.products, client.encoding);
    if ('badLine' in decoded) {
      problems.add({ line: decoded.badLine, field: `products:${pf[0].name}`, code: 'ENCODING', message: `${where}line ${decoded.badLine} is not valid ${client.encoding}.` });
    } else {
      const seen = new Map<string, number>();
      const rows = checkFile(decoded.text, pf, problems, 'products:', where, (line, values) => {
        pf.forEach((f, i) => checkType(f, values[i], line, `products:${f.name}`, problems, where));
        if (idIdx >= 0 && values[idIdx] !== '') {
          const first = seen.get(values[idIdx]);
          if (first !== undefined)
            problems.add({ line, field: `products:${pf[idIdx].name}`, code: 'DUPLICATE_PRODUCT', message: `${where}line ${line}: product ${values[idIdx]} is already on line ${first}.` });
          else seen.set(values[idIdx], line);
        }
      });
      productIds = new Set(seen.keys());
      products = rows
        .filter((r) => idIdx >= 0 && r.values[idIdx] !== '')
        .map((r) => ({ id: r.values[idIdx], title: titleIdx >= 0 ? r.values[titleIdx] : '', url: urlIdx >= 0 ? r.values[urlIdx] : '' }));
    }
  }

  const fields = client.fields;
  const emailIdx = fields.findIndex((f) => f.name === client.emailField);
  const mailingIdx = fields.findIndex((f) => f.name === client.mailingIdField);
  const productIdx = client.productIdFields.map((n) => fields.findIndex((f) => f.name === n)).filter((i) => i >= 0);
  const mailings = new Map(client.mailings.map((m) => [m.id, m]));
  const recipients: ValidRecipient[] = [];

  const decoded = decodeStrict(input.subscribers, client.encoding);
  if ('badLine' in decoded) {
    problems.add({ line: decoded.badLine, field: fields[0].name, code: 'ENCODING', message: `Line ${decoded.badLine} is not valid ${client.encoding}; save the file as ${client.encoding}.` });
  } else {
    const before = problems.list.length;
    const rows = checkFile(decoded.text, fields, problems, '', '', (line, values) => {
      fields.forEach((f, i) => checkType(f, values[i], line, f.name, problems, ''));
      if (emailIdx >= 0 && values[emailIdx] !== '' && !validator.isEmail(values[emailIdx]))
        problems.add({ line, field: fields[emailIdx].name, code: 'INVALID_EMAIL', message: `Line ${line}: "${values[emailIdx].slice(0, 80)}" is not a valid e-mail address.` });
      if (mailingIdx >= 0 && values[mailingIdx] !== '') {
        const m = mailings.get(values[mailingIdx]);
        if (!m)
          problems.add({
            line,
            field: fields[mailingIdx].name,
            code: 'UNKNOWN_MAILING',
            message: `Line ${line}: ${values[mailingIdx]} is not a source mailing of client ${client.name}; use the ID of a source mailing created in Smart Campaigns.`,
          });
        else if (m.activated)
          problems.add({
            line,
            field: fields[mailingIdx].name,
            code: 'MAILING_ACTIVATED',
            message: `Line ${line}: source mailing ${m.id} "${m.name}" is activated, so no copy can be made; use a source mailing in status New or Activation required.`,
          });
      }
      if (productIds) {
        for (const i of productIdx) {
          if (values[i] !== '' && !productIds.has(values[i]))
            problems.add({ line, field: fields[i].name, code: 'UNKNOWN_PRODUCT', message: `Line ${line}: product ${values[i]} is not in the products file ${input.productsName ?? ''}.`.replace(' .', '.') });
        }
      }
    });
    if (problems.list.length === before) for (const r of rows) recipients.push(r);
  }

  const list = problems.finish();
  if (list.length > 0) return { ok: false, problems: list };
  return { ok: true, recipients, products };
}
