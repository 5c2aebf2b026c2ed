import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS } from '../../../main/app/app-migrations';
import { deleteOlderThan } from '../../../main/services/responses/ingest';
import { archiveFiles, openArchived } from '../../../main/services/sends/send-archive';
import { SendJournal, type SendRecord } from '../../../main/services/sends/send-journal';
import { Database, type DatabaseOptions } from '../../../main/services/store/database';
import { applyRetention } from '../../../main/services/store/retention';
import { tempDir } from '../../helpers/temp-dir';
import { bytesHave, dataFileBytes, marker, rawBytes } from './raw-bytes';

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

const NOW = new Date('2031-06-15T12:00:00Z');
const DAY = 86_400_000;
const OLD = new Date(NOW.getTime() - 100 * DAY);
const RECENT = new Date(NOW.getTime() - 5 * DAY);

/** `YYYY-MM-DD HH:MM:SS` local wall time, as response files carry it. */
function naive(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendRecord(dataDir: string, id: string, state: SendRecord['state'], updatedAt: Date, m: string): SendRecord {
  return {
    id,
    profile: 'p',
    client: 'c',
    sourceMailingId: '1',
    sourceMailingName: 'Newsletter',
    waveId: 'w',
    test: false,
    state,
    scheduledAt: updatedAt,
    createdAt: updatedAt,
    updatedAt,
    inputFile: `/home/op/${m}.csv`,
    draftJson: JSON.stringify({ note: m }),
    recipients: 1,
    excluded: 0,
    fileName: 'subscribers.csv',
    productsFileName: null,
    workDir: join(dataDir, 'sends', id),
    archiveDir: join(dataDir, 'archive', id),
    uploadDir: '/upload',
    logDir: '/logs',
    uploadAttempts: 0,
    namesFinal: true,
    mailingId: null,
    error: null,
    serverHalted: false,
    lastCheckedAt: null,
  };
}

interface Fixture {
  readonly dataDir: string;
  readonly dbPath: string;
  readonly old: Record<string, string>;
  readonly fresh: Record<string, string>;
}

/** Old and recent data of every kind retention covers, each carrying its own marker. */
async function seed(db: Database, dataDir: string, key: Buffer | undefined): Promise<Fixture> {
  const old = { response: marker('old-click'), recipient: marker('old-recipient'), send: marker('old-send'), archive: marker('old-archive'), raw: marker('old-raw'), activity: marker('old-activity') };
  const fresh = { response: marker('new-click'), recipient: marker('new-recipient'), send: marker('new-send'), archive: marker('new-archive'), raw: marker('new-raw'), activity: marker('new-activity'), activeSend: marker('active-send') };

  for (const [m, r, at] of [
    [old.response, old.recipient, OLD],
    [fresh.response, fresh.recipient, RECENT],
  ] as const) {
    await db.run('INSERT INTO clicks VALUES (1, 10, 100, 1000, $1, $2::TIMESTAMP, $3, NULL, NULL, 1)', [m, naive(at), m]);
    await db.run("INSERT INTO mailing_recipients VALUES (100, 10, 1000, $1, $2::TIMESTAMP, 'sent', 'delivered', NULL, 1)", [r, naive(at)]);
    await db.run("INSERT INTO responses VALUES (10, 100, 1000, $1, $2::TIMESTAMP, 'bounce', 1)", [m, naive(at)]);
  }
  await db.run("INSERT INTO activity (occurred_at, level, kind, message) VALUES ($1::TIMESTAMPTZ, 'info', 'send', $2)", [OLD.toISOString(), `sent to ${old.activity}`]);
  await db.run("INSERT INTO activity (occurred_at, level, kind, message) VALUES ($1::TIMESTAMPTZ, 'info', 'send', $2)", [RECENT.toISOString(), `sent to ${fresh.activity}`]);

  const journal = new SendJournal(db);
  const sends: [string, SendRecord['state'], Date, string, string][] = [
    ['s-old', 'sent', OLD, old.send, old.archive],
    ['s-new', 'sent', RECENT, fresh.send, fresh.archive],
    // Old but still on the server: retention must never touch an active send.
    ['s-active', 'on_server', OLD, fresh.activeSend, marker('active-archive')],
  ];
  for (const [id, state, at, m, archived] of sends) {
    await journal.insert(sendRecord(dataDir, id, state, at, m), `Send for ${m}`);
    const work = join(dataDir, 'sends', id);
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'subscribers.csv'), `email;name\n${archived};X\n`);
    await archiveFiles(work, join(dataDir, 'archive', id), key);
  }
  // The journal stamps `now()` on insert; put the timelines where the fixture says they are.
  for (const [id, , at] of sends) await db.run('UPDATE sends SET updated_at = $1::TIMESTAMPTZ WHERE id = $2', [at.toISOString(), id]);

  const raw = join(dataDir, 'responses', 'p', 'c');
  mkdirSync(raw, { recursive: true });
  writeFileSync(join(raw, '20310307_clicks.csv'), `user_id\n${old.raw}\n`);
  utimesSync(join(raw, '20310307_clicks.csv'), OLD, OLD);
  writeFileSync(join(raw, '20310610_clicks.csv'), `user_id\n${fresh.raw}\n`);
  utimesSync(join(raw, '20310610_clicks.csv'), RECENT, RECENT);
  // A resend draft and an Excel export of each age (files Loopdesk wrote into its data dir).
  for (const [area, name] of [
    ['drafts', 'soft-bounces.csv'],
    ['exports', 'clicks.xlsx'],
  ] as const) {
    mkdirSync(join(dataDir, area), { recursive: true });
    for (const [age, at, m] of [
      ['old', OLD, old.raw],
      ['new', RECENT, fresh.raw],
    ] as const) {
      const file = join(dataDir, area, `${age}-${name}`);
      writeFileSync(file, `email\n${m}\n`);
      utimesSync(file, at, at);
    }
  }
  return { dataDir, dbPath: db.path, old, fresh };
}

