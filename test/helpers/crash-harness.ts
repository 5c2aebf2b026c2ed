import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Send } from '../../shared/contract/sends';
import { sandboxPaths, type ProcessReport } from '../../main/services/sandbox';
import type { LedgerEntry } from '../../main/services/sandbox/ledger';
import { closedLoopFileName } from '../../main/services/recipients/closed-loop-writer';
import { createRng } from '../../main/services/sandbox/prng';
import type { SendRecord } from '../../main/services/sends/send-journal';
import { openRestarted, sizeOf, spawnSend, uploadDirState, watchDir, type CrashRig, type UploadDirState } from './crash-rig';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/**
 * What a kill delay is measured from.
 *
 * - `spawn`, `summary`: the whole life of the child (start-up, validation, writing the
 *   prepared files, journal insert, upload); `summary` is the confirmation line printed just
 *   before `sends.create`.
 * - `products-final`, `subscribers-part`, `subscribers-final`: server-side events seen by
 *   watching the sandbox's upload directory. The windows around the renames are a few
 *   milliseconds wide, so kills timed from the start would almost never hit them.
 * - `claim-rename`: the send's local files being renamed to a later second because the
 *   server already has a file with their timestamp (only with blocked stamps, see
 *   {@link blockStamps}); seen by watching the data dir's `sends/` folder.
 */
export type KillAnchor = 'spawn' | 'summary' | 'products-final' | 'subscribers-part' | 'subscribers-final' | 'claim-rename';

/** Where a kill landed, as read afterwards from the journal and the server's upload directory. */
export type CrashPhase =
  | 'before-record'
  | 'prepared-not-recorded'
  | 'recorded-queued'
  | 'uploading-connecting'
  | 'claim-renamed-not-journaled'
  | 'uploading-products'
  | 'between-files'
  | 'uploading-subscribers'
  | 'subscribers-before-rename'
  | 'renamed-not-journaled'
  | 'journaled-on-server'
  | 'exited-before-kill'
  | 'unexpected-state';

/** One planned kill. */
export interface KillPoint {
  readonly index: number;
  readonly lane: number;
  readonly anchor: KillAnchor;
  /** Fraction of the anchor's window, drawn from the seeded PRNG; resolved to ms after calibration. */
  readonly fraction: number;
  /** How the app comes back: the CLI `status` command in a child, or the services opened in the test process. */
  readonly restartVia: 'in-process' | 'child';
  /** Whether the server's import run happens while the app is down (so the restart finds the file taken). */
  readonly serverRunFirst: boolean;
}

const ANCHOR_WEIGHTS: readonly (readonly [KillAnchor, number])[] = [
  ['spawn', 3],
  ['summary', 8],
  ['products-final', 2],
  ['subscribers-part', 6],
  ['subscribers-final', 5],
];

/** A seeded plan of kill points, dealt round-robin to lanes. Same seed, same plan. */
export function planKills(seed: string | number, count: number, lanes: number): KillPoint[] {
  const rng = createRng('crash-plan', seed);
  return Array.from({ length: count }, (_, index) => ({
    index,
    lane: index % lanes,
    anchor: rng.weighted(ANCHOR_WEIGHTS),
    fraction: rng.next(),
    restartVia: rng.chance(0.2) ? 'child' : 'in-process',
    serverRunFirst: rng.chance(0.3),
  }));
}

/** Times (ms since spawn) of one uninterrupted send, measured under the current machine load. */
export interface Calibration {
  readonly summaryMs: number;
  readonly productsFinalMs: number;
  readonly subscribersPartMs: number;
  readonly subscribersFinalMs: number;
  readonly exitMs: number;
}

/** The kill window, in ms from its anchor, of a point under a calibration. */
export function windowOf(anchor: KillAnchor, c: Calibration): number {
  switch (anchor) {
    case 'spawn':
      return c.summaryMs + 300;
    case 'summary':
      // Up to just after the recipient file's rename: later kills belong to `subscribers-final`,
      // and a window running to the exit would let a faster machine finish before the kill.
      return Math.max(100, c.subscribersFinalMs - c.summaryMs + 30);
    case 'products-final':
      return 60;
    case 'subscribers-part':
      return Math.max(50, c.subscribersFinalMs - c.subscribersPartMs + 50);
    case 'subscribers-final':
      return 40;
    case 'claim-rename':
      return 0;
  }
}

