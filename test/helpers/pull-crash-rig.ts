import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { openAppContext } from '../../main/app/app-context';
import { RESPONSE_COLUMNS, RESPONSE_KINDS } from '../../main/services/sandbox';
import { csvFile } from '../../main/services/sandbox/csv';
import { createRng } from '../../main/services/sandbox/prng';
import { ingestFile } from '../../main/services/responses/ingest';
import { RESPONSE_KINDS as INGEST_KINDS, type ResponseKindName } from '../../main/services/responses/response-kinds';
import { CRASH_PROFILE, startCrashRig, type CrashRig } from './crash-rig';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Name of the profile the pull children use (the send crash rig's profile, pointing at the throttling proxy). */
export const PULL_PROFILE = CRASH_PROFILE;

/** One response file as the server holds it. */
export interface ServerFile {
  readonly name: string;
  readonly kind: ResponseKindName;
  readonly size: number;
  readonly rows: number;
  readonly sha256: string;
}

/** An older version of a server file, ingested into the "stale" template so a pull has to replace it. */
export interface StaleFile {
  readonly name: string;
  readonly rows: number;
  readonly sha256: string;
}

/** Options of {@link startPullCrashRig}. */
export interface PullCrashRigOptions {
  readonly dir: string;
  readonly seed: string;
  /** Data rows of the biggest kinds per day (mailingrecipients, opens); the others scale from it. */
  readonly rowsPerDay: number;
  /** Days of response files (seven files each). */
  readonly days: number;
  /** Throttle while a child pulls, so a pull lasts long enough to be hit. */
  readonly bytesPerSecond: number;
}

/** A sandbox with big response files, a throttling proxy and two data-dir templates. */
export interface PullCrashRig {
  readonly rig: CrashRig;
  /** The sandbox client's response directory on disk. */
  readonly responseDir: string;
  /** The files on the server, in the order the pull takes them. */
  readonly files: readonly ServerFile[];
  /** The older versions ingested into the stale template, by name. */
  readonly stale: ReadonlyMap<string, StaleFile>;
  /** A data dir with the profile and no responses. */
  readonly freshTemplate: string;
  /** A data dir with the profile and older versions of every file already ingested. */
  readonly staleTemplate: string;
  /** Copies a template into `dir` (which must not exist) and returns it. */
  dataDirFrom(template: 'fresh' | 'stale', dir: string): string;
  stop(): Promise<void>;
}

/** The local folder a pull downloads into (`<data dir>/responses/<profile>/<client>`). */
export function downloadDirOf(dataDir: string, client: string): string {
  return join(dataDir, 'responses', PULL_PROFILE, client);
}

const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');
const p2 = (n: number) => String(n).padStart(2, '0');

/**
 * Builds the response files of `days` recent days (yesterday backwards, so no sandbox
 * retention run deletes them) in the spec's format, deterministic from the seed.
 *
 * Recent days matter: the sandbox's export deletes files older than its retention, and a
 * day far in the past would make a stray export run change the data under the test.
 */
export function buildServerFiles(seed: string, rowsPerDay: number, days: number): Map<string, string> {
  const rng = createRng('pull-crash-data', seed);
  const out = new Map<string, string>();
  const today = new Date();
  let id = 50_000_000_000;
  for (let d = days; d >= 1; d--) {
    const date = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - d));
    const day = `${date.getUTCFullYear()}${p2(date.getUTCMonth() + 1)}${p2(date.getUTCDate())}`;
    const ts = (sec: number) => `${date.getUTCFullYear()}-${p2(date.getUTCMonth() + 1)}-${p2(date.getUTCDate())} ${p2(Math.floor(sec / 3600) % 24)}:${p2(Math.floor(sec / 60) % 60)}:${p2(sec % 60)}`;
    const group = String(44_000_000_000 + d);
    const mailings = [0, 1, 2].map((m) => String(51_000_000_000 + d * 10 + m));
    const rows: Record<string, string[][]> = Object.fromEntries(RESPONSE_KINDS.map((k) => [k, []]));
    mailings.forEach((m, i) => rows.mailings.push([m, '71206365463', group, '58243723257', ts(3600 * (8 + i)), ts(3600 * (8 + i) + 900)]));
    const links = mailings.flatMap((m) => [0, 1, 2, 3].map((l) => [String(id++), m, '', group, `Link ${l}`, `https://shop.example.com/${m}/${l}?utm=x;y`]));
    rows.links.push(...links);
    const recipients: { id: string; mailing: string; user: string; at: number }[] = [];
    for (let r = 0; r < rowsPerDay; r++) {
      const mailing = mailings[r % mailings.length];
      const user = `person.${d}.${r}@example.com`;
      const at = 3600 * 8 + rng.int(0, 36_000);
      const rid = String(id++);
      recipients.push({ id: rid, mailing, user, at });
      const bounce = rng.chance(0.03) ? 'fatal_bounce' : rng.chance(0.05) ? 'temporary_bounce' : '';
      rows.mailingrecipients.push([rid, mailing, group, user, ts(at), 'sent', bounce ? '' : 'delivered', bounce]);
      if (bounce) rows.responses.push([mailing, rid, group, user, ts(at + 60), bounce]);
    }
    for (let o = 0; o < rowsPerDay; o++) {
      const r = rng.pick(recipients);
      rows.opens.push(['', r.mailing, r.id, group, r.user, ts(r.at + rng.int(60, 7200)), 'Firefox 128.0', 'Windows 11', rng.pick(['Desktop', 'Mobile', 'Tablet'])]);
    }
    for (let c = 0; c < Math.floor(rowsPerDay / 2); c++) {
      const r = rng.pick(recipients);
      const link = rng.pick(links.filter((l) => l[1] === r.mailing));
      rows.clicks.push([link[0], r.mailing, r.id, group, r.user, ts(r.at + rng.int(60, 7200)), 'Chrome 126.0', 'Android 14', 'Mobile']);
    }
    for (let u = 0; u < Math.floor(rowsPerDay / 40); u++) {
      const r = rng.pick(recipients);
      rows.unsubscribes.push([r.mailing, r.id, group, r.user, ts(r.at + 7300)]);
    }
    for (const kind of RESPONSE_KINDS) {
      const t = RESPONSE_COLUMNS[kind].indexOf('created');
      const sorted = t < 0 ? rows[kind] : rows[kind].slice().sort((a, b) => (a[t] < b[t] ? -1 : a[t] > b[t] ? 1 : 0));
      out.set(`${day}_${kind}.csv`, csvFile(RESPONSE_COLUMNS[kind], sorted));
    }
  }
  return out;
}

