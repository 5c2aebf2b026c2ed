import { statSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { AppError, isAppError, isAppErrorOf } from '../../../shared/contract/result';
import { SendState, type Send } from '../../../shared/contract/sends';
import type { LogActivity } from '../activity/activity-service';
import { formatWallClock, isKnownTimeZone, parseServerTime, resolveTimeZone } from '../../../shared/zoned-time';
import type { SftpSession } from '../sftp';
import type { SendClaims } from '../store/send-claims';
import { reasonValues } from '../sftp/reason';
import { deriveStatus, parseErrorFile, parseLogFile, StatusLayoutError, statusFileNames, type ServerObservation } from './server-status-adapter';
import { said, SERVER_STATES, type Said, type SendJournal, type SendRecord } from './send-journal';
import { leaveOutSuppressed, type RecheckDeps } from './upload-recheck';
import { ownNameOnServer } from './own-name-check';
import { samplePart, serverClockOf, tighter, type ClockSample, type ServerClockStore } from './server-clock';
import { HELD_STEP_ID } from '../team/team-events';

/** An error's sentence in both forms: its catalog key where it has one, else its English text alone. */
export function errorSaid(e: unknown): Said {
  const message = e instanceof Error ? e.message : String(e);
  return isAppError(e) && e.messageId ? { message, text: { id: e.messageId, values: { ...(e.values ?? {}) } } } : { message, text: null };
}

/** What the runner needs from its surroundings. */
export interface RunnerDeps {
  readonly journal: SendJournal;
  readonly withSession: <T>(profile: string, work: (session: SftpSession) => Promise<T>) => Promise<T>;
  readonly log: LogActivity;
  /** Called after every change, with upload progress while uploading. */
  readonly changed: (record: SendRecord, progress?: Send['progress']) => void;
  /** Scratch folder for downloaded status files. */
  readonly scratchDir: string;
  /** The client's time-zone setting (empty: this workstation's), in which the server's log times are read. */
  readonly timeZoneOf: (record: SendRecord) => string;
  /** Team mode: the upload lease and the shared name reservations (absent: one workstation, nothing to share). */
  readonly claims?: SendClaims;
  /** Real sends: the suppression list is checked again right before the upload (upload-recheck.ts). */
  readonly recheck?: RecheckDeps;
  /** The servers' clocks as measured on Loopdesk's own uploads (server-clock.ts); absent: measured only when the own-name check needs it. */
  readonly serverClock?: ServerClockStore;
}

function remote(dir: string, name: string): string {
  return posix.join(dir, name);
}

/**
 * Uploads a due send: products file first (the recipient file triggers the dispatch), then
 * the recipient file, each atomically. Safe to run again after a crash or a cut: a file the
 * server already has (or has already taken) is never uploaded a second time.
 */
export async function uploadSend(deps: RunnerDeps, id: string): Promise<SendRecord> {
  const record = await deps.journal.get(id);
  if (record.state !== 'queued' && record.state !== 'uploading') return record;
  if (record.nameHold?.kind === 'held') return record; // the operator decides first (own-name-check.ts)
  const leased = await takeUploadLease(deps, record);
  if (leased !== true) return leased;
  try {
    return await uploadLeased(deps, id);
  } finally {
    await deps.claims?.releaseLease(id).catch(() => undefined);
  }
}

/**
 * Team mode: only the workstation holding a send's lease uploads it. Returns true when this one
 * does; otherwise the record as it stays (another holds it, or the team database cannot be
 * reached: nothing starts) or as it ended (another workstation reconciled it meanwhile).
 */
async function takeUploadLease(deps: RunnerDeps, record: SendRecord): Promise<true | SendRecord> {
  if (!deps.claims) return true;
  try {
    const lease = await deps.claims.acquireLease(record.id);
    if (lease.kind === 'held') return true;
    if (lease.kind === 'busy') return record;
    if (lease.ownAhead) return followTeam(deps, record, lease.state, lease.ownAhead);
    // Another workstation's last step is the reason: in the reader's language where the shared journal kept its key (reason.ts's form), else its English line.
    const inner: Record<string, string> = lease.text ? { reasonId: lease.text.id, reasonValues: JSON.stringify(lease.text.values) } : {};
    const takenOver = said('sends.step.takenOver', { state: lease.state, reason: lease.message, ...inner });
    const ended = await deps.journal.update(record.id, { state: 'error', error: { message: lease.message, text: takenOver.text, rows: [] } }, { state: 'error', ...takenOver });
    deps.changed(ended);
    return ended;
  } catch (e) {
    if (!isAppError(e) || e.code !== 'TEAM_UNAVAILABLE') throw e;
    const last = (await deps.journal.timeline(record.id)).at(-1);
    if (last?.message !== e.message) {
      await deps.log({ level: 'warn', kind: 'upload', profile: record.profile, messageId: 'sends.activity.waitsForTeam', values: { id: record.id, ...reasonValues(e) } });
      record = await deps.journal.update(record.id, {}, { state: record.state, ...errorSaid(e) });
      deps.changed(record);
    }
    return record;
  }
}

/**
 * Team mode: the team has this workstation's send past its upload (or finished) on this
 * workstation's own word, while this data file still has it before the upload: the file is older
 * than what it told the team (restored from a backup, or a copy of the data folder). The team's
 * state wins (the server had the send from the newer data): nothing is uploaded, and the local
 * record follows the team with its names and mailing ID, so the poller goes on where the team is.
 */
async function followTeam(deps: RunnerDeps, record: SendRecord, teamState: string, team: { fileName: string; productsFileName: string | null; mailingId: string | null }): Promise<SendRecord> {
  const parsed = SendState.safeParse(teamState);
  const state = parsed.success && !['awaiting_approval', 'scheduled', 'queued', 'uploading'].includes(parsed.data) ? parsed.data : 'error';
  const why = said('sends.step.teamAhead', { state: teamState, file: team.fileName });
  const followed = await deps.journal.update(
    record.id,
    { state, namesFinal: true, fileName: team.fileName, productsFileName: team.productsFileName, mailingId: team.mailingId ?? record.mailingId, nameHold: null, error: state === 'error' ? { ...why, rows: [] } : null },
    { state, ...why },
  );
  await deps.log({ level: 'warn', kind: 'upload', profile: record.profile, messageId: 'sends.activity.teamAhead', values: { id: record.id, file: team.fileName } });
  await rm(record.workDir, { recursive: true, force: true }).catch(() => undefined);
  deps.changed(followed);
  return followed;
}

async function uploadLeased(deps: RunnerDeps, id: string): Promise<SendRecord> {
  let record = await deps.journal.get(id);
  const attempt = record.uploadAttempts + 1;
  record = await deps.journal.update(
    id,
    { state: 'uploading', uploadAttempts: attempt },
    { state: 'uploading', ...(attempt === 1 ? said('sends.step.uploading') : said('sends.step.uploadingAgain', { attempt })) },
  );
  deps.changed(record);
  try {
    record = await deps.withSession(record.profile, async (session) => {
      if (await alreadyTaken(session, record)) {
        return deps.journal.update(id, { state: 'taken' }, { state: 'taken', ...said('sends.step.alreadyTaken') });
      }
      record = await claimFreeNames(deps, session, record, attempt - 1);
      if (record.nameHold?.kind === 'held') return record; // may be this very send, already on the server: the operator decides
      if (!record.namesFinal) {
        if (!(await deps.journal.markNamesFinal(id))) return deps.journal.get(id); // cancelled meanwhile: upload nothing
        record = await deps.journal.get(id);
      }
      // The last look at the suppression list, while the recipient file can still change: it is not
      // on the server under its name (a first attempt, or one cut before the rename). Once it is
      // there (published before a cut), it is left as it is: a resumed upload compares its size.
      if (!record.test && deps.recheck && !(await session.stat(remote(record.uploadDir, record.fileName)))) {
        const { subscribers } = await preparedFiles(record.workDir);
        if (subscribers) record = await leaveOutSuppressed(deps, deps.recheck, record, subscribers);
        if (record.state !== 'uploading') return record; // every recipient suppressed meanwhile: nothing is uploaded
      }
      const locals = await preparedFiles(record.workDir);
      const uploads = [
        { name: record.productsFileName, local: locals.products },
        { name: record.fileName, local: locals.subscribers },
      ];
      /** The server's clock read off this upload's own files (the tighter of the two), kept for the own-name check of later sends. */
      let clock: ClockSample | undefined;
      for (const { name, local } of uploads) {
        if (!name) continue;
        if (!local) {
          throw new AppError('NOT_FOUND', 'error.sends.preparedFileMissing', { id: record.id, dir: record.workDir }, { path: record.workDir });
        }
        const existing = await session.stat(remote(record.uploadDir, name));
        // Same name and size after an interrupted attempt: ours (the rename went through but its reply was lost).
        if (existing && attempt > 1 && existing.size === statSync(local).size) continue;
        if (existing) {
          throw new AppError('TARGET_EXISTS', 'error.sends.foreignFile', { name, dir: record.uploadDir }, { path: remote(record.uploadDir, name) });
        }
        const before = Date.now();
        await session.uploadAtomic(local, record.uploadDir, name, {
          beforePublish: async () => {
            clock = tighter(clock, await samplePart(session, `${remote(record.uploadDir, name)}.part`, before));
            if (deps.claims) await deps.claims.assertLease(id);
          },
          onProgress: (p) => deps.changed(record, { bytes: p.bytes, total: p.total, rateBytesPerSec: p.rateBytesPerSec, etaSeconds: p.etaSeconds ?? -1 }),
        });
      }
      if (clock && deps.serverClock) await deps.serverClock.record(record.profile, session.fingerprint, clock).catch(() => undefined);
      return deps.journal.update(id, { state: 'on_server' }, { state: 'on_server', ...said('sends.step.onServer', { file: record.fileName }) });
    });
  } catch (e) {
    const failure = errorSaid(e);
    await deps.log({ level: 'error', kind: 'upload', profile: record.profile, messageId: 'sends.activity.uploadFailed', values: { id: record.id, ...reasonValues(e) } });
    if (isAppError(e) && (e.code === 'TARGET_EXISTS' || e.code === 'NOT_FOUND' || e.code === 'UNSUPPORTED_FILE' || (isAppErrorOf(e, 'TRANSFER_FAILED') && e.details?.cause === 'NOT_FOUND') || e.code === 'HOST_KEY_CHANGED' || e.code === 'HOST_KEY_UNKNOWN' || e.code === 'AUTH_FAILED' || e.code === 'SECRET_UNAVAILABLE')) {
      record = await deps.journal.update(id, { state: 'error', error: { ...failure, rows: [] } }, { state: 'error', ...failure });
    } else {
      // A transient failure: the send stays "uploading" and the scheduler tries again; nothing partial is on the server.
      record = await deps.journal.update(id, {}, { state: 'uploading', ...said('sends.step.interrupted', reasonValues(e)) });
    }
    deps.changed(record);
    return record;
  }
  deps.changed(record);
  if (record.state === 'on_server' || SERVER_STATES.includes(record.state)) await rm(record.workDir, { recursive: true, force: true }).catch(() => undefined);
  return record;
}

/**
 * Holds a send whose own name the server already has and that may be this very send
 * (own-name-check.ts): back to `queued` with its attempts as they were, since nothing left, and a
 * step and an activity entry that tell the operator what to check and decide.
 */
async function holdOwnName(deps: RunnerDeps, record: SendRecord, attempts: number, names: { fileName: string; productsFileName: string | null }, since: Date): Promise<SendRecord> {
  const held = await deps.journal.update(
    record.id,
    { state: 'queued', uploadAttempts: attempts, nameHold: { kind: 'held', since: since.toISOString(), ...names } },
    { state: 'queued', ...said(HELD_STEP_ID, { file: names.fileName, at: since.getTime() }) },
  );
  await deps.log({ level: 'warn', kind: 'upload', profile: record.profile, messageId: 'sends.activity.heldOwnName', values: { id: record.id, file: names.fileName } });
  return held;
}

/**
 * After an interruption: the server has already taken the recipient file when its log
 * exists. Then nothing may be uploaded again, whatever is left in the upload directory.
 */
async function alreadyTaken(session: SftpSession, record: SendRecord): Promise<boolean> {
  if (!record.namesFinal) return false;
  return session.exists(remote(record.logDir, statusFileNames(record.fileName).log));
}

/**
 * Until the names are final, moves the send's remote names to the next free second when a file
 * of that stamp is already in the upload directory, or the log directory already has a log or
 * error file of that stem (interpretation.md: two uploads never share a name). The log check
 * catches what the upload listing cannot: a file another workstation (or an earlier send) used
 * and the server has already taken; reusing its stem would make Loopdesk read the other file's
 * mailing ID. Only the journal changes: the prepared local files keep their names, so a crash
 * here leaves nothing inconsistent.
 *
 * Before it walks past a name the server has, it asks whether that file may be this very send
 * (own-name-check.ts: a data file restored from an older backup, or copied); then the send is held
 * (`attempts`: its upload attempts as they were, since nothing left) and nothing is uploaded,
 * unless the operator has said the server's files are another sender's (`notThisSend`).
 */
async function claimFreeNames(deps: RunnerDeps, session: SftpSession, record: SendRecord, attempts: number): Promise<SendRecord> {
  if (record.namesFinal) return record;
  const uploads = new Set((await session.list(record.uploadDir)).map((e) => e.name.replace(/\.part$/, '')));
  const logs = new Set((await listOrEmpty(session, record.logDir)).map((e) => e.name));
  const oldStamp = record.fileName.slice(0, 14);
  const namesFor = (stamp: string) => ({
    fileName: `${stamp}${record.fileName.slice(14)}`,
    productsFileName: record.productsFileName ? restamp(record.productsFileName, oldStamp, stamp) : null,
  });
  const taken = (stamp: string) => {
    const names = namesFor(stamp);
    const status = statusFileNames(names.fileName);
    return uploads.has(names.fileName) || (names.productsFileName !== null && uploads.has(names.productsFileName)) || logs.has(status.log) || logs.has(status.error);
  };
  let stamp = oldStamp;
  if (!taken(stamp)) return record;
  // Team mode: a name is only ours once the team database reserved it for this send.
  const reserved = async (at: string) => !deps.claims || deps.claims.reserveNames(record.id, record.profile, record.uploadDir, namesFor(at));
  const options = { scratchDir: deps.scratchDir, timeZone: deps.timeZoneOf(record), clock: serverClockOf(deps.serverClock, session, record.profile, record.uploadDir) };
  while (taken(stamp) || !(await reserved(stamp))) {
    if (taken(stamp) && record.nameHold?.kind !== 'notThisSend') {
      const own = await ownNameOnServer(session, record, namesFor(stamp).fileName, options);
      if (own) return holdOwnName(deps, record, attempts, namesFor(stamp), own.since);
    }
    stamp = nextSecond(stamp);
  }
  const names = namesFor(stamp);
  return deps.journal.update(record.id, names, { state: 'uploading', ...said('sends.step.renamed', { stamp: oldStamp, file: names.fileName }) });
}

/** A directory's entries; none when the directory does not exist (then it cannot hold a log either). */
async function listOrEmpty(session: SftpSession, dir: string): Promise<{ name: string }[]> {
  try {
    return await session.list(dir);
  } catch (e) {
    if (isAppError(e) && e.code === 'NOT_FOUND') return [];
    throw e;
  }
}

/**
 * A name with its recipient-file stamp replaced. The products file name comes from the client's
 * pattern with `{stamp}` exactly once; its literal text holding the very same 14 digits first is
 * not a case worth the pattern's storage, so the first occurrence is the stamp.
 */
function restamp(name: string, oldStamp: string, stamp: string): string {
  const at = name.indexOf(oldStamp);
  return at < 0 ? name : `${name.slice(0, at)}${stamp}${name.slice(at + oldStamp.length)}`;
}

/**
 * The prepared recipient and products files of a send, whatever their local names: the recipient
 * file is `<stamp>_subscribers.csv`, the products file (named by the client's pattern) is the other one.
 */
async function preparedFiles(workDir: string): Promise<{ subscribers?: string; products?: string }> {
  const names = (await readdir(workDir).catch(() => [] as string[])).filter((n) => !n.endsWith('.tmp'));
  const subscribers = names.find((n) => /^\d{14}_subscribers\.csv$/.test(n));
  const products = names.find((n) => n !== subscribers && !/^\d{14}_rejected\.csv$/.test(n));
  return { subscribers: subscribers && join(workDir, subscribers), products: products && join(workDir, products) };
}

/**
 * A send's remote names moved `seconds` later (recipient file stamp, and the products file's
 * `{stamp}`), as a claim needs them when the prepared second is already reserved.
 */
export function namesShiftedBy(fileName: string, productsFileName: string | null, seconds: number): { fileName: string; productsFileName: string | null } {
  const oldStamp = fileName.slice(0, 14);
  let stamp = oldStamp;
  for (let i = 0; i < seconds; i++) stamp = nextSecond(stamp);
  return { fileName: `${stamp}${fileName.slice(14)}`, productsFileName: productsFileName ? restamp(productsFileName, oldStamp, stamp) : null };
}

/** `YYYYMMDDHHMMSS` plus one second, as calendar time (no time zone shift). */
export function nextSecond(stamp: string): string {
  const d = new Date(Date.UTC(+stamp.slice(0, 4), +stamp.slice(4, 6) - 1, +stamp.slice(6, 8), +stamp.slice(8, 10), +stamp.slice(10, 12), +stamp.slice(12, 14) + 1));
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** Reads what the server shows about a send's upload. */
export async function observe(session: SftpSession, record: SendRecord, scratchDir: string): Promise<ServerObservation> {
  const names = statusFileNames(record.fileName);
  const stillInUpload = await session.exists(remote(record.uploadDir, record.fileName));
  const readText = async (name: string): Promise<string | undefined> => {
    const path = remote(record.logDir, name);
    if (!(await session.exists(path))) return undefined;
    const local = join(scratchDir, `${record.id}-${name}`);
    await session.download(path, local);
    const text = await readFile(local, 'utf8');
    await rm(local, { force: true });
    return text;
  };
  const logText = await readText(names.log);
  const errorText = await readText(names.error);
  const halted = await session.exists(remote(record.logDir, names.halted));
  const parse = <T>(text: string | undefined, name: string, what: 'log' | 'error', parser: (t: string) => T[]): T[] => {
    if (!text) return [];
    try {
      return parser(text);
    } catch (e) {
      const path = remote(record.logDir, name);
      if (e instanceof StatusLayoutError) throw new AppError('REMOTE_ERROR', 'error.sends.statusLayout', { what, path, missing: e.missing.join(', ') }, { path, statusFile: what });
      throw new AppError('REMOTE_ERROR', 'error.sends.statusUnreadable', { what, path, reason: (e as Error).message }, { path, statusFile: what });
    }
  };
  return {
    stillInUpload,
    events: parse(logText, names.log, 'log', parseLogFile),
    errorRows: parse(errorText, names.error, 'error', parseErrorFile),
    halted,
  };
}

/**
 * A failed send's error from the server's error steps: one step keeps its own text; several
 * (rare) are joined as the server's words; none means the server said nothing more.
 */
function serverErrorSaid(steps: readonly { message: string; text: Said['text'] }[]): Said {
  if (steps.length === 1) return { message: steps[0].message, text: steps[0].text };
  if (steps.length === 0) return said('sends.step.serverReportedError');
  const message = steps.map((s) => s.message).join(' ');
  return { message, text: { id: 'sends.step.serverError', values: { reason: message } } };
}

/** Checks the server for one send and records what changed. */
export async function pollSend(deps: RunnerDeps, id: string): Promise<SendRecord> {
  let record = await deps.journal.get(id);
  if (!SERVER_STATES.includes(record.state)) return record;
  try {
    const observation = await deps.withSession(record.profile, (session) => observe(session, record, deps.scratchDir));
    const derived = deriveStatus(observation, record.state);
    const timeline = await deps.journal.timeline(id);
    const knownMessages = new Set(timeline.map((t) => t.message));
    const newSteps = derived.steps.filter((s) => !knownMessages.has(s.message));
    const error = derived.state === 'error' ? { ...serverErrorSaid(derived.steps.filter((s) => s.state === 'error')), rows: [...observation.errorRows] } : record.error;
    const patch = { state: derived.state, mailingId: derived.mailingId ?? record.mailingId, serverHalted: observation.halted, lastCheckedAt: new Date(), error };
    const zone = deps.timeZoneOf(record);
    const timeZone = isKnownTimeZone(zone) ? resolveTimeZone(zone) : undefined;
    for (const [i, step] of newSteps.entries()) {
      // The server's own time of the step, as written, with the zone it is read in (its log has no zone).
      const wall = timeZone ? parseServerTime(step.at) : undefined;
      const server = wall && timeZone ? { time: formatWallClock(wall), timeZone } : undefined;
      record = await deps.journal.update(id, i === newSteps.length - 1 ? patch : {}, { state: step.state, message: step.message, text: step.text, server });
    }
    if (newSteps.length === 0) record = await deps.journal.update(id, patch);
    if (record.state === 'error' && newSteps.length > 0) {
      await deps.log(
        derived.failedAt === 'start'
          ? { level: 'error', kind: 'send', profile: record.profile, messageId: 'sends.activity.startFailed', values: { id: record.id, file: record.fileName, mailingId: record.mailingId ?? '?' }, details: error?.message }
          : { level: 'error', kind: 'send', profile: record.profile, messageId: 'sends.activity.rejected', values: { id: record.id, file: record.fileName }, details: error?.message },
      );
    } else if (record.state === 'sent' && newSteps.length > 0) {
      await deps.log({ level: 'info', kind: 'send', profile: record.profile, messageId: 'sends.activity.sent', values: { id: record.id, mailingId: record.mailingId ?? '?' } });
    }
  } catch (e) {
    const problem = errorSaid(e);
    await deps.log({ level: 'warn', kind: 'status', profile: record.profile, messageId: 'sends.activity.checkFailed', values: { id: record.id, ...reasonValues(e) } });
    const statusFile = isAppErrorOf(e, 'REMOTE_ERROR') && e.details && 'statusFile' in e.details ? e.details.statusFile : undefined;
    const last = (await deps.journal.timeline(id)).at(-1);
    const event = statusFile && last?.message !== problem.message ? { state: record.state, ...problem } : undefined;
    record = await deps.journal.update(id, { lastCheckedAt: new Date() }, event);
  }
  deps.changed(record);
  return record;
}
