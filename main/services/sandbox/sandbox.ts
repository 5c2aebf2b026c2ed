import { appendFile, lstat, mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Cron } from 'croner';
import type { MasterField } from '../../../shared/contract/profiles';
import { AppError } from '../../../shared/contract/result';
import { hostKeyFingerprint, hostPublicKeyLine, loadOrCreateRoot, writeFileAtomic, type SandboxClient, type SandboxConfig, type SandboxPaths } from './config';
import { csvFile, csvLine, headerLine, parseRecord, splitRecords } from './csv';
import { buildResponseFiles, writeResponseFiles, type BuiltExport } from './export';
import { audienceOf, planHistory } from './history';
import { Ledger, type LedgerEntry } from './ledger';
import { generateMailing, type GeneratedMailing } from './outcomes';
import { hashId11 } from './prng';
import { startSftpServer, type SftpServerHandle } from './sftp-server';
import { formatTimestamp, localNow, parseFileStamp } from './time';
import { decodeStrict, validateUpload, type UploadProblem } from './validate-upload';

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /** Directory holding config, host key, state and the SFTP tree; created when missing. */
  readonly root: string;
  /** SFTP port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** Seconds between processing runs (default 600, the real interface's 10 minutes); 0 disables the timer. */
  readonly interval?: number;
  /** Seconds between extra response exports for demos and tests; 0 or absent disables. */
  readonly exportInterval?: number;
  /** Seed for every simulated outcome and ID; overrides the one in `sandbox.json`. */
  readonly seed?: string | number;
  /** Daily export time `HH:MM` (local); overrides `sandbox.json`. */
  readonly exportAt?: string;
  /** Clear a halt left from a previous run (as `restart()` would). */
  readonly restart?: boolean;
  /** Failures of timer-driven runs go here (default: console.error); API calls throw instead. */
  readonly onError?: (error: unknown) => void;
  /**
   * Whether an error halts the interface; overrides every client's `haltOnError` in
   * `sandbox.json` (on by default there). Off: error file written, next uploads processed.
   */
  readonly haltOnError?: boolean;
  /**
   * On the root's first start, seed a history of past mailings (`true`: 60 days) with their
   * responses, so a demo shows full grids and charts at once. Off by default; the demo set-up of
   * `npm start` / `loopdesk serve` turns it on. Deterministic by seed.
   */
  readonly history?: boolean | { readonly days: number };
  /** The server's clock (default: the machine's); tests move it to let days pass. */
  readonly now?: () => Date;
  /**
   * How much faster than real time a new upload's sending and responses unfold (default 1,
   * real time): 3600 makes an hour a second, so a rehearsal or test sees a day of opens and
   * clicks within half a minute. Recorded per mailing, so changing it never rewrites history.
   */
  readonly timeScale?: number;
}

/** A source mailing as the operator needs it for a profile. */
export interface SandboxMailingInfo {
  readonly id: string;
  readonly name: string;
}

/** One client's directories, as SFTP paths, and its usable source mailings. */
export interface SandboxClientInfo {
  readonly name: string;
  /** SFTP path, e.g. `/demo/upload`. */
  readonly uploadDir: string;
  readonly logDir: string;
  readonly responseDir: string;
  /** Source mailings uploads may use (the activated and deactivated ones are not among them). */
  readonly mailings: readonly SandboxMailingInfo[];
  /** IDs of {@link mailings}, in the same order. */
  readonly mailingIds: readonly string[];
  /** Activated source mailings: an upload naming one fails (for error demos and tests). */
  readonly activatedMailingIds: readonly string[];
  /** Source mailings whose copies are imported but fail to start (the second error case). */
  readonly deactivatedMailingIds: readonly string[];
  /** Master-list fields in upload order; a profile for this client must use exactly these. */
  readonly fields: readonly MasterField[];
  /** Fields of the products file. */
  readonly productFields: readonly MasterField[];
  /** Which of {@link fields} hold product IDs. */
  readonly productIdFields: readonly string[];
  /** The client's directory on disk (`<root>/sftp/<name>`), for tests and tools on the same machine. */
  readonly localDir: string;
}

