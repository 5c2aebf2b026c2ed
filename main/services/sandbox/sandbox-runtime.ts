/**
 * The running sandbox's state and schedule: it serialises the jobs (processing uploads, the
 * response export, restart) and runs them on their timers. The jobs themselves live in
 * upload-processing.ts, daily-export.ts, client-logs.ts and seed-history.ts.
 */
import path from 'node:path';
import { Cron } from 'croner';
import { AppError } from '../../../shared/contract/result';
import { clearHalt, pruneLogs } from './client-logs';
import type { SandboxClient, SandboxConfig, SandboxPaths } from './config';
import { DailyExport, type ExportReport } from './daily-export';
import { writeResponseFiles } from './export';
import { GeneratedMailings } from './generated-mailings';
import type { Ledger } from './ledger';
import { seedHistory } from './seed-history';
import { localNow } from './time';
import { processClientUploads, type ProcessReport, type ProcessReportDraft, type UploadContext } from './upload-processing';

/** One sandbox's jobs, run one at a time. */
export class SandboxRuntime {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly mailings: GeneratedMailings;
  private readonly exports: DailyExport;
  private readonly uploads: UploadContext;
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
    timeScale: number,
  ) {
    this.mailings = new GeneratedMailings(paths.stateDir, ledger, config.retentionDays, () => this.stopped);
    this.exports = new DailyExport(config, ledger, this.mailings);
    this.uploads = {
      stateDir: paths.stateDir,
      config,
      seed,
      ledger,
      timeScale,
      mailings: this.mailings,
      now: () => this.now(),
      haltsOnError: (c) => this.haltOverride ?? c.haltOnError,
      clientDir: (c, sub) => this.clientDir(c, sub),
    };
  }

  /** The server's wall clock as a naive time. */
  now(): number {
    return localNow(this.clock());
  }

  /** A client's directory below the SFTP root. */
  clientDir(c: SandboxClient, sub: 'upload' | 'logs' | 'responses'): string {
    return path.join(this.paths.sftpRoot, c.name, sub);
  }

  /** Serialises runs: processing, export and restart never interleave. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Starts the processing and export timers and the daily export at `exportAt` (`HH:MM`). */
  schedule(intervalS: number, exportIntervalS: number, exportAt: string): void {
    const tick = (fn: () => Promise<unknown>) => () => {
      if (!this.stopped) void fn().catch(this.onError);
    };
    if (intervalS > 0) this.timers.push(setInterval(tick(() => this.processNow()), intervalS * 1000));
    if (exportIntervalS > 0) this.timers.push(setInterval(tick(() => this.exportNow()), exportIntervalS * 1000));
    const [hh, mm] = exportAt.split(':').map(Number);
    this.cron = new Cron(`${mm} ${hh} * * *`, tick(() => this.exportNow()));
  }

  /** Stops the timers and waits for a run in progress (a long export gives way). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.cron?.stop();
    await this.queue;
  }

  /** The import cron job: every client's waiting uploads. */
  processNow(): Promise<ProcessReport> {
    return this.run(async () => {
      const report: ProcessReportDraft = { processed: [], failed: [], halted: [] };
      for (const c of this.config.clients) await processClientUploads(this.uploads, c, report);
      return report;
    });
  }

  /** The response export: every client's files written, then its old logs pruned. */
  exportNow(): Promise<ExportReport> {
    return this.run(async () => {
      const now = this.now();
      const clients: ExportReport['clients'][number][] = [];
      for (const c of this.config.clients) {
        const built = await this.exports.build(c, now);
        const res = await writeResponseFiles(this.clientDir(c, 'responses'), built, this.config.responseFileName);
        await pruneLogs(this.clientDir(c, 'logs'), this.config.retentionDays);
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
      if (!c) throw new AppError('NOT_FOUND', 'error.sandbox.noClient', { client });
      return this.exports.writeEarlier(c, this.now(), dir);
    });
  }

  /** Seeds the demo history on a root's first start; answers how many mailings it added. */
  seedHistory(days: number): Promise<number> {
    return seedHistory({ ledger: this.ledger, config: this.config, seed: this.seed, now: () => this.now(), days });
  }

  /** Clears every client's halt; answers the clients that were halted. */
  restart(): Promise<{ cleared: string[] }> {
    return this.run(async () => {
      const cleared: string[] = [];
      for (const c of this.config.clients) if (await clearHalt(this.clientDir(c, 'logs'))) cleared.push(c.name);
      return { cleared };
    });
  }
}
