import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ImplOf } from '../../../shared/contract';
import { AppError } from '../../../shared/contract/result';
import type { responsesContract } from '../../../shared/contract/responses';
import type { EventBus } from '../../core/event-bus';
import { formatClosedLoopLine } from '../csv-line';
import type { LogActivity } from '../activity/activity-service';
import type { ProfilesService } from '../profiles/profiles-service';
import { isEmailField, isSourceMailingField, isWaveField } from '../recipients/mapping';
import { openSpreadsheet } from '../recipients/spreadsheet';
import { openArchived } from '../sends/send-archive';
import type { SendJournal } from '../sends/send-journal';
import type { Database } from '../store/database';
import { SuppressionAdmin } from '../suppression/suppression-list';
import { forEachArchivedRow } from './archived-rows';
import { exportMailingReport, exportRows } from './excel-export';
import { formatTimestamp, gridColumns, queryRows, type GridViewName } from './grid-query';
import { deleteOlderThan, listResponseFiles } from './ingest';
import { activityTimeline, clicksPerLink, clientStats, KPI_DEFINITIONS, kpisForMailings } from './kpis';
import { pullClient, type PulledFile } from './response-pull';
import { softBouncedRecipients, suppressionCandidates } from './suppression';
import { isKnownTimeZone, serverTimeToInstant } from '../../../shared/zoned-time';
import { clientTimeZone } from '../profiles/client-time-zone';

/** What the responses service needs. */
export interface ResponsesDeps {
  readonly db: Database;
  readonly bus: EventBus;
  readonly dataDir: string;
  readonly profiles: ProfilesService;
  readonly journal: SendJournal;
  readonly log: LogActivity;
  /** Decrypts the send archive when it is encrypted (data at rest). */
  readonly dataKey?: Buffer;
  /** Runs after every pull (retention). */
  readonly afterPull?: () => Promise<void>;
}

/** The responses service plus the daily pull schedule the owning host starts. */
export type ResponsesService = ImplOf<typeof responsesContract> & {
  /** One pass of the daily schedule at `now`; returns the profiles it pulled. */
  pullDue(now: Date): Promise<string[]>;
  startPullSchedule(): void;
  /** Stops the schedule and waits for a pass under way, so nothing runs after the data file closes. */
  stopPullSchedule(): Promise<void>;
};

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/**
 * Response data: pulls the daily files into DuckDB, ties mailings to the sends that made
 * them, answers the grids and reports, writes Excel, builds soft-bounce resend drafts and
 * feeds the suppression list.
 */
