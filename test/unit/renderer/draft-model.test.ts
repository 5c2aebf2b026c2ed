import { describe, expect, it } from 'vitest';
import { Inspection } from '../../../shared/contract/recipients';
import {
  confidenceLabel,
  EMPTY_DRAFT,
  operatorWords,
  optionToSource,
  previewMapped,
  problemValue,
  reasonText,
  setExcluded,
  setOverride,
  sourceToOption,
  toSendDraft,
  type NewSendState,
} from '../../../renderer/src/features/new-send/draft-model';
import { appIntl } from '../../../shared/i18n/intl';

const en = appIntl('en');
const de = appIntl('de');

const inspection = Inspection.parse({
  path: '/data/uploads/abc/recipients.csv',
  fileName: 'recipients.csv',
  format: 'csv',
  encoding: 'utf-8',
  delimiter: ';',
  sheets: [],
  sheet: null,
  headers: ['Mail', 'Name', 'Town'],
  headerLine: 1,
  preview: [
    { line: 2, values: ['ada@example.com', 'Ada', 'London'] },
    { line: 3, values: ['bob@example.com', 'Bob'] },
  ],
  totalBytes: 80,
  mapping: [],
  mappingSaved: false,
});

describe('draft-model: mapping choices', () => {
  it('a source and its <select> value convert both ways; a constant keeps its text', () => {
    const column = { kind: 'column', column: 2, header: 'Town', confidence: 0.5 } as const;
    expect(sourceToOption(column)).toBe('col:2');
    expect(optionToSource('col:2', inspection.headers, { kind: 'none' })).toEqual({ kind: 'column', column: 2, header: 'Town', confidence: 1 });
    expect(optionToSource('constant', inspection.headers, { kind: 'constant', value: 'DE' })).toEqual({ kind: 'constant', value: 'DE' });
    expect(optionToSource('constant', inspection.headers, column)).toEqual({ kind: 'constant', value: '' });
    expect(optionToSource('sourceMailing', inspection.headers, column)).toEqual({ kind: 'sourceMailing' });
    expect(optionToSource('generatedWave', inspection.headers, column)).toEqual({ kind: 'generatedWave' });
    expect(optionToSource('none', inspection.headers, column)).toEqual({ kind: 'none' });
    expect(sourceToOption({ kind: 'sourceMailing' })).toBe('sourceMailing');
  });

  it('says how sure a suggestion was, and that the operator’s own choice is theirs', () => {
    const col = (confidence: number) => ({ field: 'email', source: { kind: 'column' as const, column: 0, header: 'Mail', confidence } });
    const words = (m: Parameters<typeof confidenceLabel>[0], chosen: boolean) => {
      const c = confidenceLabel(m, chosen);
      return { text: en.formatMessage({ id: c.text }), tone: c.tone };
    };
    expect(words(col(1), false)).toEqual({ text: 'exact name', tone: 'ok' });
    expect(words(col(0.8), false)).toEqual({ text: 'known synonym', tone: 'ok' });
    expect(words(col(0.4), false)).toEqual({ text: 'guess — please check', tone: 'pending' });
    expect(words(col(0.4), true)).toEqual({ text: 'your choice', tone: 'plain' });
    expect(words({ field: 'x', source: { kind: 'none' } }, false).text).toBe('not filled');
    expect(de.formatMessage({ id: confidenceLabel(col(0.4), false).text })).toBe('geraten – bitte prüfen');
  });

  it('previews the first rows in field order, with placeholders for what the send fills in', () => {
    const mapping = [
      { field: 'email', source: { kind: 'column' as const, column: 0, header: 'Mail', confidence: 1 } },
      { field: 'town', source: { kind: 'column' as const, column: 2, header: 'Town', confidence: 1 } },
      { field: 'country', source: { kind: 'constant' as const, value: 'UK' } },
      { field: 'mailing', source: { kind: 'sourceMailing' as const } },
      { field: 'wave', source: { kind: 'generatedWave' as const } },
      { field: 'unused', source: { kind: 'none' as const } },
    ];
    expect(previewMapped(inspection, mapping, '44018617811')).toEqual([
      ['ada@example.com', 'London', 'UK', '44018617811', '(new number per send)', ''],
      ['bob@example.com', '', 'UK', '44018617811', '(new number per send)', ''],
    ]);
    expect(previewMapped(inspection, mapping, '', 1)).toEqual([['ada@example.com', 'London', 'UK', '(pick a source mailing)', '(new number per send)', '']]);
  });
});

