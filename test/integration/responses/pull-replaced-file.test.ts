import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { responseDownloadDir } from '../../../main/services/responses/response-pull';
import { appIntl } from '../../../shared/i18n/intl';
import type { CatalogText } from '../../../shared/contract/catalog-text';
import type { MessageId } from '../../../shared/i18n/messages';
import { callService } from '../../helpers/call-service';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { tempDir } from '../../helpers/temp-dir';

/**
 * A response file the server replaces (or is still writing) while Loopdesk downloads it, on a
 * real OpenSSH server behind a throttling proxy (so a download takes seconds and the file can be
 * changed on the server's disk while it runs) and a real DuckDB data file. Loopdesk downloads
 * such a file again at once, a few times; a file that settles is read in within the same pull,
 * one that keeps changing is rejected whole and read in at the next pull.
 */

const run = promisify(execFile);
let sshd: SshdHandle;
let proxy: FaultProxy;
let data: ReturnType<typeof tempDir>;
let context: AppContext;
const call = <T>(channel: string, payload: unknown): Promise<T> => callService<T>(context, channel, payload);

type Pull = { files: { name: string; outcome: string; rows: number; message: string; text?: CatalogText }[] };
type Ledger = { name: string; size: number; rows: number; status: string }[];
type Activity = { entries: { level: string; message: string; text: CatalogText | null }[] };

const HEADER = '"linkId";"mailingId";"mailingToUserId";"mailingGroupId";"userId";"created";"click.browser";"click.platform";"click.device"';
/** Rows of each version: enough bytes that a throttled download takes a few seconds. */
const ROWS = 1500;
/** Server → Loopdesk speed: over a second for one version of the file. */
const BYTES_PER_SECOND = 150_000;

/** One version of a clicks file: every row names its version (and transfer mode) in the address, so a mix shows. */
function clicksFile(mode: string, version: number): string {
  const lines = [HEADER];
  for (let i = 0; i < rowsOf(version); i++) lines.push(`"901";"51106527231";"${i + 1}";"44018617813";"${mode}-v${version}-${i}@replaced.example";"2026-12-04 10:00:00";"Firefox";"Linux";"Desktop"`);
  return `${lines.join('\n')}\n`;
}

/** Each version has its own number of rows (and so its own size). */
const rowsOf = (version: number) => ROWS + version * 7;

/** Writes a version as a server that writes in place does (same inode), with its own modification time. */
function writeInPlace(mode: string, path: string, version: number): void {
  writeFileSync(path, clicksFile(mode, version));
  stamp(path, version);
}

/** Replaces the file as a server that writes a new file and renames it over the old one does. */
function replaceByRename(mode: string, path: string, version: number): void {
  writeFileSync(`${path}.tmp`, clicksFile(mode, version));
  stamp(`${path}.tmp`, version);
  renameSync(`${path}.tmp`, path);
}

/** A modification time a minute apart per version: the server's clock counts in seconds. */
function stamp(path: string, version: number): void {
  const at = new Date(Date.UTC(2026, 11, 4, 12, version));
  utimesSync(path, at, at);
}

/**
 * Changes the server's file each time Loopdesk starts a download of it (its local `.part` copy
 * appears), for the first `times` downloads; `stop()` says how many downloads it saw.
 */
function changeWhileDownloading(localDir: string, name: string, times: number, change: (download: number) => void): { stop(): number } {
  const part = join(localDir, `${name}.part`);
  let present = false;
  let downloads = 0;
  const timer = setInterval(() => {
    const now = existsSync(part);
    if (now && !present && ++downloads <= times) change(downloads);
    present = now;
  }, 2);
  return {
    stop() {
      clearInterval(timer);
      return downloads;
    },
  };
}

/** Rows in DuckDB, per version, whose address came from one transfer mode's files (whatever the ledger says). */
async function rowsByVersion(mode: string): Promise<Record<string, number>> {
  const rows = await context.db.all<{ version: string; n: bigint }>(
    `SELECT regexp_extract(user_id, '-(v[0-9]+)-', 1) AS version, count(*) AS n FROM clicks WHERE user_id LIKE $1 GROUP BY 1`,
    [`${mode}-v%@replaced.example`],
  );
  return Object.fromEntries(rows.map((r) => [r.version, Number(r.n)]));
}

