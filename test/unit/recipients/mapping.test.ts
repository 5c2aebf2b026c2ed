import { describe, expect, it } from 'vitest';
import { DEFAULT_MASTER_FIELDS, DEFAULT_PRODUCT_FIELDS } from '../../../shared/contract/profiles';
import { applyMapping, mappingKey, newWaveId, rebaseMapping, suggestMapping, type FieldMapping } from '../../../main/services/recipients/mapping';

const columns = (m: FieldMapping[]): Record<string, string> =>
  Object.fromEntries(m.map((x) => [x.field, x.source.kind === 'column' ? x.source.header : x.source.kind]));

describe('suggestMapping', () => {
  it('maps German headers', () => {
    const m = suggestMapping(['E-Mail', 'Anrede', 'Vorname', 'Nachname', 'Kundennummer'], DEFAULT_MASTER_FIELDS);
    expect(columns(m)).toEqual({
      Email: 'E-Mail',
      broadmail_ID: 'sourceMailing',
      WAVE_ID: 'generatedWave',
      Salutation: 'Anrede',
      'First name': 'Vorname',
      'Last name': 'Nachname',
    });
    expect(m[0].source).toMatchObject({ kind: 'column', column: 0, confidence: 1 });
    expect(m[3].source).toMatchObject({ confidence: 0.9 });
  });

  it('maps English headers in other spellings', () => {
    const m = suggestMapping(['Email Address', 'Salutation', 'First Name', 'Surname', 'Comment'], DEFAULT_MASTER_FIELDS);
    expect(columns(m)).toMatchObject({ Email: 'Email Address', Salutation: 'Salutation', 'First name': 'First Name', 'Last name': 'Surname' });
    const snake = suggestMapping(['e_mail', 'first_name', 'last_name', 'Mail'], DEFAULT_MASTER_FIELDS);
    expect(columns(snake)).toMatchObject({ Email: 'e_mail', 'First name': 'first_name', 'Last name': 'last_name', Salutation: 'none' });
  });

  it('takes "Name" as last name only with lower confidence, and prefers Nachname', () => {
    const a = suggestMapping(['Mail', 'Vorname', 'Name'], DEFAULT_MASTER_FIELDS);
    expect(a[5].source).toMatchObject({ header: 'Name', confidence: 0.75 });
    const b = suggestMapping(['Mail', 'Name', 'Nachname'], DEFAULT_MASTER_FIELDS);
    expect(b[5].source).toMatchObject({ header: 'Nachname' });
  });

  it('guesses typos with low confidence, and maps WAVE_ID / broadmail_ID columns when present', () => {
    const m = suggestMapping(['Emial', 'broadmail_id', 'Wave ID', 'Vornmae'], DEFAULT_MASTER_FIELDS);
    expect(m[0].source.kind).toBe('column');
    expect((m[0].source as { confidence: number }).confidence).toBeLessThan(0.8);
    expect(m[1].source).toMatchObject({ kind: 'column', header: 'broadmail_id', confidence: 1 });
    expect(m[2].source).toMatchObject({ kind: 'column', header: 'Wave ID' });
    expect(m[4].source).toMatchObject({ kind: 'column', header: 'Vornmae' });
  });

  it('maps product catalog headers', () => {
    const m = suggestMapping(['Artikelnummer', 'Titel', 'Beschreibung', 'Bild', 'Link', 'Preis'], DEFAULT_PRODUCT_FIELDS);
    expect(m.every((x) => x.source.kind === 'column')).toBe(true);
  });
});

describe('applyMapping', () => {
  it('builds values in field order with the source mailing and wave', () => {
    const m = suggestMapping(['Nachname', 'E-Mail', 'Vorname'], DEFAULT_MASTER_FIELDS);
    const values = applyMapping(m, ['Müller', 'a@example.de', 'Jürgen'], { sourceMailingId: '44018617811', waveId: '46623317811' });
    expect(values).toEqual(['a@example.de', '44018617811', '46623317811', '', 'Jürgen', 'Müller']);
    const withConstant: FieldMapping[] = [...m.slice(0, 3), { field: 'Salutation', source: { kind: 'constant', value: 'Hallo' } }, ...m.slice(4)];
    expect(applyMapping(withConstant, ['M', 'b@example.de'], { sourceMailingId: '1', waveId: '2' })).toEqual(['b@example.de', '1', '2', 'Hallo', '', 'M']);
  });
});

describe('mappingKey and rebaseMapping', () => {
  it('recognises the same header set in another order or spelling', () => {
    expect(mappingKey(['E-Mail', 'Vorname'])).toBe(mappingKey(['vorname', 'e_mail ']));
    expect(mappingKey(['E-Mail', 'Vorname'])).not.toBe(mappingKey(['E-Mail', 'Nachname']));
  });

  it('follows moved columns by header and drops vanished ones', () => {
    const m = suggestMapping(['E-Mail', 'Vorname', 'Nachname'], DEFAULT_MASTER_FIELDS);
    const moved = rebaseMapping(m, ['Nachname', 'E-Mail']);
    expect(moved[0].source).toMatchObject({ kind: 'column', column: 1 });
    expect(moved[4].source).toEqual({ kind: 'none' });
    expect(moved[5].source).toMatchObject({ kind: 'column', column: 0 });
  });
});

describe('newWaveId', () => {
  it('is a unique decimal that fits a signed 64-bit integer', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newWaveId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) {
      expect(id).toMatch(/^\d{1,19}$/);
      expect(BigInt(id) <= 9223372036854775807n).toBe(true);
    }
    expect(BigInt(newWaveId(new Date('2999-12-31T00:00:00Z'))) <= 9223372036854775807n).toBe(true);
  });
});
