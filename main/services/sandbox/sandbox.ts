import { appendFile, lstat, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Cron } from 'croner';
import type { MasterField } from '../../../shared/contract/profiles';
import { AppError } from '../../../shared/contract/result';
import { hostKeyFingerprint, hostPublicKeyLine, loadOrCreateRoot, writeFileAtomic, type SandboxClient, type SandboxConfig, type SandboxPaths } from './config';
import { csvFile, csvLine, headerLine, parseRecord, splitRecords } from './csv';
import { buildResponseFiles, writeResponseFiles } from './export';
import { Ledger, type LedgerEntry } from './ledger';
import { generateMailing, type GeneratedMailing } from './outcomes';
import { hashId11 } from './prng';
import { startSftpServer, type SftpServerHandle } from './sftp-server';
import { formatDay, formatTimestamp, localNow, parseFileStamp } from './time';
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
  /** Source mailings uploads may use (the activated one is not among them). */
  readonly mailings: readonly SandboxMailingInfo[];
  /** IDs of {@link mailings}, in the same order. */
  readonly mailingIds: readonly string[];
  /** Activated source mailings: an upload naming one fails (for error demos and tests). */
  readonly activatedMailingIds: readonly string[];
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
  /** Runs the cron job now (waits for a run already in progress). */
  processNow(): Promise<ProcessReport>;
  /** Writes the response files now. */
  exportNow(): Promise<ExportReport>;
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
  ) {}

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
      if (!ok) {
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

  private async log(c: SandboxClient, stem: string, rows: readonly (readonly [LogEvent, string, string, string, string])[], stampMs = localNow()): Promise<void> {
    const file = path.join(this.clientDir(c, 'logs'), `${stem}.log`);
    const current = await readFile(file, 'utf8').catch(() => headerLine(LOG_HEADER));
    const add = rows.map(([event, fileName, mailingId, records, message]) => csvLine([formatTimestamp(stampMs), event, fileName, mailingId, records, message])).join('');
    await writeFileAtomic(file, current + add);
  }

  /** Takes one upload through validation, sending and logging; false when the interface halted. */
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
      const errorFile = `${stem}.error.csv`;
      const logsDir = this.clientDir(c, 'logs');
      await writeFileAtomic(path.join(logsDir, errorFile), csvFile(ERROR_HEADER, problems.map((p) => [String(p.line), p.field, p.code, p.message])));
      await this.log(c, stem, [['error', name, '', String(problems.length), `Import failed with ${problems.length} problem(s), see ${errorFile}; the interface is halted until it is restarted.`]]);
      await writeFileAtomic(path.join(logsDir, HALTED_FILE), `${errorFile}\n`);
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
      };
      recipientOffset += count;
      linkOffset += entry.linkCount;
      entries.push(entry);
    }
    await this.ledger.add(entries);
    const mailingIds: string[] = [];
    for (const entry of entries) {
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
    report.processed.push({ client: c.name, file: name, mailingIds, records: result.recipients.length });
    return true;
  }

  /** Regenerates (or recalls) a mailing's rows from its taken upload. */
  private async generated(e: LedgerEntry): Promise<GeneratedMailing> {
    const hit = this.cache.get(e.mailingId);
    if (hit) return hit;
    const decoded = decodeStrict(await readFile(path.join(this.paths.stateDir, e.takenFile)), e.encoding);
    if ('badLine' in decoded) throw new AppError('INTERNAL', `The taken upload ${e.takenFile} no longer decodes; the sandbox state is damaged.`);
    const text = decoded.text.charCodeAt(0) === 0xfeff ? decoded.text.slice(1) : decoded.text;
    const recipients: { email: string; productIds: string[] }[] = [];
    for (const rec of splitRecords(text)) {
      const v = parseRecord(rec.raw, ';').fields;
      if (v[e.mailingIdIndex] !== e.sourceMailingId) continue;
      recipients.push({ email: v[e.emailIndex], productIds: e.productIdIndexes.map((i) => v[i]).filter((p) => p !== '') });
    }
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

  exportNow(): Promise<ExportReport> {
    return this.run(async () => {
      const now = localNow();
      const today = formatDay(now);
      const cutoff = formatDay(now - this.config.retentionDays * DAY_MS);
      const clients: ExportReport['clients'][number][] = [];
      for (const c of this.config.clients) {
        const mailings: GeneratedMailing[] = [];
        // Events trail a send by at most ~10 days (repeat opens), so older sends cannot reach a kept day.
        const oldest = now - (this.config.retentionDays + 14) * DAY_MS;
        for (const e of this.ledger.entries()) if (e.client === c.name && e.baseMs >= oldest) mailings.push(await this.generated(e));
        const files = buildResponseFiles(mailings, { fileName: this.config.responseFileName, alwaysDays: [today], cutoffDay: cutoff });
        const res = await writeResponseFiles(this.clientDir(c, 'responses'), files, this.config.responseFileName, cutoff);
        await this.pruneLogs(c, now);
        clients.push({ client: c.name, ...res });
      }
      return { clients };
    });
  }

  /** Log and error files stay as long as response files do; the one a halt points at stays. */
  private async pruneLogs(c: SandboxClient, now: number): Promise<void> {
    const dir = this.clientDir(c, 'logs');
    const keep = (await readFile(path.join(dir, HALTED_FILE), 'utf8').catch(() => '')).trim();
    for (const name of await readdir(dir)) {
      if (name === HALTED_FILE || name === keep || !/\.(log|error\.csv)$/.test(name)) continue;
      const st = await stat(path.join(dir, name)).catch(() => null);
      if (st && localNow(st.mtime) < now - this.config.retentionDays * DAY_MS) await unlink(path.join(dir, name)).catch(() => undefined);
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
  const { paths, config, hostKey } = await loadOrCreateRoot(options.root, seedOpt);
  const seed = seedOpt ?? config.seed;
  const ledger = await Ledger.load(paths.stateDir);
  const runtime = new SandboxRuntime(paths, config, seed, ledger, options.onError ?? ((e) => console.error('[sandbox]', e)));
  if (options.restart) await runtime.restart();

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
    const usable = c.mailings.filter((m) => !m.activated);
    return {
      name: c.name,
      uploadDir: `/${c.name}/upload`,
      logDir: `/${c.name}/logs`,
      responseDir: `/${c.name}/responses`,
      mailings: usable.map((m) => ({ id: m.id, name: m.name })),
      mailingIds: usable.map((m) => m.id),
      activatedMailingIds: c.mailings.filter((m) => m.activated).map((m) => m.id),
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
    processNow: () => runtime.processNow(),
    exportNow: () => runtime.exportNow(),
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
