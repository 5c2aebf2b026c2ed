/**
 * The sandbox's import cron job for one client: each recipient upload goes through small named
 * steps (receive, validate, import, create mailings, start them), each logged as the vendor's
 * interface logs it; a failed upload writes its error file and, when the client halts on
 * errors, stops the client's queue.
 */
import { lstat, readdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterErrorText, appendLog, isHalted, writeErrorFile, type LogRow } from './client-logs';
import type { SandboxClient, SandboxConfig } from './config';
import type { GeneratedMailings } from './generated-mailings';
import type { Ledger, LedgerEntry } from './ledger';
import { hashId11 } from './prng';
import { formatTimestamp, parseFileStamp } from './time';
import { validateUpload, type UploadProblem, type ValidationResult } from './validate-upload';

/** Recipient files the cron job takes; anything else (`.part`, products) it leaves alone. */
export const SUBSCRIBERS_FILE = /^(\d{14})_subscribers\.csv$/;

/** What one processing run did. */
export interface ProcessReport {
  readonly processed: readonly { readonly client: string; readonly file: string; readonly mailingIds: readonly string[]; readonly records: number }[];
  readonly failed: readonly { readonly client: string; readonly file: string; readonly errorFile: string; readonly problems: readonly UploadProblem[] }[];
  /** Clients skipped because their interface is halted. */
  readonly halted: readonly string[];
}

/** The report a run fills while it goes. */
export interface ProcessReportDraft {
  processed: ProcessReport['processed'][number][];
  failed: ProcessReport['failed'][number][];
  halted: string[];
}

/** What the processing steps need from the running sandbox. */
export interface UploadContext {
  readonly stateDir: string;
  readonly config: SandboxConfig;
  readonly seed: string;
  readonly ledger: Ledger;
  readonly timeScale: number;
  readonly mailings: GeneratedMailings;
  /** The server's wall clock as a naive time. */
  now(): number;
  haltsOnError(c: SandboxClient): boolean;
  clientDir(c: SandboxClient, sub: 'upload' | 'logs' | 'responses'): string;
}

/** An upload moved out of `upload/` into the private taken dir, with its products file. */
interface ReceivedUpload {
  readonly name: string;
  readonly stamp: string;
  readonly stem: string;
  /** Path of the taken upload, relative to the state dir. */
  readonly takenRel: string;
  readonly productsName: string;
  readonly productsRel: string | undefined;
  readonly bytes: Buffer;
}

type ValidUpload = Extract<ValidationResult, { ok: true }> & { readonly baseMs: number };

/** Processes a client's waiting uploads in name order, unless the client is halted. */
export async function processClientUploads(ctx: UploadContext, c: SandboxClient, report: ProcessReportDraft): Promise<void> {
  if (await isHalted(ctx.clientDir(c, 'logs'))) {
    report.halted.push(c.name);
    return;
  }
  const uploadDir = ctx.clientDir(c, 'upload');
  const names = (await readdir(uploadDir)).filter((n) => SUBSCRIBERS_FILE.test(n)).sort();
  for (const name of names) {
    const st = await lstat(path.join(uploadDir, name)).catch(() => null);
    if (!st?.isFile()) continue;
    const ok = await processUpload(ctx, c, name, report);
    if (!ok && ctx.haltsOnError(c)) {
      report.halted.push(c.name);
      return;
    }
  }
}

/** Takes one upload through validation, sending and logging; false when it failed (import or start). */
async function processUpload(ctx: UploadContext, c: SandboxClient, name: string, report: ProcessReportDraft): Promise<boolean> {
  const received = await receive(ctx, c, name);
  if (!received) return true; // the client removed it first
  const valid = await validate(ctx, c, received);
  if (!valid.ok) {
    const errorFile = await writeErrorFile(ctx.clientDir(c, 'logs'), received.stem, valid.problems, ctx.haltsOnError(c));
    await log(ctx, c, received.stem, [['error', name, '', String(valid.problems.length), `Import failed with ${valid.problems.length} problem(s), see ${errorFile}; ${afterErrorText(ctx.haltsOnError(c))}.`]]);
    report.failed.push({ client: c.name, file: name, errorFile, problems: valid.problems });
    return false;
  }
  await log(ctx, c, received.stem, [['imported', name, '', String(valid.recipients.length), `${valid.recipients.length} recipient(s) imported into the recipient list of client ${c.name}`]]);
  const entries = await createMailings(ctx, c, received, valid);
  const { mailingIds, startProblems } = await startMailings(ctx, c, received, entries);
  if (mailingIds.length > 0) report.processed.push({ client: c.name, file: name, mailingIds, records: valid.recipients.length });
  if (startProblems.length > 0) {
    report.failed.push({ client: c.name, file: name, errorFile: `${received.stem}.error.csv`, problems: startProblems });
    return false;
  }
  return true;
}