/** What one processing run did. */
export interface ProcessReport {
  readonly processed: readonly { readonly client: string; readonly file: string; readonly mailingIds: readonly string[]; readonly records: number }[];
  readonly failed: readonly { readonly client: string; readonly file: string; readonly errorFile: string; readonly problems: readonly UploadProblem[] }[];
  /** Clients skipped because their interface is halted. */
  readonly halted: readonly string[];
}

/** What one export did, per client. */
export interface ExportReport {
  readonly clients: readonly { readonly client: string; readonly written: readonly string[]; readonly unchanged: readonly string[]; readonly deleted: readonly string[] }[];
}

/** A running sandbox. */
export interface SandboxHandle {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Host key fingerprint as `ssh-keygen -lf` prints it: `SHA256:<base64 without padding>`. */
  readonly fingerprint: string;
  /** Host public key line (`ssh-ed25519 AAAA…`), for a known_hosts file. */
  readonly hostPublicKey: string;
  readonly root: string;
  /** Disk directory SFTP users are chrooted to. */
  readonly sftpRoot: string;
  readonly seed: string;
  readonly clients: readonly SandboxClientInfo[];
  /** Mailings of the root's seeded demo history (seeded on its first start; 0 when it has none). */
  readonly historyMailings: number;
  /** Runs the cron job now (waits for a run already in progress). */
  processNow(): Promise<ProcessReport>;
  /** Writes the response files now. */
  exportNow(): Promise<ExportReport>;
  /**
   * Writes into a local `dir` the response files of `client` that earlier daily exports wrote and
   * the server has deleted since (past retention); answers their names. For seeding a demo's own
   * history of pulled files; nothing changes on the server.
   */
  earlierExports(client: string, dir: string): Promise<readonly string[]>;
  /** Clears every halt (removes `logs/HALTED`); the failed upload stays out of `upload/`. */
  restart(): Promise<{ readonly cleared: readonly string[] }>;
  /** Adds an OpenSSH public key line to the root's `authorized_keys`. */
  authorizeKey(publicKeyLine: string): Promise<void>;
  /** Stops timers and the SFTP server; waits for a run in progress. */
  stop(): Promise<void>;
}

/** Recipient files the cron job takes; anything else (`.part`, products) it leaves alone. */
export const SUBSCRIBERS_FILE = /^(\d{14})_subscribers\.csv$/;
/** Header of `logs/<stem>.log`. */
export const LOG_HEADER = ['timestamp', 'event', 'file', 'mailingId', 'records', 'message'] as const;
/** Header of `logs/<stem>.error.csv`. */
export const ERROR_HEADER = ['line', 'field', 'code', 'message'] as const;
/** Name of the halt marker in a client's log directory. */
export const HALTED_FILE = 'HALTED';

const DAY_MS = 24 * 3600 * 1000;
/** Recipients whose generated rows stay in memory between exports. */
const CACHE_RECIPIENTS = 250_000;

/** Log events, in the order a successful upload produces them. */
export type LogEvent = 'received' | 'imported' | 'mailing_created' | 'sending_started' | 'sending_finished' | 'error';

class SandboxRuntime {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly cache = new Map<string, GeneratedMailing>();
  /** Per client: the built files of days before today and what they depend on (see `build`). */
  private readonly pastDays = new Map<string, { key: string; names: ReadonlySet<string>; expiredDays: ReadonlySet<string> }>();
  private cachedRecipients = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private cron: Cron | null = null;
  private stopped = false;

  constructor(
    readonly paths: SandboxPaths,
    readonly config: SandboxConfig,
    readonly seed: string,
    private readonly ledger: Ledger,
    private readonly onError: (e: unknown) => void,
    private readonly haltOverride: boolean | undefined,
    private readonly clock: () => Date,
    private readonly timeScale: number,
  ) {}

  /** The server's wall clock as a naive time. */
  now(): number {
    return localNow(this.clock());
  }

  private haltsOnError(c: SandboxClient): boolean {
    return this.haltOverride ?? c.haltOnError;
  }

  clientDir(c: SandboxClient, sub: 'upload' | 'logs' | 'responses'): string {
    return path.join(this.paths.sftpRoot, c.name, sub);
  }

