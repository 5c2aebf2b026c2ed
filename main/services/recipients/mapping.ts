import { createHash, randomBytes } from 'node:crypto';
import type { MasterField } from '../../../shared/contract/profiles';
import type { FieldMapping } from '../../../shared/contract/recipients';

export type { FieldMapping, MappingSource } from '../../../shared/contract/recipients';

/** Values that are the same for the whole send. */
export interface MappingContext {
  /** The chosen source mailing; fills `broadmail_ID` unless a column is mapped. */
  readonly sourceMailingId: string;
  /** This send's wave ID; fills `WAVE_ID` unless a column is mapped. */
  readonly waveId: string;
}

/**
 * Lower-cases, folds umlauts and drops everything but letters and digits, so `E-Mail`, `e_mail`
 * and `E Mail` compare equal.
 */
export function normaliseHeader(s: string): string {
  return s
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[^a-z0-9]/g, '');
}

/** Field kinds with known header synonyms (English and German), by normalised field name. */
const SYNONYMS: Record<string, readonly string[]> = {
  email: ['email', 'emailaddress', 'emailadresse', 'emailadr', 'mail', 'mailadresse', 'mailaddress', 'emailid', 'useremail', 'empfaenger', 'recipient'],
  broadmailid: ['broadmailid', 'mailingid', 'sourcemailing', 'sourcemailingid', 'quellmailing'],
  waveid: ['waveid', 'wave', 'welle', 'wellenid', 'selectionid'],
  salutation: ['salutation', 'anrede', 'title', 'titel', 'gender', 'geschlecht', 'greeting'],
  firstname: ['firstname', 'vorname', 'givenname', 'forename', 'first', 'fname'],
  lastname: ['lastname', 'nachname', 'surname', 'familyname', 'familienname', 'name', 'zuname', 'last', 'lname'],
  productid: ['productid', 'produktid', 'sku', 'artikelnummer', 'artnr', 'articleid', 'artikelid', 'id'],
  title: ['title', 'titel', 'productname', 'produktname', 'name', 'bezeichnung', 'artikelname'],
  description: ['description', 'beschreibung', 'desc', 'text', 'details'],
  imageurl: ['imageurl', 'image', 'bild', 'bildurl', 'img', 'picture', 'imagelink'],
  linkurl: ['linkurl', 'link', 'url', 'producturl', 'produkturl', 'deeplink', 'landingpage'],
  price: ['price', 'preis', 'amount', 'betrag', 'cost'],
};

/** Synonyms that are also plausible for another field get a lower score. */
const WEAK = new Set(['name', 'title', 'titel', 'id', 'text', 'first', 'last', 'recipient', 'empfaenger', 'gender', 'geschlecht']);

/** True for the field that carries the source mailing ID (`broadmail_ID`). */
export function isSourceMailingField(name: string): boolean {
  return normaliseHeader(name) === 'broadmailid';
}

/** True for the wave field (`WAVE_ID`). */
export function isWaveField(name: string): boolean {
  return normaliseHeader(name) === 'waveid';
}

/** True for the recipient e-mail field (`Email` and spellings of it). */
export function isEmailField(name: string): boolean {
  const n = normaliseHeader(name);
  return n === 'email' || n === 'emailaddress' || n === 'emailadresse';
}

/** Edit distance where swapping two neighbours counts as one edit (Emial → Email). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Confidence that a header means a field: 1 exact, 0.9/0.75 synonym, up to 0.7 fuzzy, 0 none. */
export function matchScore(header: string, field: string): number {
  const h = normaliseHeader(header);
  const f = normaliseHeader(field);
  if (h === '' || f === '') return 0;
  if (h === f) return 1;
  const syn = SYNONYMS[f];
  if (syn && syn.includes(h)) return WEAK.has(h) ? 0.75 : 0.9;
  // Fuzzy: small typos (Emial, Vornmae) or a known word inside a longer header (Kunden-E-Mail).
  const candidates = [f, ...(syn ?? []).filter((s) => !WEAK.has(s))];
  let best = 0;
  for (const c of candidates) {
    if (c.length >= 4 && h.length >= 4) {
      // The distance is at least the length difference, so a header that much longer cannot reach
      // 0.75; skipping it keeps a megabyte-long header (an unclosed quote) from taking minutes.
      const longer = Math.max(h.length, c.length);
      if (Math.abs(h.length - c.length) <= 0.25 * longer) {
        const sim = 1 - editDistance(h, c) / longer;
        if (sim >= 0.75) best = Math.max(best, 0.5 + (sim - 0.75) * 0.8);
      }
      if (h.includes(c) || c.includes(h)) best = Math.max(best, 0.6 * (Math.min(h.length, c.length) / Math.max(h.length, c.length)) + 0.1);
    }
  }
  return Math.min(best, 0.7);
}

/** Below this a fuzzy match is not proposed at all. */
const MIN_CONFIDENCE = 0.45;

