import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp-dir';
import type { Database } from '../../../main/services/store/database';
import { deleteOlderThan, ingestFile, listResponseFiles } from '../../../main/services/responses/ingest';
import { RESPONSE_KIND_NAMES, RESPONSE_KINDS } from '../../../main/services/responses/response-kinds';
import { fixture, ingestArgs, ingestFixtures, openDb, rawRows } from './helpers';

let dir: ReturnType<typeof tempDir>;
let db: Database;

beforeEach(async () => {
  dir = tempDir('loopdesk-responses-');
  db = await openDb(join(dir.path, 'data.duckdb'));
});
afterEach(async () => {
  await db.close();
  dir.cleanup();
});

async function tableSnapshot(table: string): Promise<string> {
  const rows = await db.all(`SELECT * FROM ${table} ORDER BY ALL`);
  return JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

describe('ingestFile', () => {
  it('loads every kind by header name with every row (duplicates kept) and exact values', async () => {
    await ingestFixtures(db);
    for (const kind of RESPONSE_KIND_NAMES) {
      const [{ n }] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${RESPONSE_KINDS[kind].table}`);
      expect(Number(n), kind).toBe(rawRows(kind).length);
    }
    // clicks.csv has its columns in another order than the spec; values must land by name.
    const clicks = await db.all<Record<string, unknown>>(
      `SELECT user_id, link_id, mailing_id, mailing_to_user_id, strftime(created, '%Y-%m-%d %H:%M:%S') AS created, click_browser, click_device FROM clicks ORDER BY rowid`,
    );
    const raw = rawRows('clicks');
    expect(clicks.map((r) => [r.user_id, String(r.link_id), String(r.mailing_id), String(r.mailing_to_user_id), r.created, r.click_browser, r.click_device])).toEqual(
      raw.map((r) => [r.userId, r.linkId, r.mailingId, r.mailingToUserId, r.created, r['click.browser'], r['click.device']]),
    );
    expect(clicks.map((r) => r.click_browser)).toContain('Firefox; 64 "quoted"\nsecond line');
    // Empty fields are NULL, not 0 or ''.
    const [m2] = await db.all<{ finished: unknown }>(`SELECT finished FROM mailings WHERE id = 51106527230`);
    expect(m2!.finished).toBeNull();
    const ledger = await listResponseFiles(db, { profile: 'p1' });
    expect(ledger).toHaveLength(7);
    expect(ledger.every((f) => f.status === 'ingested' && /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
    expect(ledger.find((f) => f.kind === 'clicks')!.rows).toBe(raw.length);
  });

  it('skips a file ingested unchanged', async () => {
    await ingestFixtures(db);
    const before = await tableSnapshot('clicks');
    const again = await ingestFile(db, ingestArgs('clicks', fixture('clicks')));
    expect(again.outcome).toBe('skipped');
    expect(await tableSnapshot('clicks')).toBe(before);
    expect(await listResponseFiles(db)).toHaveLength(7);
  });

  it('replaces the rows of a changed file instead of adding them', async () => {
    const local = join(dir.path, 'clicks.csv');
    copyFileSync(fixture('clicks'), local);
    const first = await ingestFile(db, ingestArgs('clicks', local));
    const lines = readFileSync(local, 'utf8').split('\n');
    // Drop the two last records (the last one spans two lines) and add one new click.
    const changed = [...lines.slice(0, 6), '"z@example.com";"2021-01-03 10:00:00";"44018617936";"51106527229";"1099";"44018617811";"Desktop";"Linux";"Lynx"', ''].join('\n');
    writeFileSync(local, changed);
    const second = await ingestFile(db, ingestArgs('clicks', local));
    expect(second.outcome).toBe('replaced');
    expect(second.fileId).toBe(first.fileId);
    expect(second.rows).toBe(6);
    const users = await db.all<{ user_id: string; source_file: bigint }>('SELECT user_id, source_file FROM clicks ORDER BY rowid');
    expect(users.map((u) => u.user_id)).toEqual(['a@example.com', 'a@example.com', 'a@example.com', 'd@example.com', 'g@example.com', 'z@example.com']);
    expect(new Set(users.map((u) => String(u.source_file)))).toEqual(new Set([first.fileId]));
  });

  it.each([
    ['truncated mid-record (unterminated quote)', (s: string) => s.slice(0, s.indexOf('second line') - 3), /record 7.*unterminated quote/],
    ['a record with too few fields', (s: string) => s.replace('"Desktop";"Windows 10";"=1+2"\n', '"Desktop";"=1+2"\n'), /record 2.*Expected Number of Columns: 9 Found: 8/],
    ['a bad timestamp', (s: string) => s.replace('2021-01-01 13:10:00', '2021-01-01 25:10:00'), /record 5.*column "created".*2021-01-01 25:10:00/],
    ['a non-numeric ID', (s: string) => s.replace('"1007"', '"10x7"'), /record 6.*column "mailingToUserId".*"10x7"/],
    ['a wrong header', (s: string) => s.replace('"linkId"', '"link"'), /line 1 \(header\) lacks the column "linkId"/],
  ])('rejects a file with %s whole and keeps the earlier data', async (_name, corrupt, message) => {
    const local = join(dir.path, 'clicks.csv');
    copyFileSync(fixture('clicks'), local);
    await ingestFile(db, ingestArgs('clicks', local));
    const before = await tableSnapshot('clicks');
    writeFileSync(local, corrupt(readFileSync(local, 'utf8')));
    const error = await ingestFile(db, ingestArgs('clicks', local)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'AppError', code: 'VALIDATION_FAILED' });
    expect((error as Error).message).toMatch(message);
    expect(await tableSnapshot('clicks')).toBe(before);
    const [entry] = await listResponseFiles(db);
    expect(entry).toMatchObject({ status: 'ingested', rows: 7 });
    expect(entry!.error).toMatch(message);
  });

  it('records a first-time rejected file in the ledger with no rows stored', async () => {
    const local = join(dir.path, 'opens.csv');
    writeFileSync(local, readFileSync(fixture('opens'), 'utf8').replace('"1004"', '"abc"'));
    await expect(ingestFile(db, ingestArgs('opens', local))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const [{ n }] = await db.all<{ n: bigint }>('SELECT count(*) AS n FROM opens');
    expect(n).toBe(0n);
    const [entry] = await listResponseFiles(db);
    expect(entry).toMatchObject({ status: 'rejected', rows: 0, kind: 'opens' });
    // The fixed file then ingests normally.
    copyFileSync(fixture('opens'), local);
    expect((await ingestFile(db, ingestArgs('opens', local))).outcome).toBe('ingested');
  });

  it('keeps a rejection as its catalog key and values beside the English text, clears both on a good ingest, and reads old rows without a key', async () => {
    const local = join(dir.path, 'clicks.csv');
    writeFileSync(local, readFileSync(fixture('clicks'), 'utf8').replace('"linkId"', '"link"'));
    await expect(ingestFile(db, ingestArgs('clicks', local))).rejects.toMatchObject({ messageId: 'error.responses.missingColumns' });
    const [rejected] = await listResponseFiles(db);
    expect(rejected!.error).toMatch(/line 1 \(header\) lacks the column "linkId"/);
    expect(rejected!.errorText).toEqual({ id: 'error.responses.missingColumns', values: { file: ingestArgs('clicks', local).remoteName, count: 1, missing: '"linkId"', kind: 'clicks' } });
    copyFileSync(fixture('clicks'), local);
    await ingestFile(db, ingestArgs('clicks', local));
    expect(await listResponseFiles(db)).toMatchObject([{ status: 'ingested', error: null, errorText: null }]);
    // A row written before the key was kept: its English text alone.
    await db.run("UPDATE response_files SET error = 'Old English reason', error_message_id = NULL, error_message_values = NULL");
    expect(await listResponseFiles(db)).toMatchObject([{ error: 'Old English reason', errorText: null }]);
  });

  it('deletes rows older than a date only when asked', async () => {
    await ingestFixtures(db);
    const counts = await deleteOlderThan(db, new Date(2021, 0, 1, 13, 0, 0));
    expect(counts).toMatchObject({ mailings: 1, links: 2, clicks: 2, opens: 2, unsubscribes: 0, responses: 3, mailing_recipients: 7 });
    const left = await db.all<{ created: string }>(`SELECT strftime(created, '%H:%M') AS created FROM clicks ORDER BY created`);
    expect(left.map((r) => r.created)).toEqual(['13:05', '13:10', '13:15', '15:00', '15:00']);
    const [{ m }] = await db.all<{ m: bigint }>('SELECT id AS m FROM mailings');
    expect(m).toBe(51106527230n);
  });
});