/** What the harness saw of one child run. */
export interface ChildRun {
  /** ms since spawn of the anchor event, or null when it never came. */
  readonly anchorMs: number | null;
  /** ms since spawn when SIGKILL was sent (null: never sent). */
  readonly killedMs: number | null;
  /** Whether the signal reached a live process. */
  readonly killed: boolean;
  /** ms since spawn of the confirmation summary (just before \`sends.create\`), or null. */
  readonly summaryMs: number | null;
  readonly exit: { readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly at: number };
  /** The upload directory once the child and its connection are gone. */
  readonly upload: UploadDirState;
  /** Server-side event times, ms since spawn. */
  readonly events: Partial<Record<'productsFinal' | 'subscribersPart' | 'subscribersFinal', number>>;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `loopdesk send` in a child and, when `kill` is given, SIGKILLs it `delayMs` after its
 * anchor. Without `kill` the run is a calibration: it records when each event happened.
 */
export async function runSendChild(rig: CrashRig, mailingId: string, kill?: { readonly anchor: KillAnchor; readonly delayMs: number }): Promise<ChildRun> {
  rig.throttle(true);
  const events: { productsFinal?: number; subscribersPart?: number; subscribersFinal?: number } = {};
  const child = spawnSend(rig, mailingId);
  let anchorMs: number | null = null;
  let killedMs: number | null = null;
  let killed = false;
  let summaryMs: number | null = null;
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    if (killedMs !== null) return;
    killedMs = Date.now() - child.startedAt;
    killed = child.kill();
  };
  const armed = (at: number) => {
    if (anchorMs !== null) return;
    anchorMs = at;
    if (!kill) return;
    if (kill.delayMs <= 0) fire();
    else timer = setTimeout(fire, kill.delayMs);
  };
  const watcher = watchDir(rig.uploadDir, (name) => {
    const at = Date.now() - child.startedAt;
    const present = existsSync(join(rig.uploadDir, name));
    if (!present) return;
    let event: keyof typeof events | undefined;
    if (/^\d{14}_products\.csv$/.test(name)) event = 'productsFinal';
    else if (/^\d{14}_subscribers\.csv\.part$/.test(name)) event = 'subscribersPart';
    else if (/^\d{14}_subscribers\.csv$/.test(name)) event = 'subscribersFinal';
    if (!event || events[event] !== undefined) return;
    events[event] = at;
    const anchorEvent: Partial<Record<KillAnchor, keyof typeof events>> = { 'products-final': 'productsFinal', 'subscribers-part': 'subscribersPart', 'subscribers-final': 'subscribersFinal' };
    if (kill && anchorEvent[kill.anchor] === event) armed(at);
  });
  const closers: (() => void)[] = [];
  if (kill?.anchor === 'claim-rename') closers.push(watchClaim(rig.dataDir, () => armed(Date.now() - child.startedAt)));
  if (kill?.anchor === 'spawn') armed(0);
  void child.summary.then((at) => {
    summaryMs = at;
    if (kill?.anchor === 'summary') armed(at);
  });
  const exit = await child.exited;
  clearTimeout(timer);
  // Requests already on their way may still reach the server after the kill; let them land.
  await rig.proxy.idle(5_000);
  await new Promise((r) => setTimeout(r, 30));
  watcher.close();
  for (const close of closers) close();
  return { anchorMs, killedMs, killed, summaryMs, exit, upload: uploadDirState(rig.uploadDir), events, stdout: child.stdout(), stderr: child.stderr() };
}

/**
 * Calls `onClaim` when a send's prepared files in `<dataDir>/sends/<id>/` are renamed to
 * another timestamp (the runner's name claim); returns a function that stops watching.
 */
