import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../../shared/contract/result';
import { errorText } from '../../../shared/i18n/error-text';
import { appIntl } from '../../../shared/i18n/intl';
import { DEFAULT_MASTER_FIELDS, DEFAULT_PRODUCT_FIELDS, type MasterField } from '../../../shared/contract/profiles';
import { prepare } from '../../../main/services/recipients/prepare';
import { missingProductIds } from '../../../main/services/recipients/products';

const FIX = join(process.cwd(), 'test/fixtures/recipients');
const now = new Date('2024-06-01T10:00:00Z');
const base = { fields: DEFAULT_MASTER_FIELDS, sourceMailingId: '44018617811', waveId: '46623317811', encoding: 'utf-8' as const, timeZone: 'Europe/Berlin', now };

describe('prepare', () => {
  it('German Excel CSV → exact recipient file plus a rejected file with reasons', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'loopdesk-prep-'));
    const suppressed = (e: string): string | undefined => (e === 'zitat@example.de' ? 'bounced' : undefined);
    const report = await prepare({ ...base, input: join(FIX, 'german-excel.csv'), outDir, suppressed });
    expect(report).toMatchObject({ rows: 5, valid: 2, excludedCount: 3, emptyRows: 1, format: 'csv', sourceEncoding: 'windows-1252', delimiter: ';' });
    expect(report.files.subscribers).toBe(join(outDir, '20240601120000_subscribers.csv'));
    expect(readFileSync(report.files.subscribers, 'utf8')).toBe(
      '"juergen.mueller@example.de";"44018617811";"46623317811";"Herr";"Jürgen";"Müller"\n' +
        '"Anna.Schoen@Example.de";"44018617811";"46623317811";"Frau";"Anna";"Schön"\n',
    );
    expect(report.excluded.map((e) => [e.line, e.reasons.map((r) => r.code)])).toEqual([
      [5, ['INVALID_EMAIL']],
      [6, ['DUPLICATE_EMAIL']],
      [7, ['SUPPRESSED']],
    ]);
    expect(report.summary.fixes).toEqual({ TRIMMED: 1 });
    const rejected = readFileSync(report.rejectedFile!, 'utf8');
    expect(rejected.startsWith('\uFEFF"line";"reasons";"E-Mail";"Anrede"')).toBe(true);
    expect(rejected).toContain('"5";"""kein-at-zeichen.example.de"" is not a valid e-mail address";"kein-at-zeichen.example.de"');
    expect(readdirSync(outDir).sort()).toEqual(['20240601120000_rejected.csv', '20240601120000_subscribers.csv']);
  });

  it('writes the rejected rows’ reasons in the language of the window that asked (English without one)', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'loopdesk-prep-de-'));
    const report = await prepare({ ...base, input: join(FIX, 'german-excel.csv'), outDir, language: 'de' });
    const rejected = readFileSync(report.rejectedFile!, 'utf8');
    expect(rejected.startsWith('\uFEFF"line";"reasons";"E-Mail";"Anrede"')).toBe(true);
    expect(rejected).toContain('"5";"„kein-at-zeichen.example.de“ ist keine gültige E-Mail-Adresse";"kein-at-zeichen.example.de"');
    expect(rejected).not.toContain('is not a valid e-mail address');
  });

  it('xlsx in → ISO-8859-1 out, next free second when the name is taken, generated wave', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'loopdesk-prep-'));
    const first = await prepare({ ...base, input: join(FIX, 'recipients.xlsx'), outDir, encoding: 'iso-8859-1', waveId: undefined });
    expect(first.files.subscribers.endsWith('20240601120000_subscribers.csv')).toBe(true);
    expect(first.waveId).toMatch(/^\d+$/);
    const text = iconv.decode(readFileSync(first.files.subscribers), 'iso-8859-1');
    expect(text.split('\n')).toEqual([
      `"juergen.mueller@example.de";"44018617811";"${first.waveId}";"Herr";"Jürgen";"Müller"`,
      `"inline@example.de";"44018617811";"${first.waveId}";"Frau";"Ünal";"Çelik"`,
      '',
    ]);
    const second = await prepare({ ...base, input: join(FIX, 'recipients.xlsx'), outDir, taken: (n) => n.startsWith('20240601120001') });
    expect(second.files.subscribers.endsWith('20240601120002_subscribers.csv')).toBe(true);
  });

  it('UTF-16 text with mapped extra fields; unencodable values are excluded, not written as ?', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'loopdesk-prep-'));
    const report = await prepare({ ...base, input: join(FIX, 'utf8-bom-comma.csv'), outDir, encoding: 'iso-8859-1' });
    // 😀 lives in a column that is not mapped, so only the duplicate and the bad address are out.
    expect(report.excluded.map((e) => e.reasons[0].code)).toEqual(['INVALID_EMAIL', 'DUPLICATE_EMAIL']);
    const fields: MasterField[] = [...DEFAULT_MASTER_FIELDS, { name: 'Comment', type: 'Varchar', length: 255, required: false }];
    const withComment = await prepare({ ...base, fields, input: join(FIX, 'utf8-bom-comma.csv'), outDir, encoding: 'iso-8859-1' });
    expect(withComment.excluded.find((e) => e.line === 3)?.reasons[0]).toMatchObject({ code: 'UNENCODABLE', field: 'Comment' });
    expect(readFileSync(withComment.files.subscribers, 'latin1')).not.toContain('?');
  });

  it('refuses when a required field has no column, and when no row is valid', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'loopdesk-prep-'));
    await expect(
      prepare({ ...base, input: join(FIX, 'catalog.csv'), outDir }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: ['Email'] } });
    await expect(prepare({ ...base, sourceMailingId: '12a', input: join(FIX, 'german-excel.csv'), outDir })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const mapping = [{ field: 'Email', source: { kind: 'column' as const, column: 1, header: 'Anrede', confidence: 1 } }];
    const err = await prepare({ ...base, mapping, input: join(FIX, 'german-excel.csv'), outDir }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', details: { valid: 0, excludedCount: 5 } });
    expect(readdirSync(outDir).filter((f) => f.includes('subscribers'))).toEqual([]);
  });

  it('escapes what needs it on the unquoted-record fast path too: a constant with quotes, a line break kept', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'loopdesk-prep-'));
    const input = join(outDir, 'plain.csv');
    writeFileSync(input, 'E-Mail;Anrede;Vorname;Nachname\na@example.de;Herr;Jan;Ost\n"b@example.de";Frau;"Ev\r\na";"Sag ""Hi"""\n');
    const mapping = (salutation: string) => [
      { field: 'Email', source: { kind: 'column' as const, column: 0, header: 'E-Mail', confidence: 1 } },
      { field: 'broadmail_ID', source: { kind: 'sourceMailing' as const } },
      { field: 'WAVE_ID', source: { kind: 'generatedWave' as const } },
      { field: 'Salutation', source: { kind: 'constant' as const, value: salutation } },
      { field: 'First name', source: { kind: 'column' as const, column: 2, header: 'Vorname', confidence: 1 } },
      { field: 'Last name', source: { kind: 'column' as const, column: 3, header: 'Nachname', confidence: 1 } },
    ];
    const quoted = await prepare({ ...base, input, outDir, mapping: mapping('Liebe "Kundin"'), lineBreaks: 'keep', parallel: false });
    expect(quoted.valid).toBe(2);
    expect(readFileSync(quoted.files.subscribers, 'utf8')).toBe(
      '"a@example.de";"44018617811";"46623317811";"Liebe ""Kundin""";"Jan";"Ost"\n' + '"b@example.de";"44018617811";"46623317811";"Liebe ""Kundin""";"Ev\na";"Sag ""Hi"""\n',
    );
    const plain = await prepare({ ...base, input, outDir, mapping: mapping('Hallo'), lineBreaks: 'keep', parallel: false, now: new Date('2024-06-01T10:00:05Z') });
    expect(readFileSync(plain.files.subscribers, 'utf8')).toBe('"a@example.de";"44018617811";"46623317811";"Hallo";"Jan";"Ost"\n' + '"b@example.de";"44018617811";"46623317811";"Hallo";"Ev\na";"Sag ""Hi"""\n');
  });

  it('writes the products file under the same timestamp and lists missing product IDs', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'loopdesk-prep-'));
    const fields: MasterField[] = [DEFAULT_MASTER_FIELDS[0], DEFAULT_MASTER_FIELDS[1], DEFAULT_MASTER_FIELDS[4], DEFAULT_MASTER_FIELDS[5], { name: 'Produkt', type: 'Varchar', length: 255, required: false }];
    const report = await prepare({
      ...base,
      fields,
      input: join(FIX, 'recipients-with-products.csv'),
      outDir,
      products: { input: join(FIX, 'catalog.csv'), fields: DEFAULT_PRODUCT_FIELDS },
    });
    expect(report.files.products).toBe(join(outDir, '20240601120000_products.csv'));
    expect(readFileSync(report.files.products!, 'utf8')).toBe(
      '"P-1";"Teekanne";"Aus Glas";"https://shop.example.de/p1.jpg";"https://shop.example.de/p1";"19,90"\n' +
        '"P-2";"Tasse";"Mit ""Henkel""";"https://shop.example.de/p2.jpg";"https://shop.example.de/p2";"4,50"\n',
    );
    expect(report.products).toMatchObject({ rows: 2, excludedCount: 2, missingIds: ['P-9'], missingCount: 1 });
    // The rows using a missing product are named by their file line, so they can be left out in one action.
    expect(report.products?.missingUses).toEqual([{ id: 'P-9', rows: 1, lines: [4] }]);
    expect(report.products?.excluded.map((e) => e.reasons.map((r) => r.code))).toEqual([['DUPLICATE_ID'], ['INVALID_URL', 'INVALID_URL']]);
    expect(existsSync(join(outDir, '20240601120000_subscribers.csv'))).toBe(true);
  });
});

