import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ImplOf } from '../../../shared/contract';
import type { Locale } from '../../../shared/i18n/locale';
import { AppError } from '../../../shared/contract/result';
import type { Send, sendsContract } from '../../../shared/contract/sends';
import type { EventBus } from '../../core/event-bus';
import type { LogActivity } from '../activity/activity-service';
import { clientTimeZone } from '../profiles/client-time-zone';
import type { ProfilesService } from '../profiles/profiles-service';
import { resolveTarget } from '../profiles/resolve-target';
import { prepareDraft, rememberMapping } from '../recipients/recipients-service';
import type { Database } from '../store/database';
import type { SendClaims } from '../store/send-claims';
import type { TeamStore } from '../team/team-store';
import { localSendClaims } from './local-send-claims';
import { decide, needsApproval, settleDecisions, type FourEyesDeps } from './four-eyes';
import { createStateMirror } from './team-state-mirror';
import { approvalOf, teamSendDto } from './team-send-view';
import { reconcileAbandoned } from './team-reconcile';
import { archiveFiles } from './send-archive';
import { reasonValues } from '../sftp/reason';
import { ACTIVE_STATES, said, SendJournal, SERVER_STATES, type SendRecord } from './send-journal';
import { FAST_POLL_MS, pollDue } from './poll-schedule';
import { namesShiftedBy, pollSend, uploadSend, type RunnerDeps } from './send-runner';
import { ServerClockStore, serverNameOf } from './server-clock';
import { personaliseForTest } from './test-send';
import { withinTeamWait } from '../team/team-wait';

/** What the sends service needs. */
export interface SendsDeps {
  readonly db: Database;
  readonly bus: EventBus;
  readonly dataDir: string;
  readonly profiles: ProfilesService;
  readonly log: LogActivity;
  /** Suppression lookup for validation, and again right before a real send's upload (team mode: after a pull of the team's list). */
  readonly suppressed: () => Promise<(email: string) => string | undefined>;
  /** The language of texts written to files without a window that asked (the rejected rows left out at upload); English when absent. */
  readonly language?: () => Locale;
  /** Encrypts the send archive when set (data at rest). */
  readonly dataKey?: Buffer;
  /**
   * Team mode: the team database through which every workstation claims sends, names and
   * upload leases (README, "Team mode"). Absent: this workstation alone, as before.
   */
  readonly team?: TeamStore;
  /** The servers' clocks per profile (server-clock.ts), shared with the connection test that measures them too; absent: the service keeps its own. */
  readonly serverClock?: ServerClockStore;
  /** Team mode: further team bookkeeping started by each scheduler pass (the shared suppression list); it runs on its own. */
  readonly teamPass?: () => void;
}

/** The sends service plus the scheduler controls the host uses. */
export type SendsService = ImplOf<typeof sendsContract> & {
  /**
   * Starts the scheduler: due sends are uploaded, active sends polled. `pollMs` replaces every
   * poll interval; `fastPollMs` only the one right after an upload ({@link FAST_POLL_MS}).
   */
  startScheduler(options?: { tickMs?: number; pollMs?: number; fastPollMs?: number }): void;
  stopScheduler(): Promise<void>;
  /** Runs one scheduler pass now (tests and "check now"). */
  tick(): Promise<void>;
  /** Removes work and archive folders a crash left behind before their send was recorded. */
  removeOrphans(): Promise<string[]>;
  readonly journal: SendJournal;
};

/** Team mode: how long the Sends list waits for the other workstations' sends before it shows this workstation's alone. */
const TEAM_LIST_WAIT_MS = 1_500;

function newSendId(now: Date): string {
  return `${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(4).toString('hex')}`;
}

/**
 * Sends: prepares and archives the files, keeps the journal, uploads due sends exactly
 * once, and follows each through the server's log to the mailing ID.
 */