  /** Serialises runs: processing, export and restart never interleave. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  schedule(intervalS: number, exportIntervalS: number, exportAt: string): void {
    const tick = (fn: () => Promise<unknown>) => () => {
      if (!this.stopped) void fn().catch(this.onError);
    };
    if (intervalS > 0) this.timers.push(setInterval(tick(() => this.processNow()), intervalS * 1000));
    if (exportIntervalS > 0) this.timers.push(setInterval(tick(() => this.exportNow()), exportIntervalS * 1000));
    const [hh, mm] = exportAt.split(':').map(Number);
    this.cron = new Cron(`${mm} ${hh} * * *`, tick(() => this.exportNow()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.cron?.stop();
    await this.queue;
  }

  processNow(): Promise<ProcessReport> {
    return this.run(async () => {
      const report: { processed: ProcessReport['processed'][number][]; failed: ProcessReport['failed'][number][]; halted: string[] } = { processed: [], failed: [], halted: [] };
      for (const c of this.config.clients) await this.processClient(c, report);
      return report;
    });
  }

  private async isHalted(c: SandboxClient): Promise<boolean> {
    return lstat(path.join(this.clientDir(c, 'logs'), HALTED_FILE)).then(
      () => true,
      () => false,
    );
  }

  private async processClient(c: SandboxClient, report: { processed: ProcessReport['processed'][number][]; failed: ProcessReport['failed'][number][]; halted: string[] }): Promise<void> {
    if (await this.isHalted(c)) {
      report.halted.push(c.name);
      return;
    }
    const uploadDir = this.clientDir(c, 'upload');
    const names = (await readdir(uploadDir)).filter((n) => SUBSCRIBERS_FILE.test(n)).sort();
    for (const name of names) {
      const st = await lstat(path.join(uploadDir, name)).catch(() => null);
      if (!st?.isFile()) continue;
      const ok = await this.processUpload(c, name, report);
      if (!ok && this.haltsOnError(c)) {
        report.halted.push(c.name);
        return;
      }
    }
  }

  /** A name in the private taken dir that no earlier upload used (clients may reuse names). */
  private async takenName(c: SandboxClient, name: string): Promise<string> {
    const dir = path.join(this.paths.stateDir, c.name, 'taken');
    const existing = new Set(await readdir(dir));
    if (!existing.has(name)) return path.join(c.name, 'taken', name);
    for (let k = 2; ; k++) {
      const alt = name.replace(/\.csv$/, `.${k}.csv`);
      if (!existing.has(alt)) return path.join(c.name, 'taken', alt);
    }
  }

  private async log(c: SandboxClient, stem: string, rows: readonly (readonly [LogEvent, string, string, string, string])[], stampMs = this.now()): Promise<void> {
    const file = path.join(this.clientDir(c, 'logs'), `${stem}.log`);
    const current = await readFile(file, 'utf8').catch(() => headerLine(LOG_HEADER));
    const add = rows.map(([event, fileName, mailingId, records, message]) => csvLine([formatTimestamp(stampMs), event, fileName, mailingId, records, message])).join('');
    await writeFileAtomic(file, current + add);
  }

  /**
   * Writes an upload's error file and, when the client halts on errors, the halt marker; the
   * log line saying which of the two happened is the caller's.
   */
  private async fail(c: SandboxClient, stem: string, problems: readonly UploadProblem[]): Promise<string> {
    const errorFile = `${stem}.error.csv`;
    const logsDir = this.clientDir(c, 'logs');
    await writeFileAtomic(path.join(logsDir, errorFile), csvFile(ERROR_HEADER, problems.map((p) => [String(p.line), p.field, p.code, p.message])));
    if (this.haltsOnError(c)) await writeFileAtomic(path.join(logsDir, HALTED_FILE), `${errorFile}\n`);
    return errorFile;
  }

  /** What the log says happens next after an error. */
  private afterError(c: SandboxClient): string {
    return this.haltsOnError(c) ? 'the interface is halted until it is restarted' : 'halting on errors is off, so the next uploads are still processed';
  }