function watchClaim(dataDir: string, onClaim: () => void): () => void {
  const sendsDir = join(dataDir, 'sends');
  mkdirSync(sendsDir, { recursive: true });
  const inner: FSWatcher[] = [];
  const seen = new Set<string>();
  const outer = watch(sendsDir, (_type, name) => {
    const dir = join(sendsDir, String(name));
    if (!name || seen.has(dir) || !existsSync(dir)) return;
    seen.add(dir);
    let first = '';
    try {
      inner.push(
        watch(dir, (_t, file) => {
          const m = /^(\d{14})_(subscribers|products)\.csv$/.exec(String(file));
          if (!m) return;
          if (!first) first = m[1];
          else if (m[1] !== first) onClaim();
        }),
      );
    } catch {
      // The folder went away (send finished or failed): nothing to watch.
    }
  });
  return () => {
    outer.close();
    for (const w of inner) w.close();
  };
}

/**
 * Puts foreign `.part` files for the next `seconds` file-name stamps into the upload
 * directory, so a send prepared now finds its timestamp taken and must claim a later one.
 * The server ignores `.part` files; the runner's claim does not.
 */
export function blockStamps(rig: CrashRig, seconds: number): Set<string> {
  const now = Date.now();
  const names = new Set<string>();
  for (let k = -1; k <= seconds; k++) {
    const name = `${closedLoopFileName(new Date(now + k * 1000), '', 'subscribers')}.part`;
    writeFileSync(join(rig.uploadDir, name), 'foreign upload in progress\n');
    names.add(name);
  }
  return names;
}

/** Journal facts the phase is read from. */
export interface JournalView {
  /** The send this child created, if it got recorded. */
  readonly record: SendRecord | undefined;
  /** Size of its local subscribers file (-1 when gone). */
  readonly localSize: number;
  /** Whether the child had made a work folder (files prepared) without a journal row. */
  readonly preparedOnly: boolean;
  /** Recipient files in the send's local work folder. */
  readonly localNames: readonly string[];
}

/** Reads where a kill landed from the journal and the upload directory; pure. */
export function classify(run: Pick<ChildRun, 'killed' | 'upload'>, view: JournalView, partSize: (name: string) => number): CrashPhase {
  if (!run.killed) return 'exited-before-kill';
  const r = view.record;
  if (!r) return view.preparedOnly ? 'prepared-not-recorded' : 'before-record';
  if (r.state === 'queued') return 'recorded-queued';
  if (r.state === 'on_server') return 'journaled-on-server';
  if (r.state !== 'uploading') return 'unexpected-state';
  if (view.localNames.length > 0 && !view.localNames.includes(r.fileName)) return 'claim-renamed-not-journaled';
  const has = (name: string | null) => (name ? run.upload.finals.includes(name) : false);
  const hasPart = (name: string | null) => (name ? run.upload.parts.includes(`${name}.part`) : false);
  if (has(r.fileName)) return 'renamed-not-journaled';
  if (hasPart(r.fileName)) return partSize(`${r.fileName}.part`) === view.localSize ? 'subscribers-before-rename' : 'uploading-subscribers';
  if (has(r.productsFileName)) return 'between-files';
  if (hasPart(r.productsFileName)) return 'uploading-products';
  return 'uploading-connecting';
}