describe('prepare with operator edits', () => {
  const input = join(FIX, 'german-excel.csv');
  const suppressed = (e: string): string | undefined => (e === 'zitat@example.de' ? 'bounced' : undefined);

  it('lists excluded rows with their mapped values in field order', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'loopdesk-edit-'));
    const report = await prepare({ ...base, input, outDir, suppressed });
    expect(report.excludedByOperator).toBe(0);
    expect(report.excluded.map((e) => [e.line, e.values])).toEqual([
      [5, ['kein-at-zeichen.example.de', '44018617811', '46623317811', 'Herr', 'Björn', 'Weiß']],
      [6, ['anna.schoen@example.de', '44018617811', '46623317811', 'Frau', 'Anna', 'Schön (Duplikat)']],
      [7, ['zitat@example.de', '44018617811', '46623317811', 'Frau', 'Eva "Evi"', 'Groß']],
    ]);
  });

  it('validates an overridden e-mail again: the fixed row is sent, a still-bad override stays excluded', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'loopdesk-edit-'));
    const report = await prepare({
      ...base,
      input,
      outDir,
      suppressed,
      edits: {
        overrides: [
          { line: 5, field: 'Email', value: 'wrong-again' },
          { line: 5, field: 'Email', value: ' bjoern.weiss@example.de' },
          { line: 7, field: 'Last name', value: 'Groß-Berg' },
        ],
        excludedLines: [],
      },
    });
    expect(report).toMatchObject({ rows: 5, valid: 3, excludedCount: 2, excludedByOperator: 0 });
    expect(readFileSync(report.files.subscribers, 'utf8').split('\n')).toContain('"bjoern.weiss@example.de";"44018617811";"46623317811";"Herr";"Björn";"Weiß"');
    // The override of line 7 is applied, but the address is still suppressed.
    expect(report.excluded.map((e) => [e.line, e.reasons.map((r) => r.code), e.values[5]])).toEqual([
      [6, ['DUPLICATE_EMAIL'], 'Schön (Duplikat)'],
      [7, ['SUPPRESSED'], 'Groß-Berg'],
    ]);
    const bad = await prepare({ ...base, input, outDir, edits: { overrides: [{ line: 2, field: 'Email', value: 'kaputt@' }], excludedLines: [] } });
    expect(bad.excluded.find((e) => e.line === 2)).toMatchObject({ reasons: [{ code: 'INVALID_EMAIL' }], values: ['kaputt@', '44018617811', '46623317811', 'Herr', 'Jürgen', 'Müller'] });
  });

  it('leaves an excluded line out: not sent, not in the rejected list or file, counted apart', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'loopdesk-edit-'));
    const report = await prepare({ ...base, input, outDir, suppressed, edits: { overrides: [], excludedLines: [2, 5, 99] } });
    expect(report).toMatchObject({ rows: 5, valid: 1, excludedCount: 2, excludedByOperator: 2 });
    expect(report.summary).toMatchObject({ rows: 3, valid: 1, excluded: 2, problems: { DUPLICATE_EMAIL: 1, SUPPRESSED: 1 } });
    expect(report.excluded.map((e) => e.line)).toEqual([6, 7]);
    expect(readFileSync(report.files.subscribers, 'utf8')).toBe('"Anna.Schoen@Example.de";"44018617811";"46623317811";"Frau";"Anna";"Schön"\n');
    const rejected = readFileSync(report.rejectedFile!, 'utf8');
    expect([...rejected.matchAll(/^"(\d+)";/gm)].map((m) => m[1])).toEqual(['6', '7']);
  });

  it('says so when every row is excluded by the operator', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'loopdesk-edit-'));
    const err = await prepare({ ...base, input, outDir, edits: { excludedLines: [2, 3, 5, 6, 7] } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', details: { rows: 5, valid: 0, excludedCount: 0, excludedByOperator: 5 } });
    expect((err as Error).message).toMatch(/All 5 rows are excluded/);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it.each([
    ['a field that is not in the master list', { line: 5, field: 'E-Mail', value: 'x@example.de' }, /“E-Mail”, which is not in this client’s master list/],
    ['a line past the end', { line: 99, field: 'Email', value: 'x@example.de' }, /line 99, which is not a recipient row/],
    ['an empty row', { line: 4, field: 'Email', value: 'x@example.de' }, /line 4, which is not a recipient row/],
    ['the header row', { line: 1, field: 'Email', value: 'x@example.de' }, /line 1, which is not a recipient row/],
    ['line 0', { line: 0, field: 'Email', value: 'x@example.de' }, /line 0, which is not a row number/],
    ['a value with a lone surrogate', { line: 2, field: 'First name', value: 'J\uD800rgen' }, /broken character/],
  ])('refuses an override for %s with INVALID_INPUT and leaves no files', async (_, override, message) => {
    const outDir = mkdtempSync(join(tmpdir(), 'loopdesk-edit-'));
    const err = await prepare({ ...base, input, outDir, edits: { overrides: [override], excludedLines: [] } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_INPUT' });
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/redo the correction|Type the value again/);
    expect(readdirSync(outDir)).toEqual([]);
  });
});

describe('one source mailing per file (broadmail_ID from a column)', () => {
  /** A CSV with a broadmail_ID column; `ids[i]` is the value of data row i (line i + 2). */
  function withIds(ids: readonly string[]): string {
    const dir = mkdtempSync(join(tmpdir(), 'loopdesk-prep-in-'));
    const path = join(dir, 'list.csv');
    writeFileSync(path, ['E-Mail;broadmail_ID;Vorname', ...ids.map((id, i) => `p${i}@example.de;${id};P${i}`)].join('\n'));
    return path;
  }

  it('refuses the whole file when a row names another source mailing, with the lines, and leaves no file', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'loopdesk-prep-'));
    const input = withIds(['44018617811', '44018617811', '55555555555', ' 044018617811 ', '66666666666', '55555555555']);
    const run = prepare({ ...base, input, outDir });
    await expect(run).rejects.toMatchObject({
      code: 'SOURCE_MAILING_MISMATCH',
      details: { chosen: '44018617811', count: 3, lines: [{ line: 4, value: '55555555555' }, { line: 6, value: '66666666666' }, { line: 7, value: '55555555555' }], others: ['55555555555', '66666666666'] },
      message: expect.stringContaining('(line: ID 4: 55555555555, 6: 66666666666, 7: 55555555555)'),
      messageId: 'error.recipients.sourceMailingMismatch',
    });
    // The client builds the sentence in its language from the key and values.
    const err = (await prepare({ ...base, input, outDir }).then(
      () => null,
      (e: unknown) => e,
    )) as AppError;
    expect(errorText(appIntl('de'), err)).toBe(
      '3 Zeilen nennen in broadmail_ID ein anderes Quellmailing als das gewählte 44018617811 (Zeile: ID 4: 55555555555, 6: 66666666666, 7: 55555555555). Eine Datei gehört zu einem Quellmailing, deshalb wurde nichts gesendet. Füllen Sie broadmail_ID in jeder Zeile mit dem gewählten Mailing, wählen Sie das Mailing, das die Datei nennt, oder lassen Sie diese Zeilen aus.',
    );
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('the same mailing (also with leading zeros or spaces) passes; operator-excluded lines do not count', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'loopdesk-prep-'));
    const input = withIds(['44018617811', '044018617811', ' 44018617811', '99999999999']);
    const report = await prepare({ ...base, input, outDir, edits: { excludedLines: [5] } });
    expect(report.valid).toBe(3);
    expect(report.sourceMailingMismatch).toBeUndefined();
  });

  it('a constant broadmail_ID other than the chosen mailing is refused too', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'loopdesk-prep-'));
    const input = withIds(['', '']);
    const first = await prepare({ ...base, input, outDir: mkdtempSync(join(tmpdir(), 'loopdesk-prep-')), edits: { excludedLines: [] } }).catch((e) => e);
    expect(first).toMatchObject({ code: 'VALIDATION_FAILED' }); // empty broadmail_ID: REQUIRED on every row
    const mapping = [
      { field: 'Email', source: { kind: 'column' as const, column: 0, header: 'E-Mail', confidence: 1 } },
      { field: 'broadmail_ID', source: { kind: 'constant' as const, value: '12345' } },
    ];
    await expect(prepare({ ...base, input, outDir, mapping })).rejects.toMatchObject({ code: 'SOURCE_MAILING_MISMATCH', details: { count: 2, others: ['12345'] } });
  });

  it('in report mode (the check step) the rows are listed, at most 1000, with the full count', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'loopdesk-prep-'));
    const ids = Array.from({ length: 1600 }, (_, i) => (i % 3 === 0 ? '44018617811' : String(70000000000 + (i % 30))));
    const report = await prepare({ ...base, input: withIds(ids), outDir, sourceMailingMismatch: 'report' });
    expect(report.sourceMailingMismatch).toMatchObject({ chosen: '44018617811', count: 1066 });
    expect(report.sourceMailingMismatch!.lines).toHaveLength(1000);
    expect(report.sourceMailingMismatch!.lines[0]).toEqual({ line: 3, value: '70000000001' });
    expect(report.sourceMailingMismatch!.others).toHaveLength(20);
  });

  it('a mapping to the chosen mailing is never checked row by row', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'loopdesk-prep-'));
    const mapping = [
      { field: 'Email', source: { kind: 'column' as const, column: 0, header: 'E-Mail', confidence: 1 } },
      { field: 'broadmail_ID', source: { kind: 'sourceMailing' as const } },
    ];
    const report = await prepare({ ...base, input: withIds(['1', '2']), outDir, mapping });
    expect(report.valid).toBe(2);
    expect(readFileSync(report.files.subscribers, 'utf8')).toContain('"p1@example.de";"44018617811"');
  });
});

describe('missingProductIds', () => {
  it('lists referenced IDs the catalog lacks, once, sorted', () => {
    expect(missingProductIds(['B', 'A', '', 'B', 'C'], new Set(['C']))).toEqual(['A', 'B']);
    expect(missingProductIds(['x'], ['x'])).toEqual([]);
  });
});
