import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../../main/services/responses/ingest';
import { tempDir } from '../../helpers/temp-dir';
import { ingestArgs, openDb } from './helpers';
import { RESPONSE_KINDS } from '../../../main/services/responses/response-kinds';
import { ResponseDialect } from '../../../shared/contract/profiles';
import { responseFileName, responseFileNameMatcher, responseFileNamesProblem } from '../../../shared/contract/response-file-names';
import { duckdbTimestampFormat, timestampFormatProblem } from '../../../shared/contract/timestamp-format';

describe('timestamp format of response files', () => {
  it('turns known tokens into DuckDB codes, letters in [brackets] and other characters literally', () => {
    expect(duckdbTimestampFormat('YYYY-MM-DD HH:mm:ss')).toBe('%Y-%m-%d %H:%M:%S');
    expect(duckdbTimestampFormat('DD.MM.YYYY HH:mm')).toBe('%d.%m.%Y %H:%M');
    expect(duckdbTimestampFormat('YYYY-MM-DD[T]HH:mm:ss.SSS')).toBe('%Y-%m-%dT%H:%M:%S.%g');
    expect(duckdbTimestampFormat('M/D/YY hh:mm A')).toBe('%-m/%-d/%y %I:%M %p');
    expect(duckdbTimestampFormat('YYYY%MM%DD HH:mm')).toBe('%Y%%%m%%%d %H:%M');
  });

  it('refuses unknown letters, missing or doubled parts with a text that says what to use', () => {
    expect(timestampFormatProblem('YYYY-MM-DD HH:mm:ss')).toBeUndefined();
    expect(timestampFormatProblem('YYYY-MM-DD HH:mm:ss Q')).toMatch(/contains "Q", which is not a known part\. Use YYYY, MM, DD/);
    expect(timestampFormatProblem('yyyy-MM-dd HH:mm')).toMatch(/contains "yyyy"/);
    expect(timestampFormatProblem('YYYY-MM HH:mm')).toMatch(/needs the day \(DD\) exactly once \(found 0\)/);
    expect(timestampFormatProblem('YYYY-MM-DD HH:mm YYYY')).toMatch(/the year \(YYYY\) exactly once \(found 2\)/);
    expect(timestampFormatProblem('YYYY-MM-DD hh:mm')).toMatch(/hh and A/);
    expect(timestampFormatProblem('YYYY-MM-DD[T HH:mm')).toMatch(/opens a \[/);
    expect(timestampFormatProblem(' ')).toMatch(/empty/);
    // The contract checks with the same words.
    const parsed = ResponseDialect.safeParse({ timestampFormat: 'YYYY-MM-DD HH:mm:ss Q' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(timestampFormatProblem('YYYY-MM-DD HH:mm:ss Q'));
  });
});

describe('{part} in response file names', () => {
  it('recognises numbered parts and the whole-day file with one pattern', () => {
    const match = responseFileNameMatcher('{date}_{kind}_{part}.csv');
    expect(match('20261204_clicks_1.csv')).toEqual({ day: '20261204', kind: 'clicks', part: 1 });
    expect(match('20261204_clicks_12.csv')).toEqual({ day: '20261204', kind: 'clicks', part: 12 });
    expect(match('20261204_clicks.csv')).toEqual({ day: '20261204', kind: 'clicks' });
    expect(match('20261204_clicks_.csv')).toBeUndefined();
    expect(match('20261204_clicks_x.csv')).toBeUndefined();
    expect(responseFileName('{date}_{kind}_{part}.csv', '20261204', 'opens')).toBe('20261204_opens_1.csv');
    expect(responseFileNamesProblem('{date}_{kind}_{part}_{part}.csv')).toMatch(/\{part\} only once/);
    expect(responseFileNamesProblem('{date}_{kind}_{nr}.csv')).toMatch(/only \{date\}, \{kind\} and \{part\}/);
  });
});

describe('the spec\'s column order (files without a header row)', () => {
  it('response-kinds.ts lists each table\'s columns in the order of the vendor text', () => {
    // The tables of closed-loop-interface.txt: after "Column name …", lines that start with a
    // lower-case name are columns (descriptions and values start otherwise).
    const spec = readFileSync('/work/shared/spec/closed-loop-interface.txt', 'utf8').split('\n');
    const tables: string[][] = [];
    let current: string[] | undefined;
    for (const line of spec) {
      if (line.startsWith('Column name Description')) tables.push((current = []));
      else if (current && /^YYYYMMDD_/.test(line)) current = undefined;
      else if (current && /^[a-z][A-Za-z.]*(\s|$)/.test(line)) current.push(line.split(/\s/)[0]!);
    }
    const ours = Object.values(RESPONSE_KINDS).map((k) => k.columns.map((c) => c.header));
    expect(ours).toEqual(tables);
  });
});

describe('a dialect that does not fit the file says which setting to change', () => {
  it('a header row where none is expected, and a first line without the column names', async () => {
    const dir = tempDir('loopdesk-dialect-');
    const db = await openDb(join(dir.path, 'data.duckdb'));
    try {
      const path = join(dir.path, 'clicks.csv');
      writeFileSync(path, 'linkId;mailingId;mailingToUserId;mailingGroupId;userId;created\n1;2;3;4;a@example.com;2026-12-04 10:00:00\n');
      const noHeader = ResponseDialect.parse({ header: false });
      await expect(ingestFile(db, { ...ingestArgs('clicks', path), dialect: noHeader })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining('starts with a header row (linkId, mailingId'),
      });
      writeFileSync(path, '1;2;3;4;a@example.com;2026-12-04 10:00:00\n');
      await expect(ingestFile(db, ingestArgs('clicks', path))).rejects.toMatchObject({ message: expect.stringContaining('"First line" when the server writes no header row') });
      expect(await ingestFile(db, { ...ingestArgs('clicks', path), dialect: noHeader })).toMatchObject({ rows: 1 });
    } finally {
      await db.close();
      dir.cleanup();
    }
  });
});