/** Runs `loopdesk --json status` in a child: the restart path an operator or cron would take. */
export function runStatusChild(rig: CrashRig): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['main/cli/bin.mjs', '--data-dir', rig.dataDir, '--json', 'status'], { cwd: REPO, env: rig.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** What one kill point did, for the report. */
export interface KillOutcome {
  readonly index: number;
  readonly lane: number;
  readonly anchor: KillAnchor;
  readonly delayMs: number;
  /** The window the delay was drawn from (ms from the anchor). */
  readonly windowMs: number;
  readonly killedMs: number | null;
  readonly phase: CrashPhase;
  readonly restartVia: KillPoint['restartVia'];
  readonly serverRunFirst: boolean;
  readonly sendId: string | null;
  /** State right after the restart's first pass. */
  readonly stateAfterRestart: string | null;
  /** Final state after the server run and a status check. */
  readonly finalState: string | null;
  readonly violations: readonly string[];
  readonly ms: number;
}

/** Per-lane bookkeeping across iterations. */
export interface LaneState {
  readonly rig: CrashRig;
  /** Send IDs seen so far. */
  readonly known: Set<string>;
  /** Every processing report of this lane's sandbox. */
  readonly reports: ProcessReport[];
  /** Next source mailing to use (round-robin over the sandbox's usable mailings). */
  next: number;
  /** Foreign files the test put into the upload directory (not the sends' leftovers). */
  foreign?: ReadonlySet<string>;
  /** Windows measured so far on this lane; each run refines them, so load changes are followed. */
  calibration?: Calibration;
}

/**
 * Folds what one run observed into a lane's calibration (moving average), so kill windows
 * follow the machine's load instead of staying at the first, cold-start measurement.
 */
export function recalibrate(current: Calibration, run: Pick<ChildRun, 'summaryMs' | 'events'>): Calibration {
  const mix = (old: number, seen: number | null | undefined) => (seen === null || seen === undefined ? old : Math.round(old * 0.5 + seen * 0.5));
  const e = run.events;
  const upload = e.subscribersPart !== undefined && e.subscribersFinal !== undefined ? e.subscribersFinal - e.subscribersPart : undefined;
  const summaryMs = mix(current.summaryMs, run.summaryMs);
  const uploadMs = mix(current.subscribersFinalMs - current.subscribersPartMs, upload);
  const shift = summaryMs - current.summaryMs;
  return {
    summaryMs,
    productsFinalMs: current.productsFinalMs + shift,
    subscribersPartMs: current.subscribersPartMs + shift,
    subscribersFinalMs: current.subscribersPartMs + shift + uploadMs,
    exitMs: current.exitMs + shift + (uploadMs - (current.subscribersFinalMs - current.subscribersPartMs)),
  };
}

function workDirs(dataDir: string): Set<string> {
  const dir = join(dataDir, 'sends');
  return new Set(existsSync(dir) ? readdirSync(dir) : []);
}

/**
 * Brings the app back after a child ended (killed or not), runs the server's import and a
 * status check, and checks that the send it created (if any) went out once.
 */
export async function restartAndSettle(
  lane: LaneState,
  point: Pick<KillPoint, 'restartVia' | 'serverRunFirst'>,
  run: ChildRun,
  dirsBefore: Set<string>,
): Promise<{ phase: CrashPhase; sendId: string | null; stateAfterRestart: string | null; finalState: string | null; violations: string[] }> {
  const { rig } = lane;
  const violations: string[] = [];
  rig.throttle(false);
  const partSizes = new Map(run.upload.parts.map((p) => [p, sizeOf(join(rig.uploadDir, p))]));
  if (point.serverRunFirst) lane.reports.push(await rig.sandbox.processNow());

  let context = await openRestarted(rig).catch((e: unknown) => {
    violations.push(`the data dir did not open after the kill: ${(e as Error).message}`);
    return undefined;
  });
  if (!context) return { phase: 'unexpected-state', sendId: null, stateAfterRestart: null, finalState: null, violations };
  let phase: CrashPhase;
  let sendId: string | null = null;
  let stateAfterRestart: string | null = null;
  let finalState: string | null = null;
  try {
    const all = await context.services.sends.journal.list();
    const fresh = all.filter((s) => !lane.known.has(s.id));
    if (fresh.length > 1) violations.push(`one child created ${fresh.length} sends: ${fresh.map((s) => s.id).join(', ')}`);
    const record = fresh[0];
    const newDirs = [...workDirs(rig.dataDir)].filter((d) => !dirsBefore.has(d));
    const localNames = record && existsSync(record.workDir) ? readdirSync(record.workDir).filter((n) => /_subscribers\.csv$/.test(n)) : [];
    phase = classify(run, { record, localSize: record ? sizeOf(join(record.workDir, record.fileName)) : -1, preparedOnly: !record && newDirs.length > 0, localNames }, (n) => partSizes.get(n) ?? -1);
    if (record) {
      sendId = record.id;
      lane.known.add(record.id);
    }
    if (point.restartVia === 'child') {
      await context.close();
      context = undefined;
      const status = await runStatusChild(rig);
      if (status.code !== 0) violations.push(`loopdesk status exited ${status.code}: ${status.stderr.trim()}`);
      context = await openRestarted(rig);
    } else {
      await context.services.sends.tick();
    }
    if (record) stateAfterRestart = (await context.services.sends.journal.get(record.id)).state;
    lane.reports.push(await rig.sandbox.processNow());
    const refreshed = await context.dispatcher.handle('sends.refresh', {}, { transport: 'memory' });
    if (!refreshed.ok) violations.push(`sends.refresh failed: ${refreshed.error.code} ${refreshed.error.message}`);
    if (record) {
      const got = await context.dispatcher.handle('sends.get', { id: record.id }, { transport: 'memory' });
      const send = got.ok ? (got.value as Send) : undefined;
      finalState = send?.state ?? null;
      if (finalState !== 'sent' && finalState !== 'mailing_created') {
        violations.push(`send ${record.id} ended ${finalState}${send?.error ? `: ${send.error.message}` : ''}; timeline: ${send?.timeline.map((t) => `${t.state}: ${t.message}`).join(' | ')}`);
      }
    }
  } finally {
    await context?.close();
  }
  const state = uploadDirState(rig.uploadDir);
  const left = { parts: state.parts.filter((p) => !lane.foreign?.has(p)), finals: state.finals };
  if (left.parts.length + left.finals.length > 0) violations.push(`the upload directory still holds ${[...left.parts, ...left.finals].join(', ')}`);
  return { phase, sendId, stateAfterRestart, finalState, violations };
}

/** Runs one kill point on its lane. */
export async function runKillPoint(lane: LaneState, point: KillPoint, initial: Calibration): Promise<KillOutcome> {
  const started = Date.now();
  const calibration = lane.calibration ?? initial;
  const mailingId = lane.rig.mailingIds[lane.next++ % lane.rig.mailingIds.length];
  const delayMs = Math.round(point.fraction * windowOf(point.anchor, calibration));
  const dirsBefore = workDirs(lane.rig.dataDir);
  const run = await runSendChild(lane.rig, mailingId, { anchor: point.anchor, delayMs });
  lane.calibration = recalibrate(lane.calibration ?? calibration, run);
  const violations: string[] = [];
  if (!run.killed && run.exit.code !== 0) violations.push(`the send child failed on its own (exit ${run.exit.code}): ${run.stderr.trim().slice(-500)}`);
  const settled = await restartAndSettle(lane, point, run, dirsBefore);
  return {
    index: point.index,
    lane: point.lane,
    anchor: point.anchor,
    delayMs,
    windowMs: windowOf(point.anchor, calibration),
    killedMs: run.killedMs,
    phase: settled.phase,
    restartVia: point.restartVia,
    serverRunFirst: point.serverRunFirst,
    sendId: settled.sendId,
    stateAfterRestart: settled.stateAfterRestart,
    finalState: settled.finalState,
    violations: [...violations, ...settled.violations],
    ms: Date.now() - started,
  };
}

/** Parses the sandbox's `logs/<stem>.log` (`;`-separated, quoted, with header). */
function logEvents(text: string): { event: string; file: string }[] {
  const lines = text.split('\n').filter(Boolean).slice(1);
  return lines.map((l) => {
    const cells = l.split(';').map((c) => c.replace(/^"|"$/g, '').replaceAll('""', '"'));
    return { event: cells[1], file: cells[2] };
  });
}

/**
 * The end-of-run audit of one lane: every send in the journal reached the server exactly
 * once, with its whole file, and nothing else did.
 */
export async function auditLane(lane: LaneState): Promise<{ sends: number; processed: number; orphanFolders: string[]; violations: string[] }> {
  const { rig } = lane;
  const violations: string[] = [];
  const context = await openRestarted(rig);
  let records: SendRecord[];
  try {
    records = await context.services.sends.journal.list();
  } finally {
    await context.close();
  }
  const byFile = new Map(records.map((r) => [r.fileName, r]));
  const processed = lane.reports.flatMap((r) => r.processed.map((p) => p.file));
  const failed = lane.reports.flatMap((r) => r.failed.map((f) => `${f.file}: ${f.problems.map((p) => `${p.code} line ${p.line}`).join(', ')}`));
  if (failed.length) violations.push(`the server rejected uploads (partial or broken file under a final name): ${failed.join(' | ')}`);
  const halted = lane.reports.flatMap((r) => r.halted);
  if (halted.length) violations.push(`the interface halted for ${halted.join(', ')}`);
  for (const name of processed) {
    if (!/^\d{14}_subscribers\.csv$/.test(name)) violations.push(`the server processed ${name}, which is not a final recipient file name`);
    if (!byFile.has(name)) violations.push(`the server processed ${name}, which no send in the journal owns`);
  }
  for (const r of records) {
    const n = processed.filter((p) => p === r.fileName).length;
    if (n !== 1) violations.push(`send ${r.id} (${r.fileName}) was processed ${n} times`);
    if (r.state !== 'sent' && r.state !== 'mailing_created') violations.push(`send ${r.id} is ${r.state}`);
  }
  // The sandbox's own records: one log with one "received" per upload, no error files, and one
  // ledger entry per send whose taken file is the whole file with this send's WAVE_ID.
  const logNames = readdirSync(rig.logDir);
  if (logNames.includes('HALTED')) violations.push('logs/HALTED exists');
  for (const e of logNames.filter((n) => n.endsWith('.error.csv'))) violations.push(`error file ${e}: ${readFileSync(join(rig.logDir, e), 'utf8').trim()}`);
  for (const l of logNames.filter((n) => n.endsWith('.log'))) {
    const received = logEvents(readFileSync(join(rig.logDir, l), 'utf8')).filter((e) => e.event === 'received');
    if (received.length !== 1) violations.push(`${l} records ${received.length} received uploads`);
    if (!byFile.has(l.replace(/\.log$/, '.csv'))) violations.push(`${l} belongs to no send in the journal`);
  }
  const stateDir = sandboxPaths(rig.sandbox.root).stateDir;
  const ledger = JSON.parse(readFileSync(join(stateDir, 'ledger.json'), 'utf8')) as { entries: LedgerEntry[] };
  const waveIndex = rig.sandbox.clients[0].fields.findIndex((f) => f.name === 'WAVE_ID');
  const stems = new Set<string>();
  const waves = new Map<string, string>();
  for (const e of ledger.entries) {
    if (stems.has(e.stem)) violations.push(`stem ${e.stem} was sent twice`);
    stems.add(e.stem);
    if (!/_subscribers\.csv$/.test(e.takenFile)) violations.push(`taken file ${e.takenFile}: a reused upload name (the same final name arrived twice)`);
    const r = byFile.get(`${e.stem}.csv`);
    if (!r) continue;
    const lines = readFileSync(join(stateDir, e.takenFile), 'utf8').split('\n').filter(Boolean);
    if (lines.length !== r.recipients) violations.push(`${e.takenFile} holds ${lines.length} rows, send ${r.id} has ${r.recipients}`);
    const foreign = lines.filter((l) => l.split(';')[waveIndex] !== `"${r.waveId}"`).length;
    if (foreign) violations.push(`${e.takenFile}: ${foreign} row(s) without the send's WAVE_ID ${r.waveId}`);
    const other = waves.get(r.waveId);
    if (other) violations.push(`WAVE_ID ${r.waveId} arrived under two stems: ${other} and ${e.stem}`);
    waves.set(r.waveId, e.stem);
  }
  if (ledger.entries.length !== records.length) violations.push(`the server sent ${ledger.entries.length} mailings for ${records.length} sends in the journal`);
  // Work and archive folders of sends killed before their journal row: harmless for the
  // server, but nothing removes them (reported, not failed).
  const ids = new Set(records.map((r) => r.id));
  const orphanFolders = ['sends', 'archive'].flatMap((sub) => {
    const dir = join(rig.dataDir, sub);
    return existsSync(dir) ? readdirSync(dir).filter((d) => !ids.has(d)).map((d) => `${sub}/${d}`) : [];
  });
  return { sends: records.length, processed: processed.length, orphanFolders, violations };
}
