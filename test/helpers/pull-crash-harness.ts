import { join } from 'node:path';
import { createRng } from '../../main/services/sandbox/prng';
import { downloadDirOf, localFiles, readSnapshot, removeDir, RESPONSE_TABLES, sha256Of, spawnPull, type DataSnapshot, type PullChild, type PullCrashRig, type PullEvents, type ServerFile } from './pull-crash-rig';

/**
 * What a kill delay is measured from.
 *
 * - `spawn`: start-up, data-file open, SSH login and the listing (up to the first `.part`).
 * - `part`: a file's `.part` appeared (mid-download).
 * - `final`: a file was renamed to its final local name: the ingest (hash, header, the
 *   DuckDB transaction) runs from here to its commit, a window of a few milliseconds.
 * - `commit`: the ingest's commit reached the WAL: from here to the next `.part`.
 *
 * After a rename the WAL is written twice: first the activity row "Downloaded …" (logged
 * without waiting while the ingest hashes the file), then the ingest's commit. A burst of
 * WAL writes less than {@link WAL_BURST_GAP_MS} apart is one commit.
 * - `last-commit`: after the last file's commit (suppression list, activity log, close).
 */
export type PullAnchor = 'spawn' | 'part' | 'final' | 'commit' | 'last-commit';

/** Where a kill landed, read afterwards from the data file and the download folder. */
export type PullPhase =
  | 'startup-or-listing'
  | 'mid-download'
  | 'downloaded-not-ingested'
  | 'mid-ingest'
  | 'ingested-before-next-file'
  | 'all-ingested-before-exit'
  | 'exited-before-kill';

/** One planned kill. */
export interface PullKillPoint {
  readonly index: number;
  readonly lane: number;
  readonly anchor: PullAnchor;
  /** Index (in pull order) of the file the anchor belongs to; ignored by `spawn` and `last-commit`. */
  readonly file: number;
  /** Fraction of the anchor's window, drawn from the seeded PRNG. */
  readonly fraction: number;
  /** Start from a fresh data dir, or one where older versions of every file are ingested (the pull must replace them). */
  readonly start: 'fresh' | 'stale';
}

const ANCHOR_WEIGHTS: readonly (readonly [PullAnchor, number])[] = [
  ['spawn', 2],
  ['part', 5],
  ['final', 5],
  ['commit', 3],
  ['last-commit', 1],
];

/**
 * A seeded plan of kill points, dealt round-robin to lanes. The first five points cover
 * one anchor each, so even a short plan reaches every window; the rest are drawn.
 */
export function planPullKills(seed: string, count: number, lanes: number, files: readonly ServerFile[]): PullKillPoint[] {
  const rng = createRng('pull-crash-plan', seed);
  // Downloads worth aiming into are the big files; tiny ones are over in a packet.
  const big = files.map((f, i) => [i, f.size] as const).filter(([, size]) => size > 10_000);
  const order: PullAnchor[] = ['spawn', 'part', 'final', 'commit', 'last-commit'];
  return Array.from({ length: count }, (_, index) => {
    const anchor = index < order.length ? order[index]! : rng.weighted(ANCHOR_WEIGHTS);
    const file = anchor === 'part' || anchor === 'final' ? rng.weighted(big) : rng.int(0, files.length - 1);
    return { index, lane: index % lanes, anchor, file, fraction: rng.next(), start: rng.chance(0.35) ? 'stale' : 'fresh' };
  });
}

/** WAL writes closer than this belong to one commit. */
export const WAL_BURST_GAP_MS = 2;

/** Start times of the WAL write bursts (commits) at or after `from`. */
export function walBursts(walAt: readonly number[], from: number): number[] {
  const bursts: number[] = [];
  let last = -Infinity;
  for (const t of walAt) {
    if (t < from) continue;
    if (t - last > WAL_BURST_GAP_MS) bursts.push(t);
    last = t;
  }
  return bursts;
}

/** Event times of one uninterrupted pull, ms since spawn, per file in pull order. */
export interface PullCalibration {
  readonly firstPartMs: number;
  readonly partMs: readonly number[];
  readonly finalMs: readonly number[];
  /** The ingest commit of each file: the second WAL burst after its rename (the first is the activity row). */
  readonly commitMs: readonly number[];
  readonly exitMs: number;
}

