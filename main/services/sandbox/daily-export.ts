/**
 * The sandbox's response export: per client, the daily response files built from the generated
 * mailings, with the files of past days remembered by name while nothing they depend on changed.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic, type SandboxClient, type SandboxConfig } from './config';
import { buildResponseFiles, type BuiltExport } from './export';
import type { GeneratedMailings } from './generated-mailings';
import type { Ledger } from './ledger';
import type { GeneratedMailing } from './outcomes';

const DAY_MS = 24 * 3600 * 1000;

/** What one export did, per client. */
export interface ExportReport {
  readonly clients: readonly { readonly client: string; readonly written: readonly string[]; readonly unchanged: readonly string[]; readonly deleted: readonly string[] }[];
}

/** Builds each client's response files; remembers the past days' files between runs. */
export class DailyExport {
  /** Per client: the built files of days before today and what they depend on (see `build`). */
  private readonly pastDays = new Map<string, { key: string; names: ReadonlySet<string>; expiredDays: ReadonlySet<string> }>();

  constructor(
    private readonly config: SandboxConfig,
    private readonly ledger: Ledger,
    private readonly mailings: GeneratedMailings,
  ) {}

  /**
   * One client's export at `now`. Files of past days never change while no mailing is added,
   * starts, finishes or passes retention, so while none of that happened they stay as written
   * and only today's rows are formatted: a demo exporting every few minutes stays cheap, and
   * only the names of those files are remembered, not their content.
   */
  async build(c: SandboxClient, now: number): Promise<BuiltExport> {
    const mailings = await this.mailings.exportable(c, now);
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

  /**
   * Writes into `dir` the response files of `c` that earlier daily exports wrote and the
   * server has since deleted (past retention), with the content they had; answers their names.
   */
  async writeEarlier(c: SandboxClient, now: number, dir: string): Promise<string[]> {
    const built = await buildResponseFiles(await this.mailings.exportable(c, now, true), { fileName: this.config.responseFileName, now, retentionDays: this.config.retentionDays, withExpired: true });
    const written: string[] = [];
    await mkdir(dir, { recursive: true });
    for (const [name, content] of built.files) {
      const day = /(\d{8})/.exec(name.replace(/^.*[\\/]/, ''))?.[1] ?? '';
      if (!built.expiredDays.has(day)) continue;
      await writeFileAtomic(path.join(dir, name), content);
      written.push(name);
    }
    return written;
  }
}