  /** Takes one upload through validation, sending and logging; false when it failed (import or start). */
  private async processUpload(c: SandboxClient, name: string, report: { processed: ProcessReport['processed'][number][]; failed: ProcessReport['failed'][number][] }): Promise<boolean> {
    const uploadDir = this.clientDir(c, 'upload');
    const stamp = SUBSCRIBERS_FILE.exec(name)![1];
    const stem = name.slice(0, -'.csv'.length);
    const takenRel = await this.takenName(c, name);
    try {
      await rename(path.join(uploadDir, name), path.join(this.paths.stateDir, takenRel));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true; // the client removed it first
      throw e;
    }
    const productsName = `${stamp}_products.csv`;
    let productsRel: string | undefined;
    const productsSrc = path.join(uploadDir, productsName);
    if (await stat(productsSrc).then((s) => s.isFile(), () => false)) {
      productsRel = await this.takenName(c, productsName);
      await rename(productsSrc, path.join(this.paths.stateDir, productsRel));
    }
    const bytes = await readFile(path.join(this.paths.stateDir, takenRel));
    await this.log(c, stem, [['received', name, '', '', `${bytes.length} bytes${productsRel ? `, with products file ${productsName}` : ''}`]]);

    const baseMs = parseFileStamp(stamp);
    const result =
      baseMs === null
        ? ({
            ok: false,
            problems: [{ line: 0, field: '(file name)', code: 'BAD_FILE_NAME', message: `The file name ${name} does not carry a real date and time (YYYYMMDDHHMMSS); rename it and upload again.` }],
          } as const)
        : validateUpload({ client: c, subscribers: bytes, products: productsRel ? await readFile(path.join(this.paths.stateDir, productsRel)) : undefined, productsName });
    if (!result.ok) {
      const problems = result.problems;
      const errorFile = await this.fail(c, stem, problems);
      await this.log(c, stem, [['error', name, '', String(problems.length), `Import failed with ${problems.length} problem(s), see ${errorFile}; ${this.afterError(c)}.`]]);
      report.failed.push({ client: c.name, file: name, errorFile, problems });
      return false;
    }

    await this.log(c, stem, [['imported', name, '', String(result.recipients.length), `${result.recipients.length} recipient(s) imported into the recipient list of client ${c.name}`]]);
    const mailingIdIndex = c.fields.findIndex((f) => f.name === c.mailingIdField);
    const emailIndex = c.fields.findIndex((f) => f.name === c.emailField);
    const productIdIndexes = c.productIdFields.map((n) => c.fields.findIndex((f) => f.name === n)).filter((i) => i >= 0);
    const groups = new Map<string, number>();
    for (const r of result.recipients) groups.set(r.values[mailingIdIndex], (groups.get(r.values[mailingIdIndex]) ?? 0) + 1);

    const used = this.ledger.mailingIds();
    for (const cl of this.config.clients) for (const m of cl.mailings) used.add(m.id);
    const entries: LedgerEntry[] = [];
    let { recipientOffset, linkOffset } = this.ledger.nextOffsets();
    for (const [sourceId, count] of groups) {
      const source = c.mailings.find((m) => m.id === sourceId)!;
      let mailingId = '';
      for (let attempt = 0; !mailingId || used.has(mailingId); attempt++) mailingId = hashId11(this.seed, 'mailing', c.name, stem, sourceId, attempt);
      used.add(mailingId);
      const entry: LedgerEntry = {
        client: c.name,
        stem,
        takenFile: takenRel,
        seed: this.seed,
        mailingId,
        sourceMailingId: sourceId,
        campaignId: source.campaignId,
        recipientListId: c.recipientListId,
        links: source.links,
        products: result.products,
        baseMs: baseMs!,
        emailIndex,
        mailingIdIndex,
        productIdIndexes,
        encoding: c.encoding,
        recipientOffset,
        recipientCount: count,
        linkOffset,
        linkCount: source.links.length + result.products.length,
        rates: this.config.rates,
        ...(this.timeScale !== 1 ? { timeScale: this.timeScale } : {}),
        ...(source.deactivated ? { startFailed: true } : {}),
      };
      recipientOffset += count;
      linkOffset += entry.linkCount;
      entries.push(entry);
    }
    await this.ledger.add(entries);
    const mailingIds: string[] = [];
    const startProblems: UploadProblem[] = [];
    for (const entry of entries) {
      if (entry.startFailed) {
        // The vendor's second error case: imported and copied, but the copy cannot be started.
        const source = c.mailings.find((m) => m.id === entry.sourceMailingId)!;
        const problem: UploadProblem = {
          line: 0,
          field: c.mailingIdField,
          code: 'MAILING_START_FAILED',
          message: `Mailing ${entry.mailingId} (copy of source mailing ${source.id} "${source.name}") could not be started: the source mailing was deactivated after the import. Nothing was sent to its ${entry.recipientCount} recipient(s). Put the source mailing back into status New or Activation required, then upload the file again.`,
        };
        startProblems.push(problem);
        await this.log(c, stem, [['mailing_created', name, entry.mailingId, String(entry.recipientCount), `Copy of source mailing ${source.id} "${source.name}" created`]]);
        const errorFile = await this.fail(c, stem, startProblems);
        await this.log(c, stem, [['error', name, entry.mailingId, String(entry.recipientCount), `Mailing ${entry.mailingId} could not be started: source mailing ${source.id} "${source.name}" was deactivated after the import; nothing was sent. See ${errorFile}; ${this.afterError(c)}.`]]);
        continue;
      }
      const g = await this.generated(entry);
      const sent = g.recipients.filter((r) => r.sendingStatus === 'sent').length;
      const source = c.mailings.find((m) => m.id === entry.sourceMailingId)!;
      await this.log(c, stem, [
        ['mailing_created', name, entry.mailingId, String(entry.recipientCount), `Copy of source mailing ${source.id} "${source.name}" created (simulated time ${formatTimestamp(g.mailing.created)})`],
        ['sending_started', name, entry.mailingId, String(entry.recipientCount), `Sending started (simulated time ${formatTimestamp(g.mailing.started)})`],
        ['sending_finished', name, entry.mailingId, String(sent), `${sent} sent, ${entry.recipientCount - sent} could not be sent (simulated time ${formatTimestamp(g.mailing.finished)})`],
      ]);
      mailingIds.push(entry.mailingId);
    }
    if (mailingIds.length > 0) report.processed.push({ client: c.name, file: name, mailingIds, records: result.recipients.length });
    if (startProblems.length > 0) {
      report.failed.push({ client: c.name, file: name, errorFile: `${stem}.error.csv`, problems: startProblems });
      return false;
    }
    return true;
  }