/** Reads a calibration from an uninterrupted run; throws when an event is missing. */
export function calibrationOf(files: readonly ServerFile[], events: PullEvents, exitMs: number): PullCalibration {
  const need = (m: ReadonlyMap<string, number>, name: string, what: string) => {
    const v = m.get(name);
    if (v === undefined) throw new Error(`the calibration pull never showed the ${what} of ${name}`);
    return v;
  };
  const partMs = files.map((f) => need(events.partAt, f.name, '.part'));
  const finalMs = files.map((f) => need(events.finalAt, f.name, 'final rename'));
  const commitMs = finalMs.map((t, i) => {
    const w = walBursts(events.walAt, t)[1];
    if (w === undefined) throw new Error(`no second WAL burst (the ingest commit) after ${files[i]!.name} was renamed: ${events.walAt.join(', ')}`);
    return w;
  });
  return { firstPartMs: partMs[0]!, partMs, finalMs, commitMs, exitMs };
}

/** The window, in ms from the anchor, a point's delay is drawn from. */
export function pullWindowOf(point: Pick<PullKillPoint, 'anchor' | 'file'>, c: PullCalibration): number {
  const i = point.file;
  const n = c.partMs.length;
  switch (point.anchor) {
    case 'spawn':
      return c.firstPartMs + 50;
    case 'part':
      return Math.max(5, c.finalMs[i]! - c.partMs[i]!);
    case 'final':
      // The ingest until its commit hits the WAL, and a little past it (a torn WAL write).
      return Math.max(3, c.commitMs[i]! - c.finalMs[i]! + 2);
    case 'commit':
      return Math.max(5, (i + 1 < n ? c.partMs[i + 1]! : c.exitMs) - c.commitMs[i]!);
    case 'last-commit':
      return Math.max(5, c.exitMs - c.commitMs[n - 1]! - 20);
  }
}

/** What one kill point did, for the report. */
export interface PullKillOutcome {
  readonly index: number;
  readonly lane: number;
  readonly anchor: PullAnchor;
  readonly file: string;
  readonly start: PullKillPoint['start'];
  readonly delayMs: number;
  readonly windowMs: number;
  readonly killedMs: number | null;
  readonly phase: PullPhase;
  /** Files whose current server version was ingested when the kill landed. */
  readonly ingestedAtKill: number;
  /** `.part` files the kill left in the download folder. */
  readonly partsLeft: number;
  /** WAL bursts (commits) seen between the anchor file's rename and the kill. */
  readonly walBurstsBeforeKill: number;
  readonly restartExit: number | null;
  readonly restartOutcomes: Readonly<Record<string, number>>;
  readonly violations: readonly string[];
  readonly ms: number;
}

/** The clean reference: what a fresh data dir holds after one uninterrupted pull of the same files. */
export interface PullReference {
  readonly tables: Readonly<Record<string, number>>;
  readonly suppression: number;
}

/**
 * Checks a data file as a kill left it: every ledger entry is a whole version of its file
 * (status ingested, SHA-256 of the server file or of the older version, row count of that
 * version, exactly that many rows tagged with it) and no row belongs to no entry.
 */
export function checkAtKill(snap: DataSnapshot, rig: Pick<PullCrashRig, 'files' | 'stale'>, start: PullKillPoint['start']): { violations: string[]; ingested: number } {
  const violations: string[] = [];
  const byName = new Map(rig.files.map((f) => [f.name, f]));
  const seen = new Set<string>();
  let ingested = 0;
  const ids = new Set(snap.ledger.map((e) => e.id));
  for (const e of snap.ledger) {
    if (seen.has(e.name)) violations.push(`the ledger holds ${e.name} twice`);
    seen.add(e.name);
    const file = byName.get(e.name);
    if (!file) {
      violations.push(`the ledger holds ${e.name}, which is no server file (a .part or foreign name was ingested)`);
      continue;
    }
    if (e.status !== 'ingested' || e.error) violations.push(`${e.name} is ${e.status}${e.error ? `: ${e.error}` : ''}`);
    const old = start === 'stale' ? rig.stale.get(e.name) : undefined;
    const version = e.sha256 === file.sha256 ? file : e.sha256 === old?.sha256 ? old : undefined;
    if (!version) violations.push(`${e.name} was ingested from content that is neither the server's file nor its older version (a partial download?)`);
    else {
      if (version === file) ingested++;
      if (e.rows !== version.rows) violations.push(`${e.name}: the ledger says ${e.rows} rows, that version has ${version.rows}`);
    }
    const table = tableOf(file.kind);
    const stored = snap.bySource.get(`${table}:${e.id}`) ?? 0;
    if (stored !== e.rows) violations.push(`${e.name}: ${stored} rows in ${table} carry its entry, the ledger says ${e.rows} (half-applied ingest)`);
  }
  if (start === 'stale') for (const name of rig.stale.keys()) if (!seen.has(name)) violations.push(`the older version of ${name} vanished from the ledger`);
  for (const key of snap.bySource.keys()) {
    const id = key.split(':')[1]!;
    if (!ids.has(id)) violations.push(`${snap.bySource.get(key)} row(s) in ${key.split(':')[0]} belong to ledger entry ${id}, which does not exist`);
  }
  return { violations, ingested };
}

