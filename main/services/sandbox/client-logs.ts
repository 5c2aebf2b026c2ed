/**
 * A sandbox client's log directory, as the vendor interface fills it: the per-upload log
 * (`<stem>.log`), the error file (`<stem>.error.csv`), the halt marker, and their pruning.
 */
import { lstat, readdir, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './config';
import { csvFile, csvLine, headerLine } from './csv';
import { formatTimestamp, localNow } from './time';
import type { UploadProblem } from './validate-upload';

/** Header of `logs/<stem>.log`. */
export const LOG_HEADER = ['timestamp', 'event', 'file', 'mailingId', 'records', 'message'] as const;
/** Header of `logs/<stem>.error.csv`. */
export const ERROR_HEADER = ['line', 'field', 'code', 'message'] as const;
/** Name of the halt marker in a client's log directory. */
export const HALTED_FILE = 'HALTED';

/** Log events, in the order a successful upload produces them. */
export type LogEvent = 'received' | 'imported' | 'mailing_created' | 'sending_started' | 'sending_finished' | 'error';

/** One log line after its timestamp: event, file, mailing ID, records, message. */
export type LogRow = readonly [LogEvent, string, string, string, string];

const DAY_MS = 24 * 3600 * 1000;

/** Appends lines stamped `stampMs` (server time) to `logs/<stem>.log`, creating it with its header. */
export async function appendLog(logsDir: string, stem: string, rows: readonly LogRow[], stampMs: number): Promise<void> {
  const file = path.join(logsDir, `${stem}.log`);
  const current = await readFile(file, 'utf8').catch(() => headerLine(LOG_HEADER));
  const add = rows.map(([event, fileName, mailingId, records, message]) => csvLine([formatTimestamp(stampMs), event, fileName, mailingId, records, message])).join('');
  await writeFileAtomic(file, current + add);
}

/**
 * Writes an upload's error file and, when the client halts on errors, the halt marker; the
 * log line saying which of the two happened is the caller's. Answers the error file's name.
 */
export async function writeErrorFile(logsDir: string, stem: string, problems: readonly UploadProblem[], halt: boolean): Promise<string> {
  const errorFile = `${stem}.error.csv`;
  await writeFileAtomic(path.join(logsDir, errorFile), csvFile(ERROR_HEADER, problems.map((p) => [String(p.line), p.field, p.code, p.message])));
  if (halt) await writeFileAtomic(path.join(logsDir, HALTED_FILE), `${errorFile}\n`);
  return errorFile;
}

/** What the log says happens next after an error. */
export function afterErrorText(halts: boolean): string {
  return halts ? 'the interface is halted until it is restarted' : 'halting on errors is off, so the next uploads are still processed';
}

/** Whether the client's interface is halted (its log directory holds the halt marker). */
export async function isHalted(logsDir: string): Promise<boolean> {
  return lstat(path.join(logsDir, HALTED_FILE)).then(
    () => true,
    () => false,
  );
}

/** Removes the halt marker; answers whether there was one. */
export async function clearHalt(logsDir: string): Promise<boolean> {
  const file = path.join(logsDir, HALTED_FILE);
  if (!(await isHalted(logsDir))) return false;
  await unlink(file);
  return true;
}

/** Log and error files stay as long as response files do; the one a halt points at stays. */
export async function pruneLogs(logsDir: string, retentionDays: number): Promise<void> {
  const keep = (await readFile(path.join(logsDir, HALTED_FILE), 'utf8').catch(() => '')).trim();
  for (const name of await readdir(logsDir)) {
    if (name === HALTED_FILE || name === keep || !/\.(log|error\.csv)$/.test(name)) continue;
    const st = await stat(path.join(logsDir, name)).catch(() => null);
    // File times are the machine's, so the machine's clock (not the server's, which tests move) decides.
    if (st && localNow(st.mtime) < localNow() - retentionDays * DAY_MS) await unlink(path.join(logsDir, name)).catch(() => undefined);
  }
}