const activity = async () => (await call<Activity>('activity.list', { limit: 500 })).entries;
const fileRejections = async (name: string, client: string) =>
  (await activity()).filter((e) => e.text?.id === 'responses.activity.fileRejected' && e.text.values.file === name && e.text.values.client === client);

beforeAll(async () => {
  sshd = await startSshd();
  proxy = await startFaultProxy({ targetPort: sshd.port, seed: 'replaced-file' });
  proxy.setDefault({ kind: 'throttle', bytesPerSecond: BYTES_PER_SECOND });
  data = tempDir();
  for (const mode of ['fast', 'plain']) mkdirSync(join(sshd.root, mode), { recursive: true });
  mkdirSync(join(sshd.root, 'upload'), { recursive: true });
  await run('chown', ['-R', `${sshd.user}:`, sshd.root]);
  context = await openAppContext({ dataDir: join(data.path, 'home'), host: 'memory', secrets: null });
  for (const mode of ['fast', 'plain'] as const) {
    await call('profiles.save', {
      profile: {
        name: `replacing-${mode}`,
        host: '127.0.0.1',
        port: proxy.port,
        user: sshd.user,
        auth: { kind: 'password', password: sshd.password },
        trustedKeys: [sshd.hostKeyFingerprint],
        options: { transferMode: mode },
        clients: [{ name: mode, uploadDir: join(sshd.root, 'upload'), logDir: join(sshd.root, 'upload'), responseDir: join(sshd.root, mode) }],
      },
    });
  }
}, 60_000);
afterAll(async () => {
  await context?.close();
  await proxy?.stop();
  await sshd?.stop();
  data?.cleanup();
});