  /** Regenerates (or recalls) a mailing's rows from its taken upload. */
  private async generated(e: LedgerEntry): Promise<GeneratedMailing> {
    const hit = this.cache.get(e.mailingId);
    if (hit) return hit;
    const recipients = e.audience ? audienceOf(e) : await this.takenRecipients(e);
    const g = generateMailing({
      seed: e.seed,
      mailingId: e.mailingId,
      sourceMailingId: e.sourceMailingId,
      campaignId: e.campaignId,
      recipientListId: e.recipientListId,
      links: e.links,
      products: e.products,
      baseMs: e.baseMs,
      recipients,
      rates: e.rates,
      recipientOffset: e.recipientOffset,
      linkOffset: e.linkOffset,
      timeScale: e.timeScale,
    });
    this.cache.set(e.mailingId, g);
    this.cachedRecipients += e.recipientCount;
    // Keep memory bounded for big demo uploads: drop the oldest generations, they can be replayed.
    for (const [id, old] of this.cache) {
      if (this.cachedRecipients <= CACHE_RECIPIENTS || id === e.mailingId) break;
      this.cache.delete(id);
      this.cachedRecipients -= old.recipients.length;
    }
    return g;
  }

  /** The recipients of an uploaded mailing, read back from its taken upload. */
  private async takenRecipients(e: LedgerEntry): Promise<{ email: string; productIds: string[] }[]> {
    const decoded = decodeStrict(await readFile(path.join(this.paths.stateDir, e.takenFile)), e.encoding);
    if ('badLine' in decoded) throw new AppError('INTERNAL', `The taken upload ${e.takenFile} no longer decodes; the sandbox state is damaged.`);
    const text = decoded.text.charCodeAt(0) === 0xfeff ? decoded.text.slice(1) : decoded.text;
    const recipients: { email: string; productIds: string[] }[] = [];
    for (const rec of splitRecords(text)) {
      const v = parseRecord(rec.raw, ';').fields;
      if (v[e.mailingIdIndex] !== e.sourceMailingId) continue;
      recipients.push({ email: v[e.emailIndex], productIds: e.productIdIndexes.map((i) => v[i]).filter((p) => p !== '') });
    }
    return recipients;
  }