function log(ctx: UploadContext, c: SandboxClient, stem: string, rows: readonly LogRow[]): Promise<void> {
  return appendLog(ctx.clientDir(c, 'logs'), stem, rows, ctx.now());
}

/** A name in the private taken dir that no earlier upload used (clients may reuse names). */
async function takenName(ctx: UploadContext, c: SandboxClient, name: string): Promise<string> {
  const dir = path.join(ctx.stateDir, c.name, 'taken');
  const existing = new Set(await readdir(dir));
  if (!existing.has(name)) return path.join(c.name, 'taken', name);
  for (let k = 2; ; k++) {
    const alt = name.replace(/\.csv$/, `.${k}.csv`);
    if (!existing.has(alt)) return path.join(c.name, 'taken', alt);
  }
}

/** Step 1: moves the upload (and its products file) out of `upload/`; null when the client removed it first. */
async function receive(ctx: UploadContext, c: SandboxClient, name: string): Promise<ReceivedUpload | null> {
  const uploadDir = ctx.clientDir(c, 'upload');
  const stamp = SUBSCRIBERS_FILE.exec(name)![1];
  const stem = name.slice(0, -'.csv'.length);
  const takenRel = await takenName(ctx, c, name);
  try {
    await rename(path.join(uploadDir, name), path.join(ctx.stateDir, takenRel));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const productsName = `${stamp}_products.csv`;
  let productsRel: string | undefined;
  const productsSrc = path.join(uploadDir, productsName);
  if (await stat(productsSrc).then((s) => s.isFile(), () => false)) {
    productsRel = await takenName(ctx, c, productsName);
    await rename(productsSrc, path.join(ctx.stateDir, productsRel));
  }
  const bytes = await readFile(path.join(ctx.stateDir, takenRel));
  await log(ctx, c, stem, [['received', name, '', '', `${bytes.length} bytes${productsRel ? `, with products file ${productsName}` : ''}`]]);
  return { name, stamp, stem, takenRel, productsName, productsRel, bytes };
}

/** Step 2: checks the file name's time stamp and the files' content against the client's rules. */
async function validate(ctx: UploadContext, c: SandboxClient, r: ReceivedUpload): Promise<ValidUpload | Extract<ValidationResult, { ok: false }>> {
  const baseMs = parseFileStamp(r.stamp);
  if (baseMs === null) {
    return {
      ok: false,
      problems: [{ line: 0, field: '(file name)', code: 'BAD_FILE_NAME', message: `The file name ${r.name} does not carry a real date and time (YYYYMMDDHHMMSS); rename it and upload again.` }],
    };
  }
  const result = validateUpload({ client: c, subscribers: r.bytes, products: r.productsRel ? await readFile(path.join(ctx.stateDir, r.productsRel)) : undefined, productsName: r.productsName });
  return result.ok ? { ...result, baseMs } : result;
}

/** Step 3: one copy of each named source mailing, with a fresh mailing ID, recorded in the ledger. */
async function createMailings(ctx: UploadContext, c: SandboxClient, r: ReceivedUpload, valid: ValidUpload): Promise<LedgerEntry[]> {
  const mailingIdIndex = c.fields.findIndex((f) => f.name === c.mailingIdField);
  const emailIndex = c.fields.findIndex((f) => f.name === c.emailField);
  const productIdIndexes = c.productIdFields.map((n) => c.fields.findIndex((f) => f.name === n)).filter((i) => i >= 0);
  const groups = new Map<string, number>();
  for (const rec of valid.recipients) groups.set(rec.values[mailingIdIndex], (groups.get(rec.values[mailingIdIndex]) ?? 0) + 1);

  const used = ctx.ledger.mailingIds();
  for (const cl of ctx.config.clients) for (const m of cl.mailings) used.add(m.id);
  const entries: LedgerEntry[] = [];
  let { recipientOffset, linkOffset } = ctx.ledger.nextOffsets();
  for (const [sourceId, count] of groups) {
    const source = c.mailings.find((m) => m.id === sourceId)!;
    let mailingId = '';
    for (let attempt = 0; !mailingId || used.has(mailingId); attempt++) mailingId = hashId11(ctx.seed, 'mailing', c.name, r.stem, sourceId, attempt);
    used.add(mailingId);
    const entry: LedgerEntry = {
      client: c.name,
      stem: r.stem,
      takenFile: r.takenRel,
      seed: ctx.seed,
      mailingId,
      sourceMailingId: sourceId,
      campaignId: source.campaignId,
      recipientListId: c.recipientListId,
      links: source.links,
      products: valid.products,
      baseMs: valid.baseMs,
      emailIndex,
      mailingIdIndex,
      productIdIndexes,
      encoding: c.encoding,
      recipientOffset,
      recipientCount: count,
      linkOffset,
      linkCount: source.links.length + valid.products.length,
      rates: ctx.config.rates,
      ...(ctx.timeScale !== 1 ? { timeScale: ctx.timeScale } : {}),
      ...(source.deactivated ? { startFailed: true } : {}),
    };
    recipientOffset += count;
    linkOffset += entry.linkCount;
    entries.push(entry);
  }
  await ctx.ledger.add(entries);
  return entries;
}

/** Step 4: starts each created mailing (simulated sending) and logs it; a deactivated source fails to start. */
async function startMailings(ctx: UploadContext, c: SandboxClient, r: ReceivedUpload, entries: readonly LedgerEntry[]): Promise<{ mailingIds: string[]; startProblems: UploadProblem[] }> {
  const mailingIds: string[] = [];
  const startProblems: UploadProblem[] = [];
  for (const entry of entries) {
    const source = c.mailings.find((m) => m.id === entry.sourceMailingId)!;
    if (entry.startFailed) {
      // The vendor's second error case: imported and copied, but the copy cannot be started.
      startProblems.push({
        line: 0,
        field: c.mailingIdField,
        code: 'MAILING_START_FAILED',
        message: `Mailing ${entry.mailingId} (copy of source mailing ${source.id} "${source.name}") could not be started: the source mailing was deactivated after the import. Nothing was sent to its ${entry.recipientCount} recipient(s). Put the source mailing back into status New or Activation required, then upload the file again.`,
      });
      await log(ctx, c, r.stem, [['mailing_created', r.name, entry.mailingId, String(entry.recipientCount), `Copy of source mailing ${source.id} "${source.name}" created`]]);
      const errorFile = await writeErrorFile(ctx.clientDir(c, 'logs'), r.stem, startProblems, ctx.haltsOnError(c));
      await log(ctx, c, r.stem, [['error', r.name, entry.mailingId, String(entry.recipientCount), `Mailing ${entry.mailingId} could not be started: source mailing ${source.id} "${source.name}" was deactivated after the import; nothing was sent. See ${errorFile}; ${afterErrorText(ctx.haltsOnError(c))}.`]]);
      continue;
    }
    const g = await ctx.mailings.generated(entry);
    const sent = g.recipients.filter((x) => x.sendingStatus === 'sent').length;
    await log(ctx, c, r.stem, [
      ['mailing_created', r.name, entry.mailingId, String(entry.recipientCount), `Copy of source mailing ${source.id} "${source.name}" created (simulated time ${formatTimestamp(g.mailing.created)})`],
      ['sending_started', r.name, entry.mailingId, String(entry.recipientCount), `Sending started (simulated time ${formatTimestamp(g.mailing.started)})`],
      ['sending_finished', r.name, entry.mailingId, String(sent), `${sent} sent, ${entry.recipientCount - sent} could not be sent (simulated time ${formatTimestamp(g.mailing.finished)})`],
    ]);
    mailingIds.push(entry.mailingId);
  }
  return { mailingIds, startProblems };
}
