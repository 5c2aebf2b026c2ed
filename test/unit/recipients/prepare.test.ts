import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
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
    expect(report.products?.excluded.map((e) => e.reasons.map((r) => r.code))).toEqual([['DUPLICATE_ID'], ['INVALID_URL', 'INVALID_URL']]);
    expect(existsSync(join(outDir, '20240601120000_subscribers.csv'))).toBe(true);
  });
});

describe('missingProductIds', () => {
  it('lists referenced IDs the catalog lacks, once, sorted', () => {
    expect(missingProductIds(['B', 'A', '', 'B', 'C'], new Set(['C']))).toEqual(['A', 'B']);
    expect(missingProductIds(['x'], ['x'])).toEqual([]);
  });
});