  /**
   * The mailings of a client whose rows an export at `now` can hold: a mailing's events reach at
   * most one retention period past its start, and a day's file is kept while it holds data of a
   * mailing started within the retention, so mailings older than two periods cannot matter.
   */
  private async exportable(c: SandboxClient, now: number, all = false): Promise<GeneratedMailing[]> {
    const oldest = now - (2 * this.config.retentionDays + 1) * DAY_MS;
    const mailings: GeneratedMailing[] = [];
    for (const e of this.ledger.entries()) {
      if (e.client !== c.name || e.startFailed || (!all && e.baseMs < oldest)) continue;
      // A long export (a seeded history) gives way to stop(), so closing the app never waits for it.
      if (this.stopped) throw new AppError('CONFLICT', 'The sandbox is stopping; the export was not finished.');
      const cached = this.cache.has(e.mailingId);
      mailings.push(await this.generated(e));
      // Generating a big mailing takes tens of milliseconds: let the host's other work run in between.
      if (!cached) await new Promise((resolve) => setImmediate(resolve));
    }
    return mailings;
  }

  /**
   * One client's export at `now`. Files of past days never change while no mailing is added,
   * starts, finishes or passes retention, so while none of that happened they stay as written
   * and only today's rows are formatted: a demo exporting every few minutes stays cheap, and
   * only the names of those files are remembered, not their content.
   */
  private async build(c: SandboxClient, now: number): Promise<BuiltExport> {
    const mailings = await this.exportable(c, now);
    const opts = { fileName: this.config.responseFileName, now, retentionDays: this.config.retentionDays };
    const todayMs = Math.floor(now / DAY_MS) * DAY_MS;
    const count = (f: (m: GeneratedMailing) => boolean): number => mailings.filter(f).length;
    const key = [
      this.ledger.entries().length,
      todayMs,
      count((m) => m.mailing.started <= now),
      count((m) => m.mailing.finished <= now),
      count((m) => m.mailing.started >= now - this.config.retentionDays * DAY_MS),
    ].join('|');
    const today = await buildResponseFiles(mailings, { ...opts, fromMs: todayMs });
    const past = this.pastDays.get(c.name);
    if (past?.key === key) return { ...today, expiredDays: new Set([...past.expiredDays, ...today.expiredDays]), kept: past.names };
    const built = await buildResponseFiles(mailings, { ...opts, toMs: todayMs });
    this.pastDays.set(c.name, { key, names: new Set(built.files.keys()), expiredDays: built.expiredDays });
    return { files: new Map([...built.files, ...today.files]), expiredDays: new Set([...built.expiredDays, ...today.expiredDays]), cutoffDay: today.cutoffDay };
  }

  exportNow(): Promise<ExportReport> {
    return this.run(async () => {
      const now = this.now();
      const clients: ExportReport['clients'][number][] = [];
      for (const c of this.config.clients) {
        const built = await this.build(c, now);
        const res = await writeResponseFiles(this.clientDir(c, 'responses'), built, this.config.responseFileName);
        await this.pruneLogs(c);
        clients.push({ client: c.name, ...res });
      }
      return { clients };
    });
  }

  /**
   * Writes into `dir` the response files of `client` that earlier daily exports wrote and the
   * server has since deleted (past retention), with the content they had. A demo uses it to give
   * Loopdesk the part of the seeded history it would have pulled on those days.
   */
  earlierExports(client: string, dir: string): Promise<string[]> {
    return this.run(async () => {
      const c = this.config.clients.find((x) => x.name === client);
      if (!c) throw new AppError('NOT_FOUND', `The sandbox has no client "${client}".`);
      const now = this.now();
      const built = await buildResponseFiles(await this.exportable(c, now, true), { fileName: this.config.responseFileName, now, retentionDays: this.config.retentionDays, withExpired: true });
      const written: string[] = [];
      await mkdir(dir, { recursive: true });
      for (const [name, content] of built.files) {
        const day = /(\d{8})/.exec(name.replace(/^.*[\\/]/, ''))?.[1] ?? '';
        if (!built.expiredDays.has(day)) continue;
        await writeFileAtomic(path.join(dir, name), content);
        written.push(name);
      }
      return written;
    });
  }