describe('draft-model: corrections', () => {
  it('an override replaces the one for the same cell and null removes it; excluded lines stay sorted and unique', () => {
    let edits = EMPTY_DRAFT.edits;
    edits = setOverride(edits, 3, 'email', 'a@x.org');
    edits = setOverride(edits, 3, 'email', 'b@x.org');
    edits = setOverride(edits, 4, 'email', 'c@x.org');
    expect(edits.overrides).toEqual([
      { line: 3, field: 'email', value: 'b@x.org' },
      { line: 4, field: 'email', value: 'c@x.org' },
    ]);
    expect(setOverride(edits, 3, 'email', null).overrides).toEqual([{ line: 4, field: 'email', value: 'c@x.org' }]);
    edits = setExcluded(setExcluded(setExcluded(edits, 9, true), 2, true), 9, true);
    expect(edits.excludedLines).toEqual([2, 9]);
    expect(setExcluded(edits, 9, false).excludedLines).toEqual([2]);
    // The input is never changed in place: the draft can be compared by reference.
    expect(EMPTY_DRAFT.edits).toEqual({ overrides: [], excludedLines: [] });
  });

  it('a problem cell’s value comes from the report row, else from the file preview, else is unknown', () => {
    const mapping = [{ field: 'email', source: { kind: 'column' as const, column: 0, header: 'Mail', confidence: 1 } }];
    const report = { fields: ['email', 'name'] } as Parameters<typeof problemValue>[0];
    const row = (line: number, values: string[]) => ({ line, reasons: [], values });
    expect(problemValue(report, row(2, ['x@y', 'Ann']), 'email', inspection, mapping)).toBe('x@y');
    // A row carried as read (the file's columns) is looked up through the mapping.
    expect(problemValue(report, row(2, ['raw@y', 'R', 'Rome']), 'email', inspection, mapping)).toBe('raw@y');
    expect(problemValue(report, row(3, []), 'email', inspection, mapping)).toBe('bob@example.com');
    expect(problemValue(report, row(99, []), 'email', inspection, mapping)).toBeNull();
    expect(problemValue(report, row(3, []), 'email', null, [])).toBeNull();
  });

  it('reason codes read in words; an unknown code is made readable', () => {
    expect(reasonText('INVALID_EMAIL', (id) => en.formatMessage({ id }))).toBe('Not a valid e-mail address');
    expect(reasonText('INVALID_EMAIL', (id) => de.formatMessage({ id }))).toBe('Keine gültige E-Mail-Adresse');
    expect(reasonText('SOMETHING_NEW', (id) => en.formatMessage({ id }))).toBe('something new');
  });
});

describe('draft-model: the draft sent to the host', () => {
  it('carries the file, mapping and edits as copies, and products only when the operator added a catalog', () => {
    const mapping = [{ field: 'email', source: { kind: 'column' as const, column: 0, header: 'Mail', confidence: 1 } }];
    const draft: NewSendState = {
      ...EMPTY_DRAFT,
      profile: 'Sandbox',
      client: 'demo',
      sourceMailingId: '44018617811',
      inspection,
      open: { delimiter: ';' },
      mapping,
      edits: { overrides: [{ line: 2, field: 'email', value: 'a@b.cd' }], excludedLines: [3] },
    };
    const sent = toSendDraft(draft);
    expect(sent).toEqual({
      profile: 'Sandbox',
      client: 'demo',
      path: inspection.path,
      open: { delimiter: ';' },
      sourceMailingId: '44018617811',
      mapping,
      edits: { overrides: [{ line: 2, field: 'email', value: 'a@b.cd' }], excludedLines: [3] },
      products: null,
    });
    expect(sent.mapping[0]).not.toBe(mapping[0]);
    expect(() => toSendDraft(EMPTY_DRAFT)).toThrow(/inspected file/);
  });

  it('names the host’s copy of a file by the name the operator chose', () => {
    const host = '/data/uploads/abc/recipients.csv';
    expect(operatorWords(`Cannot read "${host}": not a spreadsheet. ${host} is empty.`, host, 'My list.csv')).toBe('Cannot read “My list.csv”: not a spreadsheet. “My list.csv” is empty.');
    expect(operatorWords(`Cannot read "${host}"`, host, '')).toBe(`Cannot read "${host}"`);
  });
});