/** Checks the data file after the second pull against the reference. */
export function checkComplete(snap: DataSnapshot, rig: Pick<PullCrashRig, 'files'>, reference: PullReference): string[] {
  const violations: string[] = [];
  if (snap.ledger.length !== rig.files.length) violations.push(`the ledger has ${snap.ledger.length} entries for ${rig.files.length} files`);
  for (const f of rig.files) {
    const entries = snap.ledger.filter((e) => e.name === f.name);
    if (entries.length !== 1) violations.push(`${f.name} has ${entries.length} ledger entries`);
    const e = entries[0];
    if (e && (e.status !== 'ingested' || e.sha256 !== f.sha256 || e.rows !== f.rows || e.error)) violations.push(`${f.name} ended ${e.status} sha ${e.sha256.slice(0, 8)} rows ${e.rows}${e.error ? ` error ${e.error}` : ''}`);
  }
  for (const table of RESPONSE_TABLES) {
    if (snap.tables[table] !== reference.tables[table]) violations.push(`${table} holds ${snap.tables[table]} rows, the reference ${reference.tables[table]}`);
  }
  if (snap.suppression !== reference.suppression) violations.push(`the suppression list holds ${snap.suppression}, the reference ${reference.suppression}`);
  return violations;
}

function tableOf(kind: string): string {
  return kind === 'mailingrecipients' ? 'mailing_recipients' : kind;
}

/** Reads where a kill landed; pure. */
export function classifyPull(args: {
  readonly killed: boolean;
  readonly ingested: number;
  readonly total: number;
  readonly parts: readonly string[];
  /** Local final files whose current server version is not ingested. */
  readonly finalsNotIngested: readonly string[];
  readonly anyLocal: boolean;
  /** WAL bursts after the last downloaded file's rename, before the kill: one means its ingest was under way. */
  readonly burstsAfterRename: number;
}): PullPhase {
  if (!args.killed) return 'exited-before-kill';
  if (args.ingested === args.total) return 'all-ingested-before-exit';
  if (args.parts.length > 0) return 'mid-download';
  if (args.finalsNotIngested.length > 0) return args.burstsAfterRename > 0 ? 'mid-ingest' : 'downloaded-not-ingested';
  if (!args.anyLocal) return 'startup-or-listing';
  return 'ingested-before-next-file';
}

/** Per-lane state. */
export interface PullLane {
  readonly rig: PullCrashRig;
  readonly dir: string;
  calibration: PullCalibration;
}

/** Runs one pull child to its end: the clean reference and the calibration of a lane. */
export async function runReference(rig: PullCrashRig, dataDir: string): Promise<{ child: PullChild; exit: { code: number | null; at: number } }> {
  rig.rig.throttle(true);
  const child = spawnPull(rig.rig.env, dataDir, rig.rig.sandbox.clients[0].name);
  const exit = await child.exited;
  return { child, exit };
}

/**
 * One kill point: a throttled `loopdesk pull` child killed `delay` after its anchor, the
 * data file checked as left, a second pull child at full speed, the data file checked
 * against the reference.
 */