  /** Seeds the demo history on a root's first start; answers how many mailings it added. */
  async seedHistory(days: number): Promise<number> {
    const usedIds = this.ledger.mailingIds();
    for (const cl of this.config.clients) for (const m of cl.mailings) usedIds.add(m.id);
    const entries: LedgerEntry[] = [];
    let offsets = this.ledger.nextOffsets();
    for (const c of this.config.clients) {
      const planned = planHistory({ seed: this.seed, client: c, rates: this.config.rates, now: this.now(), days, usedIds, ...offsets });
      entries.push(...planned);
      const last = planned.at(-1);
      if (last) offsets = { recipientOffset: last.recipientOffset + last.recipientCount, linkOffset: last.linkOffset + last.linkCount };
    }
    await this.ledger.add(entries);
    return entries.length;
  }

  /** Log and error files stay as long as response files do; the one a halt points at stays. */
  private async pruneLogs(c: SandboxClient): Promise<void> {
    const dir = this.clientDir(c, 'logs');
    const keep = (await readFile(path.join(dir, HALTED_FILE), 'utf8').catch(() => '')).trim();
    for (const name of await readdir(dir)) {
      if (name === HALTED_FILE || name === keep || !/\.(log|error\.csv)$/.test(name)) continue;
      const st = await stat(path.join(dir, name)).catch(() => null);
      // File times are the machine's, so the machine's clock (not the server's, which tests move) decides.
      if (st && localNow(st.mtime) < localNow() - this.config.retentionDays * DAY_MS) await unlink(path.join(dir, name)).catch(() => undefined);
    }
  }

  restart(): Promise<{ cleared: string[] }> {
    return this.run(async () => {
      const cleared: string[] = [];
      for (const c of this.config.clients) {
        const file = path.join(this.clientDir(c, 'logs'), HALTED_FILE);
        if (await lstat(file).then(() => true, () => false)) {
          await unlink(file);
          cleared.push(c.name);
        }
      }
      return { cleared };
    });
  }
}

/** Bytes held by the regular files below `dir` (symlinks not followed; unreadable entries skipped). */
async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await treeBytes(p);
    else if (entry.isFile()) total += (await lstat(p).catch(() => null))?.size ?? 0;
  }
  return total;
}

/**
 * The WRITE check behind the `diskQuotaBytes` fault switch, or undefined when no client sets one
 * (then the server never asks). Usage is measured on every growing write, which is fine for the
 * sandbox's small trees and makes freed space count at once.
 */
function diskQuotaCheck(sftpRoot: string, clients: readonly SandboxClient[]): ((virtualPath: string, growth: number) => Promise<boolean>) | undefined {
  const quotas = new Map(clients.flatMap((c) => (c.diskQuotaBytes === undefined ? [] : [[c.name, c.diskQuotaBytes] as const])));
  if (quotas.size === 0) return undefined;
  return async (virtualPath, growth) => {
    const client = virtualPath.split('/')[1] ?? '';
    const quota = quotas.get(client);
    if (quota === undefined) return true;
    return (await treeBytes(path.join(sftpRoot, client))) + growth <= quota;
  };
}

/**
 * Starts the embedded sandbox: the server side of the closed-loop interface (SFTP
 * endpoint, the cron job that imports and "sends" uploads, and the response export).
 *
 * It lets the whole loop run on a fresh machine, and makes outcomes reproducible: the
 * same seed and uploads give byte-identical response files.
 */
