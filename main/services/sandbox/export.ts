import { readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './config';
import { headerLine } from './csv';
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
  /** The export's time (naive ms): only what has happened by then is written. */
  readonly now: number;
  /** How long a mailing's data is available, counted from the mailing's start. */
  readonly retentionDays: number;
  /** Also build the files of days past retention (still listed in `expiredDays`), as they were written. */
  readonly withExpired?: boolean;
  /** Build only the days from this naive day start (inclusive) … */
  readonly fromMs?: number;
  /** … to this one (exclusive); an export can reuse earlier days' files, which never change. */
  readonly toMs?: number;
}

/** The files of one export and the days whose files the server no longer offers. */
export interface BuiltExport {
  /** File name → content. */
  readonly files: Map<string, string>;
  /** Days (`YYYYMMDD`) that hold data only of mailings started more than the retention ago. */
  readonly expiredDays: ReadonlySet<string>;
  /** Days before this one are past retention whatever they hold. */
  readonly cutoffDay: string;
  /** Files known to be on disk with the right content already: neither rewritten nor deleted. */
  readonly kept?: ReadonlySet<string>;
}

const DAY_MS = 24 * 3600 * 1000;

/** The file name of one day and kind. */
export function responseFileName(pattern: string, day: string, kind: ResponseKind): string {
  return pattern.replaceAll('{date}', day).replaceAll('{kind}', kind);
}

/** A quoted CSV field; most values hold no quote, so the replace is skipped for them. */
const q = (v: string): string => (v.includes('"') ? `"${v.replaceAll('"', '""')}"` : `"${v}"`);

type DayRows = { kept: boolean; rows: Record<ResponseKind, { t: number; line: string }[]> };

/** Lets timers and SFTP requests run between mailings of a long build (a demo history has ~100 000 recipients). */
const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Builds every response file of one client as an export at `opts.now` writes them, keyed by
 * file name.
 *
 * Each record goes to the file of the day it happened (links: the day their mailing started),
 * and only records that have happened by `now` are written, so there is never a file of a
 * future day. A mailing's data is available for the retention period counted from its start
 * (the vendor: "available for download for 30 days after starting the mailing"): events
 * later than that are not exported, and a day's files go once every mailing they hold data of
 * started longer ago. Files are never rewritten with rows taken out, so a client that replaces a
 * changed file's rows never loses data. Every day that is written gets all seven files,
 * header-only where a kind has nothing, and so does today (when in the window).
 */
export async function buildResponseFiles(mailings: readonly GeneratedMailing[], opts: BuildOptions): Promise<BuiltExport> {
  const retentionMs = opts.retentionDays * DAY_MS;
  const todayNo = Math.floor(opts.now / DAY_MS);
  const cutoffNo = Math.floor((opts.now - retentionMs) / DAY_MS);
  const fromNo = Math.max(opts.fromMs === undefined ? -Infinity : Math.floor(opts.fromMs / DAY_MS), opts.withExpired ? -Infinity : cutoffNo);
  const toNo = opts.toMs === undefined ? Infinity : Math.floor(opts.toMs / DAY_MS);
  const days = new Map<number, DayRows>();
  const ts = formatTimestamp;
  const dayOf = (n: number): DayRows => {
    let d = days.get(n);
    if (!d) {
      d = { kept: false, rows: { mailings: [], mailingrecipients: [], links: [], clicks: [], opens: [], unsubscribes: [], responses: [] } };
      days.set(n, d);
    }
    return d;
  };
  for (const m of mailings) {
    const mm = m.mailing;
    if (mm.started > opts.now) continue;
    const kept = mm.started >= opts.now - retentionMs;
    const until = Math.min(opts.now, mm.started + retentionMs);
    // Rows are only formatted for days in the window; `line` builds them lazily.
    const push = (t: number, kind: ResponseKind, line: () => string): void => {
      if (t > until) return;
      const n = Math.floor(t / DAY_MS);
      if (n < fromNo || n >= toNo) return;
      const d = dayOf(n);
      if (kept) d.kept = true;
      d.rows[kind].push({ t, line: line() });
    };
    const g = mm.mailingGroupId;
    // A mailing still sending has no end time yet.
    push(mm.started, 'mailings', () => [q(mm.id), q(mm.compoundMasterId), q(g), q(mm.recipientLists), q(ts(mm.started)), q(mm.finished <= opts.now ? ts(mm.finished) : '')].join(';'));
    for (const l of m.links) push(mm.started, 'links', () => [q(l.id), q(l.mailingId), q(l.mailingToUserId), q(l.mailingGroupId), q(l.name), q(l.url)].join(';'));
    for (const r of m.recipients) push(r.created, 'mailingrecipients', () => [q(r.id), q(r.mailingId), q(r.mailingGroupId), q(r.userId), q(ts(r.created)), q(r.sendingStatus), q(r.deliveryStatus), q(r.responseCategory)].join(';'));
    for (const c of m.clicks) push(c.created, 'clicks', () => [q(c.linkId), q(c.mailingId), q(c.mailingToUserId), q(c.mailingGroupId), q(c.userId), q(ts(c.created)), q(c.browser), q(c.platform), q(c.device)].join(';'));
    for (const o of m.opens) push(o.created, 'opens', () => [q(o.linkId), q(o.mailingId), q(o.mailingToUserId), q(o.mailingGroupId), q(o.userId), q(ts(o.created)), q(o.browser), q(o.platform), q(o.device)].join(';'));
    for (const u of m.unsubscribes) push(u.created, 'unsubscribes', () => [q(u.mailingId), q(u.mailingToUserId), q(u.mailingGroupId), q(u.userId), q(ts(u.created))].join(';'));
    for (const r of m.responses) push(r.created, 'responses', () => [q(r.mailingId), q(r.mailingToUserId), q(r.mailingGroupId), q(r.userId), q(ts(r.created)), q(r.category ?? '')].join(';'));
    if (mailings.length > 1) await breathe();
  }
  if (todayNo >= fromNo && todayNo < toNo) dayOf(todayNo).kept = true;
  const files = new Map<string, string>();
  const expiredDays = new Set<string>();
  for (const n of [...days.keys()].sort((a, b) => a - b)) {
    const d = days.get(n)!;
    const day = formatDay(n * DAY_MS);
    if (!d.kept || n < cutoffNo) {
      expiredDays.add(day);
      if (!opts.withExpired) continue;
    }
    for (const kind of RESPONSE_KINDS) {
      // Rows of several mailings interleave; order by time (a stable sort keeps mailing order on ties) like a daily dump would.
      const rows = d.rows[kind];
      if (RESPONSE_COLUMNS[kind].includes('created')) rows.sort((a, b) => a.t - b.t);
      let out = headerLine(RESPONSE_COLUMNS[kind]);
      for (const r of rows) out += r.line + '\n';
      files.set(responseFileName(opts.fileName, day, kind), out);
    }
  }
  return { files, expiredDays, cutoffDay: formatDay(cutoffNo * DAY_MS) };
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
 * files of days past retention (header-only days: by their own date; days with data: once
 * all their mailings are past it).
 */
export async function writeResponseFiles(dir: string, built: BuiltExport, pattern: string): Promise<ExportWriteResult> {
  const { files, expiredDays, cutoffDay } = built;
  const kept = built.kept ?? new Set<string>();
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
    if (m?.groups?.date && (m.groups.date < cutoffDay || expiredDays.has(m.groups.date)) && !files.has(name) && !kept.has(name)) {
      await unlink(path.join(dir, name)).catch(() => undefined);
      deleted.push(name);
    }
  }
  unchanged.push(...kept);
  return { written, unchanged, deleted };
}
