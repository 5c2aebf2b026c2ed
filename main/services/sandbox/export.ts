import { readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './config';
import { csvFile } from './csv';
import type { GeneratedMailing } from './outcomes';
import { formatDay, formatTimestamp } from './time';

/** The seven response files of the spec. */
export const RESPONSE_KINDS = ['mailings', 'mailingrecipients', 'links', 'clicks', 'opens', 'unsubscribes', 'responses'] as const;
/** One of {@link RESPONSE_KINDS}. */
export type ResponseKind = (typeof RESPONSE_KINDS)[number];

/** Column names per file, exactly as the spec's tables name them. */
export const RESPONSE_COLUMNS: Readonly<Record<ResponseKind, readonly string[]>> = {
  mailings: ['id', 'compoundMasterId', 'mailingGroupId', 'mailing.recipientLists', 'started', 'finished'],
  mailingrecipients: ['id', 'mailingId', 'mailingGroupId', 'userId', 'created', 'sendingStatus', 'deliveryStatus', 'response.category'],
  links: ['id', 'mailingId', 'mailingToUserId', 'mailingGroupId', 'name', 'url'],
  clicks: ['linkId', 'mailingId', 'mailingToUserId', 'mailingGroupId', 'userId', 'created', 'click.browser', 'click.platform', 'click.device'],
  opens: ['linkId', 'mailingId', 'mailingToUserId', 'mailingGroupId', 'userId', 'created', 'open.browser', 'open.platform', 'open.device'],
  unsubscribes: ['mailingId', 'mailingToUserId', 'mailingGroupId', 'userId', 'created'],
  responses: ['mailingId', 'mailingToUserId', 'mailingGroupId', 'userId', 'created', 'category'],
};

/** Options for building one client's files. */
export interface BuildOptions {
  /** e.g. `{date}_{kind}.csv`. */
  readonly fileName: string;
  /** Days (`YYYYMMDD`) that get files even without data (today's export). */
  readonly alwaysDays: readonly string[];
  /** Days before this one (`YYYYMMDD`) are past retention and get no file. */
  readonly cutoffDay: string;
}

/** The file name of one day and kind. */
export function responseFileName(pattern: string, day: string, kind: ResponseKind): string {
  return pattern.replaceAll('{date}', day).replaceAll('{kind}', kind);
}

/**
 * Builds every response file of one client, keyed by file name.
 *
 * Each record goes to the file of the day it happened (links: the day their mailing
 * started). Every day that has any record gets all seven files, header-only where a kind
 * has nothing, so a reader never has to guess whether a file is missing or empty.
 */
export function buildResponseFiles(mailings: readonly GeneratedMailing[], opts: BuildOptions): Map<string, string> {
  const days = new Map<string, Record<ResponseKind, string[][]>>();
  const bucket = (ms: number, kind: ResponseKind): string[][] | null => {
    const day = formatDay(ms);
    if (day < opts.cutoffDay) return null;
    let d = days.get(day);
    if (!d) {
      d = { mailings: [], mailingrecipients: [], links: [], clicks: [], opens: [], unsubscribes: [], responses: [] };
      days.set(day, d);
    }
    return d[kind];
  };
  const push = (ms: number, kind: ResponseKind, row: string[]): void => void bucket(ms, kind)?.push(row);
  const ts = formatTimestamp;
  for (const m of mailings) {
    const mm = m.mailing;
    push(mm.started, 'mailings', [mm.id, mm.compoundMasterId, mm.mailingGroupId, mm.recipientLists, ts(mm.started), ts(mm.finished)]);
    for (const l of m.links) push(mm.started, 'links', [l.id, l.mailingId, l.mailingToUserId, l.mailingGroupId, l.name, l.url]);
    for (const r of m.recipients) push(r.created, 'mailingrecipients', [r.id, r.mailingId, r.mailingGroupId, r.userId, ts(r.created), r.sendingStatus, r.deliveryStatus, r.responseCategory]);
    for (const c of m.clicks) push(c.created, 'clicks', [c.linkId, c.mailingId, c.mailingToUserId, c.mailingGroupId, c.userId, ts(c.created), c.browser, c.platform, c.device]);
    for (const o of m.opens) push(o.created, 'opens', [o.linkId, o.mailingId, o.mailingToUserId, o.mailingGroupId, o.userId, ts(o.created), o.browser, o.platform, o.device]);
    for (const u of m.unsubscribes) push(u.created, 'unsubscribes', [u.mailingId, u.mailingToUserId, u.mailingGroupId, u.userId, ts(u.created)]);
    for (const r of m.responses) push(r.created, 'responses', [r.mailingId, r.mailingToUserId, r.mailingGroupId, r.userId, ts(r.created), r.category ?? '']);
  }
  for (const day of opts.alwaysDays) if (day >= opts.cutoffDay && !days.has(day)) bucket(Date.UTC(+day.slice(0, 4), +day.slice(4, 6) - 1, +day.slice(6, 8)), 'mailings');
  const out = new Map<string, string>();
  for (const day of [...days.keys()].sort()) {
    const d = days.get(day)!;
    for (const kind of RESPONSE_KINDS) {
      // Rows of several mailings interleave; order by time (ties keep mailing order) like a daily dump would.
      const t = RESPONSE_COLUMNS[kind].indexOf('created');
      const rows = t < 0 ? d[kind] : d[kind].slice().sort((a, b) => (a[t] < b[t] ? -1 : a[t] > b[t] ? 1 : 0));
      out.set(responseFileName(opts.fileName, day, kind), csvFile(RESPONSE_COLUMNS[kind], rows));
    }
  }
  return out;
}

/** What one export did in one directory. */
export interface ExportWriteResult {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  readonly deleted: readonly string[];
}

/**
 * Writes the built files into a response directory: atomically, only when the content
 * changed (so a file's mtime says when its data last changed), and deletes response
 * files of days past retention.
 */
export async function writeResponseFiles(dir: string, files: ReadonlyMap<string, string>, pattern: string, cutoffDay: string): Promise<ExportWriteResult> {
  const written: string[] = [];
  const unchanged: string[] = [];
  const deleted: string[] = [];
  for (const [name, content] of files) {
    const file = path.join(dir, name);
    const current = await readFile(file, 'utf8').catch(() => null);
    if (current === content) {
      unchanged.push(name);
      continue;
    }
    await writeFileAtomic(file, content);
    written.push(name);
  }
  const matcher = new RegExp(
    '^' +
      pattern
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace('\\{date\\}', '(?<date>\\d{8})')
        .replace('\\{kind\\}', `(?:${RESPONSE_KINDS.join('|')})`) +
      '$',
  );
  for (const name of await readdir(dir)) {
    const m = matcher.exec(name);
    if (m?.groups?.date && m.groups.date < cutoffDay && !files.has(name)) {
      await unlink(path.join(dir, name)).catch(() => undefined);
      deleted.push(name);
    }
  }
  return { written, unchanged, deleted };
}