export async function runPullKillPoint(lane: PullLane, point: PullKillPoint, reference: PullReference): Promise<PullKillOutcome> {
  const started = Date.now();
  const { rig } = lane;
  const files = rig.files;
  const fileName = files[point.file]!.name;
  const windowMs = pullWindowOf(point, lane.calibration);
  const delayMs = Math.round(point.fraction * windowMs);
  const dataDir = rig.dataDirFrom(point.start, join(lane.dir, `point-${point.index}`));
  const clientName = rig.rig.sandbox.clients[0].name;
  const downloads = downloadDirOf(dataDir, clientName);
  const violations: string[] = [];

  rig.rig.throttle(true);
  const child = spawnPull(rig.rig.env, dataDir, clientName);
  let killedMs: number | null = null;
  let killed = false;
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    if (killedMs !== null) return;
    killedMs = Date.now() - child.startedAt;
    killed = child.kill();
  };
  const arm = () => {
    if (timer || killedMs !== null) return;
    if (delayMs <= 0) fire();
    else timer = setTimeout(fire, delayMs);
  };
  // `commit` and `last-commit` arm on the second WAL burst after the file's rename.
  const commitFile = point.anchor === 'last-commit' ? files[files.length - 1]!.name : fileName;
  let since: number | null = null;
  child.onEvent((kind, name, at) => {
    if (point.anchor === 'part' && kind === 'part' && name === fileName) arm();
    if (kind === 'final' && name === commitFile) {
      since = at;
      if (point.anchor === 'final') arm();
    }
    if ((point.anchor === 'commit' || point.anchor === 'last-commit') && kind === 'wal' && since !== null && walBursts(child.events.walAt, since).length >= 2) arm();
  });
  if (point.anchor === 'spawn') arm();
  const exit = await child.exited;
  if (timer) clearTimeout(timer);
  if (!killed && exit.code !== 0) violations.push(`the pull child failed on its own (exit ${exit.code}): ${child.stderr().trim().slice(-400)}`);
  const anchorFinal = child.events.finalAt.get(fileName);
  const burstsSince = (from: number | undefined) => (killedMs !== null && from !== undefined ? walBursts(child.events.walAt.filter((t) => t <= killedMs!), from).length : 0);
  const walBurstsBeforeKill = burstsSince(anchorFinal);

  // As the kill left it: the data file opens, and nothing is half applied.
  const local = localFiles(downloads);
  let ingestedAtKill = 0;
  let phase: PullPhase = 'exited-before-kill';
  try {
    const snap = await readSnapshot(dataDir);
    const atKill = checkAtKill(snap, rig, point.start);
    violations.push(...atKill.violations.map((v) => `after the kill: ${v}`));
    ingestedAtKill = atKill.ingested;
    const done = new Set(snap.ledger.filter((e) => files.find((f) => f.name === e.name)?.sha256 === e.sha256).map((e) => e.name));
    phase = classifyPull({
      killed,
      ingested: atKill.ingested,
      total: files.length,
      parts: local.parts,
      finalsNotIngested: local.finals.filter((n) => !done.has(n)),
      anyLocal: local.parts.length + local.finals.length > 0,
      burstsAfterRename: burstsSince(Math.max(-1, ...[...child.events.finalAt.values()])),
    });
  } catch (e) {
    violations.push(`the data file did not open after the kill: ${(e as Error).message}`);
  }
  // A partial download is never a final name: every local final is the whole server file.
  for (const n of local.finals) {
    const f = files.find((x) => x.name === n);
    if (f && sha256Of(join(downloads, n)) !== f.sha256) violations.push(`the local ${n} is not the whole server file, yet carries the final name`);
  }

  // The restart: a second pull child at full speed, not killed.
  rig.rig.throttle(false);
  const again = spawnPull(rig.rig.env, dataDir, clientName);
  const againExit = await again.exited;
  const restartOutcomes: Record<string, number> = {};
  if (againExit.code !== 0) violations.push(`the restart pull exited ${againExit.code}: ${again.stderr().trim().slice(-400)}`);
  else {
    try {
      const parsed = JSON.parse(again.stdout().trim().split('\n').at(-1)!) as { files: { name: string; outcome: string }[] };
      for (const f of parsed.files) restartOutcomes[f.outcome] = (restartOutcomes[f.outcome] ?? 0) + 1;
      if (parsed.files.length !== files.length) violations.push(`the restart pull reported ${parsed.files.length} files for ${files.length} on the server`);
    } catch (e) {
      violations.push(`the restart pull printed no JSON: ${(e as Error).message}`);
    }
  }
  try {
    violations.push(...checkComplete(await readSnapshot(dataDir), rig, reference).map((v) => `after the restart: ${v}`));
  } catch (e) {
    violations.push(`the data file did not open after the restart: ${(e as Error).message}`);
  }
  const after = localFiles(downloads);
  if (after.parts.length > 0) violations.push(`.part files left after the restart pull: ${after.parts.join(', ')}`);
  if (violations.length === 0) removeDir(dataDir);
  return {
    index: point.index,
    lane: point.lane,
    anchor: point.anchor,
    file: fileName,
    start: point.start,
    delayMs,
    windowMs,
    killedMs,
    phase,
    ingestedAtKill,
    partsLeft: local.parts.length,
    walBurstsBeforeKill,
    restartExit: againExit.code,
    restartOutcomes,
    violations,
    ms: Date.now() - started,
  };
}