describe.each([
  { mode: 'plain', key: undefined as Buffer | undefined },
  { mode: 'encrypted', key: randomBytes(32) as Buffer | undefined },
])('retention ($mode)', ({ mode, key }) => {
  const options: DatabaseOptions = key ? { encryptionKey: key, insecureTestCrypto: true } : {};

  it('deletes what it says, verified by reading the files back', async () => {
    const d = tempDir('loopdesk-retention-');
    dirs.push(d);
    const dbPath = join(d.path, 'loopdesk.duckdb');
    let db = await Database.open(dbPath, ALL_MIGRATIONS, options);
    const f = await seed(db, d.path, key);
    await db.run('CHECKPOINT');
    if (!key) {
      // Control: the byte search sees the old values before retention.
      const before = dataFileBytes(dbPath);
      for (const m of [f.old.response, f.old.send, f.old.activity]) expect(bytesHave(before, m), m).toBe(true);
    }

    // Retention off changes nothing.
    expect(await applyRetention(db, d.path, { days: 0, now: NOW, deleteResponseRows: deleteOlderThan })).toMatchObject({ cutoff: null, sends: 0, compacted: false });

    const report = await applyRetention(db, d.path, { days: 30, now: NOW, deleteResponseRows: deleteOlderThan });
    console.info(`[data-at-rest] retention (${mode}): ${JSON.stringify(report)}`);
    expect(report.responseRows).toMatchObject({ clicks: 1, mailing_recipients: 1, responses: 1 });
    expect(report).toMatchObject({ sends: 1, sendFolders: 2, responseFiles: 1, draftAndExportFiles: 2, activity: 1, compacted: true });
    expect(report.sendEvents).toBeGreaterThanOrEqual(1);

    // The live database still works after the file was swapped underneath it.
    await db.run("INSERT INTO activity (occurred_at, level, kind, message) VALUES (now(), 'info', 'test', 'after retention')");
    const ids = (await db.all<{ id: string }>('SELECT id FROM sends ORDER BY id')).map((r) => r.id);
    expect(ids).toEqual(['s-active', 's-new']);
    await db.close();

    // The data file (plus WAL and temp files): old markers gone, recent ones still there.
    const bytes = dataFileBytes(dbPath);
    for (const [kind, m] of Object.entries(f.old)) expect(bytesHave(bytes, m), `old ${kind} in the data file`).toBe(false);
    if (!key) {
      for (const kind of ['response', 'recipient', 'send', 'activity', 'activeSend'] as const) expect(bytesHave(bytes, f.fresh[kind]), `new ${kind} in the data file`).toBe(true);
    }
    db = await Database.open(dbPath, ALL_MIGRATIONS, options);
    const users = (await db.all<{ user_id: string }>('SELECT user_id FROM clicks UNION ALL SELECT user_id FROM mailing_recipients')).map((r) => r.user_id).sort();
    expect(users).toEqual([f.fresh.response, f.fresh.recipient].sort());
    const messages = (await db.all<{ message: string }>('SELECT message FROM activity ORDER BY id')).map((r) => r.message);
    expect(messages).toEqual([`sent to ${f.fresh.activity}`, 'after retention']);
    await db.close();

    // The archive: the old send's folder is gone, the recent and the active ones remain.
    expect(readdirSync(join(d.path, 'archive')).sort()).toEqual(['s-active', 's-new']);
    expect(existsSync(join(d.path, 'sends', 's-old'))).toBe(false);
    const archiveBytes = rawBytes(join(d.path, 'archive'));
    expect(bytesHave(archiveBytes, f.old.archive)).toBe(false);
    const kept = await readAll(openArchived(join(d.path, 'archive', 's-new', 'subscribers.csv.gz'), key));
    expect(kept).toContain(f.fresh.archive);

    // Downloaded raw response files.
    const rawDir = rawBytes(join(d.path, 'responses'));
    expect(bytesHave(rawDir, f.old.raw)).toBe(false);
    expect(bytesHave(rawDir, f.fresh.raw)).toBe(true);

    // Drafts and exports: the old ones gone, the recent ones kept.
    expect(readdirSync(join(d.path, 'drafts'))).toEqual(['new-soft-bounces.csv']);
    expect(readdirSync(join(d.path, 'exports'))).toEqual(['new-clicks.xlsx']);
  });
});

describe('why retention rewrites the file', () => {
  it('DELETE + CHECKPOINT alone leaves the values in the file; compact() removes them', async () => {
    const d = tempDir('loopdesk-compact-');
    dirs.push(d);
    const dbPath = join(d.path, 'loopdesk.duckdb');
    const db = await Database.open(dbPath, ALL_MIGRATIONS);
    const gone = marker('deleted');
    const kept = marker('kept');
    for (const m of [gone, kept]) await db.run("INSERT INTO activity (occurred_at, level, kind, message) VALUES (now(), 'info', 'send', $1)", [m]);
    await db.run('CHECKPOINT');
    await db.run('DELETE FROM activity WHERE message = $1', [gone]);
    await db.run('CHECKPOINT');
    expect(bytesHave(dataFileBytes(dbPath), gone), 'DuckDB keeps freed blocks as they were').toBe(true);
    const result = await db.compact();
    expect(result.rows['main.activity']).toBe(1);
    await db.close();
    const bytes = dataFileBytes(dbPath);
    expect(bytesHave(bytes, gone)).toBe(false);
    expect(bytesHave(bytes, kept)).toBe(true);
    expect(existsSync(`${dbPath}.compact`)).toBe(false);
  });
});