/** The older version of a file: its first half of data rows (a file that later grew, as a day's export does). */
function olderVersion(content: string): string {
  const lines = content.split('\n').filter(Boolean);
  const keep = 1 + Math.floor((lines.length - 1) / 2);
  return lines.slice(0, keep).join('\n') + '\n';
}

const KIND_ORDER = new Map<string, number>(RESPONSE_KINDS.map((k, i) => [k, i]));

/**
 * Starts the send crash rig (sandbox + throttling proxy + profile), writes the response
 * files into the sandbox client's response directory, and prepares two data-dir templates:
 * a fresh one, and a stale one in which an older, smaller version of every file is already
 * ingested (so a pull replaces rows inside its transaction: DELETE then INSERT).
 */
export async function startPullCrashRig(options: PullCrashRigOptions): Promise<PullCrashRig> {
  const rig = await startCrashRig({ dir: options.dir, recipients: 1, bytesPerSecond: options.bytesPerSecond, seed: options.seed });
  const client = rig.sandbox.clients[0];
  const responseDir = join(client.localDir, 'responses');
  mkdirSync(responseDir, { recursive: true });
  const contents = buildServerFiles(options.seed, options.rowsPerDay, options.days);
  const files: ServerFile[] = [];
  for (const [name, text] of contents) {
    writeFileSync(join(responseDir, name), text);
    const kind = name.replace(/^\d{8}_|\.csv$/g, '') as ResponseKindName;
    files.push({ name, kind, size: Buffer.byteLength(text), rows: text.split('\n').filter(Boolean).length - 1, sha256: sha(text) });
  }
  files.sort((a, b) => a.name.slice(0, 8).localeCompare(b.name.slice(0, 8)) || KIND_ORDER.get(a.kind)! - KIND_ORDER.get(b.kind)!);

  // The rig's data dir holds the profile and a migrated data file: the fresh template.
  const freshTemplate = join(options.dir, 'template-fresh');
  cpSync(rig.dataDir, freshTemplate, { recursive: true });
  mkdirSync(downloadDirOf(freshTemplate, client.name), { recursive: true });

  const staleTemplate = join(options.dir, 'template-stale');
  cpSync(freshTemplate, staleTemplate, { recursive: true });
  const stale = new Map<string, StaleFile>();
  const scratch = join(options.dir, 'stale-versions');
  mkdirSync(scratch, { recursive: true });
  const context = await openAppContext({ dataDir: staleTemplate, host: 'cli', secrets: null, env: rig.env });
  try {
    const old = new Date(Date.now() - 3 * 86_400_000);
    for (const f of files) {
      const text = olderVersion(contents.get(f.name)!);
      const path = join(scratch, f.name);
      writeFileSync(path, text);
      const done = await ingestFile(context.db, { profile: PULL_PROFILE, client: client.name, kind: f.kind, localPath: path, remoteName: f.name, size: Buffer.byteLength(text), mtime: old });
      stale.set(f.name, { name: f.name, rows: done.rows, sha256: done.sha256 });
    }
  } finally {
    await context.close();
  }
  // The server files must look changed to the pull (size and mtime differ from the ledger's).
  const now = new Date();
  for (const f of files) utimesSync(join(responseDir, f.name), now, now);

  return {
    rig,
    responseDir,
    files,
    stale,
    freshTemplate,
    staleTemplate,
    dataDirFrom(template, dir) {
      cpSync(template === 'fresh' ? freshTemplate : staleTemplate, dir, { recursive: true });
      return dir;
    },
    stop: () => rig.stop(),
  };
}