export async function startSandbox(options: SandboxOptions): Promise<SandboxHandle> {
  const seedOpt = options.seed === undefined ? undefined : String(options.seed);
  if (options.exportAt !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(options.exportAt))
    throw new AppError('INVALID_INPUT', `Export time "${options.exportAt}" is not HH:MM (24 h); give it as e.g. 06:00.`);
  for (const [k, v] of [['port', options.port], ['interval', options.interval], ['exportInterval', options.exportInterval]] as const)
    if (v !== undefined && (!Number.isFinite(v) || v < 0 || (k === 'port' && (v > 65535 || !Number.isInteger(v)))))
      throw new AppError('INVALID_INPUT', `Sandbox option ${k} must be a non-negative number${k === 'port' ? ' up to 65535' : ''}; got ${v}.`);
  if (options.timeScale !== undefined && !(Number.isFinite(options.timeScale) && options.timeScale >= 1 && options.timeScale <= 1_000_000))
    throw new AppError('INVALID_INPUT', `Sandbox time scale must be a number from 1 (real time) to 1000000; got ${options.timeScale}.`);
  const historyDays = options.history === true ? 60 : options.history ? options.history.days : 0;
  if (!Number.isInteger(historyDays) || historyDays < 0 || historyDays > 366)
    throw new AppError('INVALID_INPUT', `Sandbox history must be 0 to 366 days; got ${historyDays}.`);
  const { paths, config, hostKey, created } = await loadOrCreateRoot(options.root, seedOpt);
  const seed = seedOpt ?? config.seed;
  const ledger = await Ledger.load(paths.stateDir);
  const onError = options.onError ?? ((e: unknown) => console.error('[sandbox]', e));
  const runtime = new SandboxRuntime(paths, config, seed, ledger, onError, options.haltOnError, options.now ?? (() => new Date()), options.timeScale ?? 1);
  if (options.restart) await runtime.restart();
  // Only a new root gets a history: an existing one already has whatever it has sent.
  if (created && historyDays > 0 && ledger.entries().length === 0) await runtime.seedHistory(historyDays);
  const historyMailings = ledger.entries().filter((e) => e.audience).length;
  // The seeded history's files are written by the next export (timer, daily run or exportNow()),
  // not here: formatting ~100 000 recipients' rows must not slow the host's start-up.

  let server: SftpServerHandle;
  try {
    server = await startSftpServer({
      root: paths.sftpRoot,
      hostKey,
      users: config.users,
      authorizedKeysFile: paths.authorizedKeys,
      port: options.port ?? 0,
      canWrite: diskQuotaCheck(paths.sftpRoot, config.clients),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AppError(
      code === 'EADDRINUSE' ? 'CONFLICT' : 'INTERNAL',
      code === 'EADDRINUSE' ? `Port ${options.port} on 127.0.0.1 is in use; choose another port or 0 for a free one.` : `The sandbox SFTP server could not start: ${(e as Error).message}`,
    );
  }
  runtime.schedule(options.interval ?? 600, options.exportInterval ?? 0, options.exportAt ?? config.exportAt);

  const user = config.users[0];
  const clients: SandboxClientInfo[] = config.clients.map((c) => {
    const usable = c.mailings.filter((m) => !m.activated && !m.deactivated);
    return {
      name: c.name,
      uploadDir: `/${c.name}/upload`,
      logDir: `/${c.name}/logs`,
      responseDir: `/${c.name}/responses`,
      mailings: usable.map((m) => ({ id: m.id, name: m.name })),
      mailingIds: usable.map((m) => m.id),
      activatedMailingIds: c.mailings.filter((m) => m.activated).map((m) => m.id),
      deactivatedMailingIds: c.mailings.filter((m) => m.deactivated && !m.activated).map((m) => m.id),
      fields: c.fields,
      productFields: c.productFields,
      productIdFields: c.productIdFields,
      localDir: path.join(paths.sftpRoot, c.name),
    };
  });
  let stopping: Promise<void> | null = null;
  return {
    host: server.host,
    port: server.port,
    user: user.name,
    password: user.password,
    fingerprint: hostKeyFingerprint(hostKey),
    hostPublicKey: hostPublicKeyLine(hostKey),
    root: paths.root,
    sftpRoot: paths.sftpRoot,
    seed,
    clients,
    historyMailings,
    processNow: () => runtime.processNow(),
    exportNow: () => runtime.exportNow(),
    earlierExports: (client, dir) => runtime.earlierExports(client, dir),
    restart: () => runtime.restart(),
    authorizeKey: async (line) => {
      const t = line.trim();
      if (!/^(ssh-|ecdsa-|sk-)\S+ [A-Za-z0-9+/=]+/.test(t)) throw new AppError('INVALID_INPUT', 'That is not an OpenSSH public key line (e.g. "ssh-ed25519 AAAA… comment"); paste the .pub file content.');
      await appendFile(paths.authorizedKeys, t + '\n', { mode: 0o600 });
    },
    stop: () => (stopping ??= (async () => {
      await runtime.stop();
      await server.close();
    })()),
  };
}