export function createSendsService(deps: SendsDeps): SendsService {
  const journal = new SendJournal(deps.db);
  const claims: SendClaims = deps.team ?? localSendClaims();
  // Team mode: every local state change is told to the team (in order, retried until it lands).
  const mirror = deps.team ? createStateMirror(deps.team, journal) : undefined;
  let mirrorPrimed = false;
  const progress = new Map<string, Send['progress']>();
  const retryAfter = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let pollMs: number | undefined;
  let fastPollMs = FAST_POLL_MS;

  /** Four-eyes decisions seen (team mode), shown with the send. */
  const decided = new Map<string, NonNullable<Send['approval']>>();
  /** A local send as the contract carries it; in team mode marked as this workstation's, with its decision. */
  const toDto = async (record: SendRecord, p: Send['progress'] = null): Promise<Send> => {
    const base = await journal.toDto(record, p);
    if (!deps.team) return base;
    return { ...base, origin: { workstation: deps.team.workstation, name: deps.team.workstationName, mine: true }, approval: decided.get(record.id) ?? null };
  };
  const changed = (record: SendRecord, p?: Send['progress']) => {
    if (p !== undefined) progress.set(record.id, p);
    if (record.state !== 'uploading') progress.delete(record.id);
    mirror?.changed(record);
    void toDto(record, progress.get(record.id) ?? null).then(
      (dto) => deps.bus.emit('sends.onChanged', dto),
      () => undefined,
    );
  };
  const runner: RunnerDeps = {
    journal,
    withSession: (profile, work) => deps.profiles.withSession(profile, work),
    log: deps.log,
    changed,
    scratchDir: join(deps.dataDir, 'tmp'),
    timeZoneOf: (record) => clientTimeZone(deps.profiles, record.profile, record.client),
    claims: deps.team,
    serverClock: deps.serverClock ?? new ServerClockStore(deps.db, deps.log, (profile) => serverNameOf(deps.profiles, profile)),
    recheck: {
      suppressed: deps.suppressed,
      clientOf: (record) => {
        // The client may have been removed since: the file is still read byte for byte, only addresses are decoded as UTF-8.
        const client = (() => {
          try {
            return resolveTarget(deps.profiles, record.profile, record.client).client;
          } catch {
            return undefined;
          }
        })();
        return { encoding: client?.encoding ?? 'utf-8', fieldNames: client?.fields.map((f) => f.name) ?? [] };
      },
      rejectedDir: join(deps.dataDir, 'rejected'),
      language: deps.language ?? (() => 'en'),
      archive: async (record) => void (await archiveFiles(record.workDir, record.archiveDir, deps.dataKey)),
      workstation: () => (deps.team ? { id: deps.team.workstation, name: deps.team.workstationName } : undefined),
    },
  };
  const fourEyes: FourEyesDeps = { team: deps.team, journal, log: deps.log, changed, decided };
  const dto = async (id: string) => {
    const r = await journal.find(id);
    if (!r) {
      // Team mode: a send another workstation started, from the shared journal.
      const shared = deps.team ? await deps.team.get(id) : undefined;
      if (shared && deps.team) return teamSendDto(deps.team, shared, shared.events);
      throw new AppError('NOT_FOUND', 'error.sends.noSuchSend', { id });
    }
    return toDto(r, progress.get(id) ?? null);
  };
  /** Team mode: other workstations' state changes arrive as NOTIFY and are shown like local ones. */
  let stopWatch: (() => Promise<void>) | undefined;
  const watchTeam = async () => {
    if (!deps.team || stopWatch) return;
    const team = deps.team;
    stopWatch = await team.watch((notice) => {
      void (async () => {
        const local = await journal.find(notice.sendId);
        // A decision on one of ours: act on it now, not at the next pass.
        if (local?.state === 'awaiting_approval') return void runTick();
        if (local) return;
        const shared = await team.get(notice.sendId);
        if (shared) deps.bus.emit('sends.onChanged', teamSendDto(team, shared, shared.events));
      })().catch(() => undefined);
    });
  };

  /** The profile's poll interval in minutes; NaN for a profile that is gone (removed, kept under Recently removed). */
  const pollMinutesOf = (profile: string): number => {
    try {
      return deps.profiles.stored(profile).options.pollMinutes;
    } catch {
      return Number.NaN;
    }
  };
  const tick = async () => {
    await mkdir(runner.scratchDir, { recursive: true });
    if (deps.team) {
      // After a restart: whatever the team has not heard yet (a final state before a crash) is told again.
      if (!mirrorPrimed) for (const r of await journal.list({ limit: 500 })) mirror!.changed(r);
      mirrorPrimed = true;
      // Team bookkeeping first; an unreachable team database holds up only the team's part.
      await mirror!.flush().catch(() => undefined);
      await deps.team.heartbeat().catch(() => undefined);
      await reconcileAbandoned({ team: deps.team, journal, runner, dataDir: deps.dataDir }).catch((e) =>
        deps.log({ level: 'warn', kind: 'send', messageId: 'sends.activity.teamCheckFailed', values: reasonValues(e) }),
      );
      await settleDecisions(fourEyes).catch(() => undefined);
      await watchTeam().catch(() => undefined);
      deps.teamPass?.();
    }
    const now = Date.now();
    for (const s of await journal.list({ states: ['scheduled'] })) {
      if (s.scheduledAt.getTime() <= now) {
        changed(await journal.update(s.id, { state: 'queued' }, { state: 'queued', ...said('sends.step.due') }));
      }
    }
    for (const s of await journal.list({ states: ['queued', 'uploading'] })) {
      if ((retryAfter.get(s.id) ?? 0) > Date.now()) continue;
      const after = await uploadSend(runner, s.id);
      if (after.state === 'uploading') retryAfter.set(s.id, Date.now() + Math.min(300_000, 2_000 * 2 ** Math.min(after.uploadAttempts, 8)));
      else retryAfter.delete(s.id);
    }
    for (const s of await journal.list({ states: SERVER_STATES })) {
      const profileMs = pollMs ?? pollMinutesOf(s.profile) * 60_000;
      // A removed profile's sends wait, unasked, until it is restored; the others are checked as usual.
      if (Number.isNaN(profileMs)) continue;
      if (pollDue(s, Date.now(), { profileMs, fastMs: pollMs ?? fastPollMs })) await pollSend(runner, s.id);
    }
  };
  /** One pass at a time: a slow upload never overlaps the next tick. */
  const runTick = () => {
    if (!running) {
      running = tick()
        .catch((e) => console.error('[loopdesk] scheduler pass failed', e))
        .finally(() => {
          running = undefined;
        });
    }
    return running;
  };

  return {
    journal,
    tick: () => runTick(),
    async removeOrphans() {
      const removed: string[] = [];
      for (const area of ['sends', 'archive']) {
        for (const id of await readdir(join(deps.dataDir, area)).catch(() => [] as string[])) {
          if (await journal.find(id)) continue;
          await rm(join(deps.dataDir, area, id), { recursive: true, force: true });
          removed.push(join(area, id));
        }
      }
      return removed;
    },
    startScheduler(options = {}) {
      pollMs = options.pollMs;
      fastPollMs = options.fastPollMs ?? FAST_POLL_MS;
      if (timer) return;
      timer = setInterval(() => void runTick(), options.tickMs ?? 5_000);
      void runTick();
    },
    async stopScheduler() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
      await stopWatch?.();
      stopWatch = undefined;
      await mirror?.flush().catch(() => undefined);
    },
    async create(input) {
      const target = resolveTarget(deps.profiles, input.profile, input.client);
      const mailing = target.client.mailings.find((m) => m.id === input.sourceMailingId && !m.retired);
      if (!mailing) {
        throw new AppError(
          'NOT_FOUND',
          'error.sends.mailingNotSetUp',
          { sourceMailingId: input.sourceMailingId, client: input.client, profile: input.profile },
          { profile: input.profile, client: input.client, sourceMailingId: input.sourceMailingId },
        );
      }
      const awaitApproval = needsApproval(target.client.fourEyes, input.test, deps.team, input.client);
      const busy = await journal.inFlight(input.profile, input.client, input.sourceMailingId);
      if (busy) {
        throw new AppError('CONFLICT', 'error.sends.mailingBusy', { name: mailing.name, id: mailing.id, sendId: busy.id, state: busy.state }, { sendId: busy.id, state: busy.state });
      }
      const now = new Date();
      const scheduledAt = input.scheduledAt ? new Date(input.scheduledAt) : now;
      const id = newSendId(now);
      const workDir = join(deps.dataDir, 'sends', id);
      const archiveDir = join(deps.dataDir, 'archive', id);
      await mkdir(workDir, { recursive: true });
      try {
        const used = await journal.namesUsed(input.profile, target.client.uploadDir);
        const report = await prepareDraft({
          draft: input,
          client: target.client,
          outDir: workDir,
          suppressed: await deps.suppressed(),
          now: scheduledAt.getTime() > now.getTime() ? scheduledAt : now,
          taken: (name) => used.has(name),
        });
        let recipients = report.valid;
        if (input.test) recipients = await personaliseForTest(join(workDir, basename(report.files.subscribers)), target.client, input.testRows);
        // The rejected rows stay with the validation report, not with the upload.
        if (report.rejectedFile) await rm(report.rejectedFile, { force: true });
        await archiveFiles(workDir, archiveDir, deps.dataKey);
        const prepared = { fileName: basename(report.files.subscribers), productsFileName: report.files.products ? basename(report.files.products) : null };
        const state = awaitApproval ? 'awaiting_approval' : scheduledAt.getTime() > now.getTime() ? 'scheduled' : 'queued';
        // The source-mailing lock and the names, in one transaction where a team shares them.
        const names = await claims.claim({
          sendId: id,
          profile: input.profile,
          client: input.client,
          sourceMailingId: mailing.id,
          sourceMailingName: mailing.name,
          test: input.test,
          state,
          scheduledAt,
          recipients,
          excluded: report.excludedCount,
          uploadDir: target.client.uploadDir,
          logDir: target.client.logDir,
          ...prepared,
          namesAt: (seconds) => namesShiftedBy(prepared.fileName, prepared.productsFileName, seconds),
        });
        const record: SendRecord = {
          id,
          profile: input.profile,
          client: input.client,
          sourceMailingId: mailing.id,
          sourceMailingName: mailing.name,
          waveId: report.waveId,
          test: input.test,
          state,
          scheduledAt,
          createdAt: now,
          updatedAt: now,
          inputFile: input.path,
          draftJson: JSON.stringify(input),
          recipients,
          excluded: report.excludedCount,
          fileName: names.fileName,
          productsFileName: names.productsFileName,
          workDir,
          archiveDir,
          uploadDir: target.client.uploadDir,
          logDir: target.client.logDir,
          uploadAttempts: 0,
          namesFinal: false,
          mailingId: null,
          error: null,
          serverHalted: false,
          lastCheckedAt: null,
        };
        const first = { count: recipients, mailing: mailing.name, at: scheduledAt.getTime() };
        await journal.insert(
          record,
          awaitApproval
            ? said('team.event.awaitingApproval', { count: recipients, mailing: mailing.name })
            : record.state === 'scheduled'
            ? said(input.test ? 'sends.step.testScheduled' : 'sends.step.scheduled', first)
            : said(input.test ? 'sends.step.testQueued' : 'sends.step.queued', first),
        );
        // The mapping that was good enough to send is offered next time for files with these headers.
        await rememberMapping(deps.db, input.profile, input.client, report.headers, report.mapping);
        await deps.log({
          level: 'info',
          kind: 'send',
          profile: input.profile,
          messageId: input.test ? 'sends.activity.testCreated' : 'sends.activity.created',
          values: { id, count: recipients, mailingId: mailing.id },
        });
        changed(record);
        if (timer) setImmediate(() => void runTick());
        return dto(id);
      } catch (e) {
        await rm(workDir, { recursive: true, force: true });
        await rm(archiveDir, { recursive: true, force: true });
        // A claim whose send was never recorded here must not hold the source mailing.
        if (deps.team && !(await journal.find(id))) await deps.team.recordState({ sendId: id, state: 'cancelled', ...said('team.event.notRecorded') }).catch(() => undefined);
        throw e;
      }
    },
    async list({ profile, limit }) {
      const records = await journal.list({ profile, limit });
      // Team mode: the sends other workstations started too (the team database away: this workstation's only).
      // A database that does not answer holds the screen up at most TEAM_LIST_WAIT_MS.
      const shared = deps.team ? ((await withinTeamWait(deps.team.list({ limit, events: true }), TEAM_LIST_WAIT_MS)) ?? []) : [];
      for (const t of shared) if (t.decision) decided.set(t.id, approvalOf(t)!);
      const mine = await Promise.all(records.map((r) => toDto(r, progress.get(r.id) ?? null)));
      const known = new Set(records.map((r) => r.id));
      const others = shared.filter((t) => !known.has(t.id) && (!profile || t.profile === profile)).map((t) => teamSendDto(deps.team!, t, t.events));
      return [...mine, ...others].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)).slice(0, limit);
    },
    async resolveHold({ id, choice }) {
      const r = await journal.find(id);
      if (!r) throw new AppError('NOT_FOUND', 'error.sends.noSuchSend', { id });
      const hold = r.nameHold?.kind === 'held' ? r.nameHold : undefined;
      const file = hold?.fileName ?? r.fileName;
      // The operator's answer to own-name-check.ts: the server's file is this send (follow it, upload
      // nothing), or another sender's (the next upload moves to the next free second, as for any send).
      const updated =
        choice === 'isThisSend'
          ? await journal.updateHeld(
              id,
              { state: 'on_server', namesFinal: true, nameHold: null, fileName: file, productsFileName: hold ? hold.productsFileName : r.productsFileName },
              { state: 'on_server', ...said('sends.step.heldIsThisSend', { file }) },
            )
          : await journal.updateHeld(id, { nameHold: { kind: 'notThisSend' } }, { state: 'queued', ...said('sends.step.heldNotThisSend', { file }) });
      if (!updated) throw new AppError('CONFLICT', 'error.sends.notHeld', { id });
      if (choice === 'isThisSend') await rm(r.workDir, { recursive: true, force: true });
      await deps.log({
        level: choice === 'isThisSend' ? 'info' : 'warn',
        kind: 'send',
        profile: r.profile,
        messageId: choice === 'isThisSend' ? 'sends.activity.heldIsThisSend' : 'sends.activity.heldNotThisSend',
        values: { id, file },
      });
      changed(updated);
      if (timer) setImmediate(() => void runTick());
      return dto(id);
    },
    async approve({ id }) {
      await decide(fourEyes, id, 'approved', '');
      return dto(id);
    },
    async reject({ id, reason }) {
      await decide(fourEyes, id, 'rejected', reason);
      return dto(id);
    },
    async get({ id }) {
      return dto(id);
    },
    async cancel({ id }) {
      const r = await journal.find(id);
      if (!r) throw new AppError('NOT_FOUND', 'error.sends.noSuchSend', { id });
      if (!(await journal.cancelIfNotStarted(id, said('sends.step.cancelled')))) {
        throw r.state === 'uploading'
          ? new AppError('CONFLICT', 'error.sends.cannotCancelUploading', { id })
          : new AppError('CONFLICT', 'error.sends.cannotCancel', { id, state: r.state });
      }
      await rm(r.workDir, { recursive: true, force: true });
      await deps.log({ level: 'info', kind: 'send', profile: r.profile, messageId: 'sends.activity.cancelled', values: { id } });
      const updated = await journal.get(id);
      changed(updated);
      return dto(id);
    },
    async refresh({ id }) {
      // "Check now" also uploads what is due, so a queued send never waits for the next tick.
      await runTick();
      const targets = id ? [await journal.get(id).catch(() => undefined)].filter((r): r is SendRecord => Boolean(r)) : await journal.list({ states: ACTIVE_STATES });
      // Team mode: another workstation's send is followed by its own workstation; show it as the team has it.
      if (id && targets.length === 0) return [await dto(id)];
      const out: Send[] = [];
      for (const r of targets) {
        if (SERVER_STATES.includes(r.state)) await pollSend(runner, r.id);
        out.push(await dto(r.id));
      }
      return out;
    },
  };
}