/** Server-side and local events of one pull child, ms since spawn. */
export interface PullEvents {
  /** First sight of `<name>.part` in the download folder: the download began. */
  readonly partAt: ReadonlyMap<string, number>;
  /** First sight of `<name>`: the download was verified and renamed; the ingest starts. */
  readonly finalAt: ReadonlyMap<string, number>;
  /** Every write seen on the DuckDB WAL (commits), in order. */
  readonly walAt: readonly number[];
}

/** A running `loopdesk pull` child and what it was seen doing. */
export interface PullChild {
  readonly child: ChildProcess;
  readonly startedAt: number;
  readonly events: PullEvents;
  /** Resolves with ms since spawn when the process has ended. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly at: number }>;
  /** Calls `fn` on every local event (after it is recorded). */
  onEvent(fn: (kind: 'part' | 'final' | 'wal', name: string, at: number) => void): void;
  stdout(): string;
  stderr(): string;
  /** SIGKILLs it now; false when it had already ended. */
  kill(): boolean;
}

/**
 * Spawns `node main/cli/bin.mjs --data-dir D --json pull --profile P` and watches its
 * download folder and WAL.
 *
 * inotify tells the test within a millisecond when a `.part` appears, when it is renamed
 * to its final name (the ingest is about to start) and when the WAL is written (the
 * ingest's commit); kills timed from those events land in windows a few milliseconds wide.
 */