describe.each(['fast', 'plain'] as const)('a response file that changes on the server during the download (%s transfers)', (mode) => {
  const profile = `replacing-${mode}`;
  const serverDir = () => join(sshd.root, mode);
  const localDir = () => responseDownloadDir(join(context.dataDir, 'responses'), profile, mode);

  it('is downloaded again at once when it settles: read in within the same pull, once, with the new version\'s rows and no warning', async () => {
    const name = '20261204_clicks.csv';
    const path = join(serverDir(), name);
    writeInPlace(mode, path, 1);
    // The server replaces the file (a new file renamed over it) just after the first download began.
    const watch = changeWhileDownloading(localDir(), name, 1, () => replaceByRename(mode, path, 2));
    const pulled = await call<Pull>('responses.pull', { profile });
    const downloads = watch.stop();

    const file = pulled.files.find((f) => f.name === name)!;
    expect(file, JSON.stringify(pulled.files)).toMatchObject({ outcome: 'ingested', rows: rowsOf(2) });
    expect(downloads).toBe(2);
    // Only the version that stayed, each row once: nothing of the first version, no doubles.
    expect(await rowsByVersion(mode)).toEqual({ v2: rowsOf(2) });
    const ledger = (await call<Ledger>('responses.files', { profile })).filter((f) => f.name === name);
    expect(ledger).toEqual([expect.objectContaining({ status: 'ingested', rows: rowsOf(2), size: Buffer.byteLength(clicksFile(mode, 2)) })]);
    // A file that settled needs no warning.
    expect(await fileRejections(name, mode)).toEqual([]);
    expect((await activity()).find((e) => e.text?.id === 'responses.activity.pulled')).toMatchObject({ level: 'info', text: { values: { ingested: 1, rejected: 0 } } });

    // The ledger holds the version that was read in, so the next pull does not even download it.
    const again = await call<Pull>('responses.pull', { profile });
    expect(again.files.find((f) => f.name === name)).toMatchObject({ outcome: 'skipped' });
  }, 60_000);

  it('is rejected whole after three downloads when it keeps changing, and read in at the next pull', async () => {
    const name = '20261205_clicks.csv';
    const path = join(serverDir(), name);
    writeInPlace(mode, path, 3);
    const before = await rowsByVersion(mode);
    // The server is still writing: each download sees the file rewritten in place under it.
    const watch = changeWhileDownloading(localDir(), name, Infinity, (n) => writeInPlace(mode, path, 3 + n));
    const pulled = await call<Pull>('responses.pull', { profile });
    const downloads = watch.stop();

    const file = pulled.files.find((f) => f.name === name)!;
    expect(file, JSON.stringify(pulled.files)).toMatchObject({ outcome: 'rejected', rows: 0, text: { id: 'responses.pulled.keptChanging', values: { tries: 3 } } });
    expect(downloads).toBe(3);
    expect(file.message).toBe('It kept changing on the server while it was being downloaded (3 tries); the server is probably still writing it. It will be tried again on the next pull.');
    // Nothing half-read anywhere: no rows of any version, no ledger entry, no copy left to read.
    expect(await rowsByVersion(mode)).toEqual(before);
    expect((await call<Ledger>('responses.files', { profile })).filter((f) => f.name === name)).toEqual([]);
    expect(existsSync(join(localDir(), name))).toBe(false);
    expect(existsSync(join(localDir(), `${name}.part`))).toBe(false);

    // The activity log says so once, with the number of tries, in either language.
    const [rejected, ...more] = await fileRejections(name, mode);
    expect(more).toEqual([]);
    expect(rejected).toMatchObject({ level: 'warn', text: { values: { reasonId: 'responses.pulled.keptChanging' } } });
    expect(rejected.message).toContain('(3 tries)');
    const de = appIntl('de').formatMessage({ id: 'responses.activity.fileRejected' }, {
      ...rejected.text!.values,
      reason: appIntl('de').formatMessage({ id: rejected.text!.values.reasonId as MessageId }, JSON.parse(String(rejected.text!.values.reasonValues))),
    });
    expect(de).toBe(
      `${name} (${mode}) wurde nicht eingelesen: Die Datei hat sich während des Herunterladens auf dem Server immer wieder geändert (3 Versuche); vermutlich schreibt der Server sie noch. Beim nächsten Abruf wird es erneut versucht.`,
    );

    // The server has finished writing: the next pull reads the last version in, whole.
    const next = await call<Pull>('responses.pull', { profile });
    expect(next.files.find((f) => f.name === name)).toMatchObject({ outcome: 'ingested', rows: rowsOf(6) });
    expect(await rowsByVersion(mode)).toEqual({ ...before, v6: rowsOf(6) });
    expect(await fileRejections(name, mode)).toHaveLength(1);
  }, 60_000);
  it('a file deleted after the listing is still rejected as missing (not as changing), and read in once it is back', async () => {
    const [first, gone] = ['20261206_clicks.csv', '20261207_clicks.csv'];
    writeInPlace(mode, join(serverDir(), first), 7);
    writeInPlace(mode, join(serverDir(), gone), 8);
    const before = await rowsByVersion(mode);
    // Listed with the others, deleted while the day before it downloads.
    const watch = changeWhileDownloading(localDir(), first, 1, () => rmSync(join(serverDir(), gone)));
    const pulled = await call<Pull>('responses.pull', { profile });
    watch.stop();
    expect(pulled.files.find((f) => f.name === first)).toMatchObject({ outcome: 'ingested', rows: rowsOf(7) });
    expect(pulled.files.find((f) => f.name === gone)).toMatchObject({ outcome: 'rejected', rows: 0, text: { id: 'error.sftp.remoteFileMissing' } });
    expect(await rowsByVersion(mode)).toEqual({ ...before, v7: rowsOf(7) });

    writeInPlace(mode, join(serverDir(), gone), 9);
    const next = await call<Pull>('responses.pull', { profile });
    expect(next.files.find((f) => f.name === gone)).toMatchObject({ outcome: 'ingested', rows: rowsOf(9) });
  }, 60_000);
});