/**
 * Proposes a source for every field: the best-matching header (each header used at most once,
 * strongest matches first), else the source mailing for `broadmail_ID`, a generated wave for
 * `WAVE_ID`, or nothing. The operator confirms or corrects it on the mapping screen.
 */
export function suggestMapping(headers: readonly string[], fields: readonly Pick<MasterField, 'name'>[]): FieldMapping[] {
  const pairs: { f: number; c: number; score: number }[] = [];
  for (let f = 0; f < fields.length; f++) {
    for (let c = 0; c < headers.length; c++) {
      const score = matchScore(headers[c], fields[f].name);
      if (score >= MIN_CONFIDENCE) pairs.push({ f, c, score });
    }
  }
  // Greedy by score; ties keep field order and then the leftmost column.
  pairs.sort((a, b) => b.score - a.score || a.f - b.f || a.c - b.c);
  const byField = new Map<number, { c: number; score: number }>();
  const usedColumns = new Set<number>();
  for (const p of pairs) {
    if (byField.has(p.f) || usedColumns.has(p.c)) continue;
    byField.set(p.f, { c: p.c, score: p.score });
    usedColumns.add(p.c);
  }
  return fields.map((field, f) => {
    const hit = byField.get(f);
    if (hit) return { field: field.name, source: { kind: 'column', column: hit.c, header: headers[hit.c], confidence: Math.round(hit.score * 100) / 100 } };
    if (isSourceMailingField(field.name)) return { field: field.name, source: { kind: 'sourceMailing' } };
    if (isWaveField(field.name)) return { field: field.name, source: { kind: 'generatedWave' } };
    return { field: field.name, source: { kind: 'none' } };
  });
}

/**
 * A stable key for a header set, so a mapping saved for one export is offered again for the
 * next file with the same columns (in any order, any case or spacing).
 */
export function mappingKey(headers: readonly string[]): string {
  const set = [...new Set(headers.map(normaliseHeader).filter((h) => h !== ''))].sort();
  return createHash('sha256').update(set.join('\u001f')).digest('hex').slice(0, 16);
}

/**
 * Re-points a saved mapping at the columns of a new file by header text (columns may have moved).
 * A column whose header is gone becomes `none`, so validation flags it instead of reading garbage.
 */
export function rebaseMapping(mapping: readonly FieldMapping[], headers: readonly string[]): FieldMapping[] {
  const index = new Map<string, number>();
  headers.forEach((h, i) => {
    const n = normaliseHeader(h);
    if (!index.has(n)) index.set(n, i);
  });
  return mapping.map((m) => {
    if (m.source.kind !== 'column') return m;
    const exact = headers[m.source.column] === m.source.header ? m.source.column : index.get(normaliseHeader(m.source.header));
    return exact === undefined ? { field: m.field, source: { kind: 'none' } } : { field: m.field, source: { ...m.source, column: exact, header: headers[exact] } };
  });
}

let lastWave = 0n;

/**
 * A new wave ID: a unique positive decimal that fits a signed 64-bit integer.
 * Milliseconds since 2020 times 65536 plus 16 random bits: sortable, room until the year 6400,
 * and strictly increasing within one process even for two sends in the same millisecond.
 */
export function newWaveId(now: Date = new Date()): string {
  const ms = BigInt(Math.max(0, now.getTime() - Date.UTC(2020, 0, 1)));
  let id = (ms << 16n) | BigInt(randomBytes(2).readUInt16BE(0));
  if (id <= lastWave) id = lastWave + 1n;
  lastWave = id;
  return (id === 0n ? 1n : id).toString();
}

/** A mapping compiled into one function, for the hot loop of a big file. */
export type CompiledMapping = (row: readonly string[]) => string[];

/** Compiles a mapping once; {@link applyMapping} does the same per call. */
export function compileMapping(mapping: readonly FieldMapping[], ctx: MappingContext): CompiledMapping {
  const n = mapping.length;
  // Column index per field (-1 = a fixed value), so the hot loop makes no function calls.
  const index = new Int32Array(n);
  const fixed: string[] = new Array<string>(n).fill('');
  mapping.forEach((m, i) => {
    const s = m.source;
    index[i] = s.kind === 'column' ? s.column : -1;
    if (s.kind === 'constant') fixed[i] = s.value;
    else if (s.kind === 'sourceMailing') fixed[i] = ctx.sourceMailingId;
    else if (s.kind === 'generatedWave') fixed[i] = ctx.waveId;
  });
  return (row) => {
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const c = index[i];
      out[i] = c < 0 ? fixed[i] : (row[c] ?? '');
    }
    return out;
  };
}

/** The values of one source row in master-list field order. */
export function applyMapping(mapping: readonly FieldMapping[], row: readonly string[], ctx: MappingContext): string[] {
  return compileMapping(mapping, ctx)(row);
}