export function spawnPull(env: NodeJS.ProcessEnv, dataDir: string, client: string): PullChild {
  const partAt = new Map<string, number>();
  const finalAt = new Map<string, number>();
  const walAt: number[] = [];
  const listeners: ((kind: 'part' | 'final' | 'wal', name: string, at: number) => void)[] = [];
  const downloads = downloadDirOf(dataDir, client);
  mkdirSync(downloads, { recursive: true });
  const startedAt = Date.now();
  const emit = (kind: 'part' | 'final' | 'wal', name: string) => {
    const at = Date.now() - startedAt;
    for (const l of listeners) l(kind, name, at);
  };
  const watchers: FSWatcher[] = [
    watch(downloads, (_t, raw) => {
      if (!raw) return;
      const name = String(raw);
      if (name.endsWith('.part')) {
        const base = name.slice(0, -5);
        if (!partAt.has(base)) {
          partAt.set(base, Date.now() - startedAt);
          emit('part', base);
        }
      } else if (!finalAt.has(name) && existsSync(join(downloads, name))) {
        finalAt.set(name, Date.now() - startedAt);
        emit('final', name);
      }
    }),
    watch(dataDir, (_t, raw) => {
      if (raw && String(raw) === 'loopdesk.duckdb.wal') {
        walAt.push(Date.now() - startedAt);
        emit('wal', '');
      }
    }),
  ];
  const child = spawn(process.execPath, ['main/cli/bin.mjs', '--data-dir', dataDir, '--json', 'pull', '--profile', PULL_PROFILE], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let ended = false;
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = true;
      // inotify events still in flight are of no interest once the process is gone.
      for (const w of watchers) w.close();
      resolve({ code, signal, at: Date.now() - startedAt });
    }),
  );
  return {
    child,
    startedAt,
    events: { partAt, finalAt, walAt },
    exited,
    onEvent: (fn) => void listeners.push(fn),
    stdout: () => out,
    stderr: () => err,
    kill() {
      if (ended || child.exitCode !== null || child.signalCode !== null) return false;
      return child.kill('SIGKILL');
    },
  };
}

/** One ledger row as stored. */
export interface LedgerRow {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly rows: number;
  readonly sha256: string;
  readonly error: string | null;
}

/** What a data file holds: the ledger, row counts per table and per source file, orphans. */
export interface DataSnapshot {
  readonly ledger: readonly LedgerRow[];
  /** Rows per response table. */
  readonly tables: Readonly<Record<string, number>>;
  /** Rows per `table:source_file`. */
  readonly bySource: ReadonlyMap<string, number>;
  /** Rows in the suppression list. */
  readonly suppression: number;
}

/** The response tables, one per kind. */
export const RESPONSE_TABLES = Object.values(INGEST_KINDS).map((k) => k.table);

/**
 * Reads a data file READ_ONLY, straight through DuckDB.
 *
 * Read-only replays the WAL in memory but writes nothing back, so the next process to open
 * the data dir for real (the restart) still meets the file exactly as the kill left it.
 */
export async function readSnapshot(dataDir: string): Promise<DataSnapshot> {
  const instance = await DuckDBInstance.create(join(dataDir, 'loopdesk.duckdb'), { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const all = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJS();
  try {
    const ledger = (await all('SELECT id, name, status, row_count, sha256, error FROM response_files ORDER BY id')).map((r) => ({
      id: String(r.id),
      name: String(r.name),
      status: String(r.status),
      rows: Number(r.row_count),
      sha256: String(r.sha256),
      error: (r.error as string | null) ?? null,
    }));
    const tables: Record<string, number> = {};
    const bySource = new Map<string, number>();
    for (const table of RESPONSE_TABLES) {
      for (const r of await all(`SELECT source_file, count(*) AS n FROM ${table} GROUP BY source_file`)) {
        bySource.set(`${table}:${String(r.source_file)}`, Number(r.n));
        tables[table] = (tables[table] ?? 0) + Number(r.n);
      }
      tables[table] ??= 0;
    }
    const suppression = Number((await all('SELECT count(*) AS n FROM suppression'))[0]!.n);
    return { ledger, tables, bySource, suppression };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** `.part` and final names in a download folder right now. */
export function localFiles(dir: string): { readonly parts: readonly string[]; readonly finals: readonly string[] } {
  const names = existsSync(dir) ? readdirSync(dir) : [];
  return { parts: names.filter((n) => n.endsWith('.part')).sort(), finals: names.filter((n) => !n.endsWith('.part')).sort() };
}

/** SHA-256 of a local file, or null when missing. */
export function sha256Of(path: string): string | null {
  try {
    return sha(readFileSync(path));
  } catch {
    return null;
  }
}

/** Removes a folder the test made. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