export function createResponsesService(deps: ResponsesDeps): ResponsesService {
  const { db } = deps;
  const suppression = new SuppressionAdmin(db);
  const progress = (task: string, done: number, total: number, message: string) => deps.bus.emit('responses.onProgress', { task, done, total, message });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  const pulledOn = new Map<string, string>();

  /**
   * Pulls every profile whose daily pull time (local clock) has come and that was not pulled
   * yet on this local day. Profiles without a secret this session or without clients wait.
   */
  const pullDue = async (now: Date): Promise<string[]> => {
    const p2 = (n: number) => String(n).padStart(2, '0');
    const today = `${now.getFullYear()}-${p2(now.getMonth() + 1)}-${p2(now.getDate())}`;
    const hhmm = `${p2(now.getHours())}:${p2(now.getMinutes())}`;
    const pulled: string[] = [];
    for (const p of await deps.profiles.list({})) {
      const due = (p.options as { pullTime?: string }).pullTime ?? '07:00';
      if (pulledOn.get(p.name) === today || hhmm < due || !p.secretAvailable || p.clients.length === 0) continue;
      pulledOn.set(p.name, today);
      pulled.push(p.name);
      await pull({ profile: p.name }).catch((e) => deps.log({ level: 'error', kind: 'pull', profile: p.name, message: `Scheduled response pull failed: ${(e as Error).message}` }));
    }
    return pulled;
  };

  const exportPath = async (name: string) => {
    const dir = join(deps.dataDir, 'exports');
    await mkdir(dir, { recursive: true });
    return join(dir, `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}-${stamp()}.xlsx`);
  };

  const pull = async ({ profile, client }: { profile: string; client?: string }) => {
    const stored = deps.profiles.stored(profile);
    const clients = stored.clients.filter((c) => !client || c.name === client);
    if (clients.length === 0) throw new AppError('NOT_FOUND', client ? `Profile "${profile}" has no client "${client}".` : `Profile "${profile}" has no clients yet.`);
    const files: PulledFile[] = [];
    await deps.profiles.withSession(profile, async (session) => {
      for (const c of clients) {
        files.push(
          ...(await pullClient({
            db,
            session,
            profile,
            client: c,
            downloadDir: join(deps.dataDir, 'responses'),
            onFile: (f, i, total) => progress('pull', i + 1, total, `${c.name}: ${f.name} ${f.outcome}`),
          })),
        );
      }
    });
    const added = await suppression.add(
      (await suppressionCandidates(db)).map((s) => ({ email: s.userId, reason: s.reason === 'unsubscribe' ? 'Unsubscribed' : 'Hard bounce', source: `mailing ${s.mailingId ?? '?'}` })),
    );
    await deps.afterPull?.();
    const counts = (o: string) => files.filter((f) => f.outcome === o).length;
    await deps.log({
      level: counts('rejected') > 0 ? 'warn' : 'info',
      kind: 'pull',
      profile,
      message: `Response pull: ${counts('ingested')} new, ${counts('replaced')} replaced, ${counts('skipped')} unchanged, ${counts('rejected')} rejected file(s); ${added} address(es) added to the suppression list.`,
      details: files.filter((f) => f.outcome === 'rejected').map((f) => `${f.name}: ${f.message}`).join('\n') || null,
    });
    return { files };
  };

  /** Response mailings with the send that created each: by the mailing ID in the send's log, else by source mailing and time. */
  const mailings = async () => {
    const rows = await db.all<{ id: bigint; group_id: bigint | null; started: Date | null; finished: Date | null; profile: string | null; client: string | null }>(
      `SELECT m.id, any_value(m.mailing_group_id) AS group_id, min(m.started) AS started, max(m.finished) AS finished, any_value(f.profile) AS profile, any_value(f.client) AS client
       FROM mailings m LEFT JOIN response_files f ON f.id = m.source_file GROUP BY m.id ORDER BY min(m.started) DESC NULLS LAST`,
    );
    const sends = await deps.journal.list({ limit: 100000 });
    const zones = new Map<string, string>();
    /** The instant of a server time (a DuckDB TIMESTAMP holding the server's wall clock) in its client's zone. */
    const serverInstant = (wall: Date, profile: string | null, client: string | null): Date | undefined => {
      const key = `${profile}\u0000${client}`;
      if (!zones.has(key)) zones.set(key, clientTimeZone(deps.profiles, profile, client));
      const zone = zones.get(key)!;
      return isKnownTimeZone(zone) ? serverTimeToInstant(formatTimestamp(wall), zone) : undefined;
    };
    return rows.map((m) => {
      const id = String(m.id);
      const group = m.group_id === null ? null : String(m.group_id);
      let send = sends.find((s) => s.mailingId === id);
      let link: 'log' | 'time' | 'none' = send ? 'log' : 'none';
      // The server's start time has no zone: it is the client's wall clock (interpretation.md, "Server times").
      const startedAt = m.started ? serverInstant(m.started, m.profile, m.client) : undefined;
      if (!send && group && startedAt) {
        // The latest send on that source mailing created before the mailing started.
        send = sends
          .filter((s) => s.sourceMailingId === group && s.createdAt.getTime() <= startedAt.getTime() + 60_000)
          .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
        if (send) link = 'time';
      }
      // The server's clock, without a time zone: shown as written, like the grids.
      const iso = (d: Date | null) => (d ? formatTimestamp(d) : null);
      return {
        mailingId: id,
        sourceMailingId: group,
        started: iso(m.started),
        finished: iso(m.finished),
        sendId: send?.id ?? null,
        inputFile: send?.inputFile ?? null,
        waveId: send?.waveId ?? null,
        test: send ? send.test : null,
        link,
      };
    });
  };

  return {
    pull,
    async files({ profile }) {
      return (await listResponseFiles(db, { profile })).map((f) => ({
        id: f.id,
        profile: f.profile,
        client: f.client,
        name: f.name,
        kind: f.kind,
        size: f.size,
        sha256: f.sha256,
        rows: f.rows,
        ingestedAt: f.ingestedAt.toISOString(),
        status: f.status,
        error: f.error,
      }));
    },
    async columns({ view }) {
      return gridColumns(view as GridViewName).map((c) => ({ ...c }));
    },
    async query(request) {
      const result = await queryRows(db, { ...request, view: request.view as GridViewName });
      return { rows: result.rows.map((r) => ({ ...r })), lastRow: result.lastRow };
    },
    mailings,
    async report({ mailingIds }) {
      const kpis = await kpisForMailings(db, { mailingIds });
      return {
        mailingIds,
        kpis: KPI_DEFINITIONS.map((d) => ({ ...d, value: kpis.values[d.key] })),
        bouncesByCategory: kpis.bouncesByCategory.map((b) => ({ ...b })),
        links: (await clicksPerLink(db, { mailingIds })).map((l) => ({ ...l })),
        timeline: (await activityTimeline(db, { mailingIds })).map((t) => ({ ...t })),
        clients: (await clientStats(db, { mailingIds })).map((c) => ({ ...c })),
      };
    },
    async exportView(request) {
      const outPath = await exportPath(request.view);
      const result = await exportRows(db, {
        query: { ...request, view: request.view as GridViewName },
        outPath,
        onProgress: (p) => progress('export', p.rowsWritten, p.totalRows, `${p.sheet}: ${p.rowsWritten} of ${p.totalRows} rows`),
      });
      await deps.log({ level: 'info', kind: 'export', profile: null, message: `Exported ${result.rows} rows of ${request.view} to ${result.outPath}` });
      return { path: result.outPath, rows: result.rows, sheets: [...result.sheets] };
    },
    async exportReport({ mailingId }) {
      const outPath = await exportPath(`mailing-${mailingId}-report`);
      const result = await exportMailingReport(db, {
        mailingId,
        outPath,
        onProgress: (p) => progress('export', p.rowsWritten, p.totalRows, `${p.sheet}: ${p.rowsWritten} of ${p.totalRows} rows`),
      });
      await deps.log({ level: 'info', kind: 'export', profile: null, message: `Wrote the report of mailing ${mailingId} to ${result.outPath}` });
      return { path: result.outPath, rows: result.rows, sheets: [...result.sheets] };
    },
    async softBounceDraft({ mailingId }) {
      const origin = (await mailings()).find((m) => m.mailingId === mailingId);
      if (!origin?.sendId) {
        throw new AppError('NOT_FOUND', `Mailing ${mailingId} is not tied to a send made with this Loopdesk, so the original rows are not in its archive. Resend from the original spreadsheet instead.`);
      }
      const send = await deps.journal.get(origin.sendId);
      const client = deps.profiles.stored(send.profile).clients.find((c) => c.name === send.client);
      if (!client) throw new AppError('NOT_FOUND', `The client "${send.client}" of send ${send.id} no longer exists in profile "${send.profile}".`);
      const bounced = new Map((await softBouncedRecipients(db, { mailingId })).map((r) => [r.userId.trim().toLowerCase(), r]));
      if (bounced.size === 0) throw new AppError('NOT_FOUND', `Mailing ${mailingId} has no soft bounces to resend (anyone unsubscribed or hard-bounced since is left out).`);
      const emailIndex = client.fields.findIndex((f) => isEmailField(f.name));
      const keep = client.fields.map((f, i) => ({ f, i })).filter(({ f }) => !isSourceMailingField(f.name) && !isWaveField(f.name));
      const archived = join(send.archiveDir, `${send.fileName}.gz`);
      const rows: string[][] = [];
      const found = new Set<string>();
      // In the client's encoding: the archive holds the file exactly as it was uploaded.
      await forEachArchivedRow(openArchived(archived, deps.dataKey), client.encoding, (data) => {
        const email = (data[emailIndex] ?? '').trim().toLowerCase();
        if (bounced.has(email) && !found.has(email)) {
          found.add(email);
          rows.push(keep.map(({ i }) => data[i] ?? ''));
        }
      }).catch((e) => {
        if (e instanceof AppError) throw e;
        throw new AppError('NOT_FOUND', `The archived file of send ${send.id} cannot be read (${(e as Error).message}).`);
      });
      const dir = join(deps.dataDir, 'drafts');
      await mkdir(dir, { recursive: true });
      const path = join(dir, `soft-bounces-${mailingId}-${stamp()}.csv`);
      const text = [keep.map(({ f }) => f.name), ...rows].map(formatClosedLoopLine).join('');
      await writeFile(`${path}.tmp`, text);
      await rename(`${path}.tmp`, path);
      // The draft is read like any spreadsheet: make sure it opens.
      await (await openSpreadsheet(path)).close();
      return { path, recipients: rows.length, left: bounced.size - found.size, profile: send.profile, client: send.client, sourceMailingId: send.sourceMailingId };
    },
    async deleteOlderThan({ before }) {
      const result = await deleteOlderThan(db, new Date(before));
      await deps.log({ level: 'warn', kind: 'retention', profile: null, message: `Deleted response data older than ${before}`, details: JSON.stringify(result) });
      return { ...result };
    },
    async suppressionList(args) {
      return suppression.list(args);
    },
    async suppressionRemove({ email, reason }) {
      const removed = await suppression.remove(email);
      if (removed) await deps.log({ level: 'warn', kind: 'suppression', profile: null, message: `${email} removed from the suppression list`, details: reason });
      return { removed };
    },
    async suppressionImport({ path, reason }) {
      const sheet = await openSpreadsheet(path);
      const column = sheet.headers.findIndex((h) => isEmailField(h));
      if (column < 0) {
        await sheet.close();
        throw new AppError('VALIDATION_FAILED', `No column of ${path} looks like an e-mail address column (headers: ${sheet.headers.join(', ')}). Name it "Email".`);
      }
      const entries: { email: string; reason: string; source: string }[] = [];
      let skipped = 0;
      for await (const row of sheet.rows()) {
        const email = (row.values[column] ?? '').trim();
        if (email.includes('@')) entries.push({ email, reason, source: `import ${basename(path)}` });
        else skipped++;
      }
      const added = await suppression.add(entries);
      await deps.log({ level: 'info', kind: 'suppression', profile: null, message: `Imported ${added} address(es) into the suppression list from ${basename(path)}` });
      return { added, skipped: skipped + (entries.length - added) };
    },
    async suppressionExport() {
      const dir = join(deps.dataDir, 'exports');
      await mkdir(dir, { recursive: true });
      const path = join(dir, `suppression-${stamp()}.csv`);
      return { path, rows: await suppression.exportCsv(path) };
    },
    pullDue,
    startPullSchedule() {
      if (timer) return;
      // Now (a pull time that passed today while the app was closed) and then once a minute;
      // one pass at a time.
      const pass = () => {
        running ??= pullDue(new Date()).finally(() => {
          running = undefined;
        });
      };
      pass();
      timer = setInterval(pass, 60_000);
    },
    async stopPullSchedule() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
