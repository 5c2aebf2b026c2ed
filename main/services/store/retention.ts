import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FINISHED_SEND_STATES } from '../../../shared/contract/sends';
import type { Database } from './database';
import { INCOMING_DIR, removeUnneededIncoming } from './incoming-files';
import type { Settings } from './settings';


/** How {@link applyRetention} runs. */
export interface RetentionOptions {
  /** Keep this many days; 0 (the default setting) keeps everything and does nothing. */
  readonly days: number;
  /** The clock, for tests. */
  readonly now?: Date;
  /**
   * Deletes response rows older than a date and says how many per table (the responses
   * service's `deleteOlderThan`, handed in by the composition root: the store sits below it).
   */
  readonly deleteResponseRows: (db: Database, before: Date) => Promise<Readonly<Record<string, number>>>;
}

/** What {@link applyRetention} removed. */
export interface RetentionReport {
  /** ISO time before which data was removed; null when retention is off. */
  readonly cutoff: string | null;
  /** Response rows deleted per table (mailings, clicks, …). */
  readonly responseRows: Readonly<Record<string, number>>;
  /** Finished sends removed from the journal (with their timelines and archive folders). */
  readonly sends: number;
  readonly sendEvents: number;
  /** Archive and work folders of those sends removed from disk. */
  readonly sendFolders: number;
  /** Downloaded raw response files removed from `<dataDir>/responses/`. */
  readonly responseFiles: number;
  /** Resend drafts and Excel exports removed from `<dataDir>/drafts/` and `<dataDir>/exports/`. */
  readonly draftAndExportFiles: number;
  /**
   * Other files with recipients removed: rejected rows (`rejected/`), spreadsheets the browser
   * host received (`incoming/`, by upload) and scratch files (`tmp/`).
   */
  readonly otherFiles: number;
  readonly activity: number;
  /** Whether the data file was rewritten so the deleted rows are gone from it. */
  readonly compacted: boolean;
  readonly fileBytesBefore: number | null;
  readonly fileBytesAfter: number | null;
  readonly ms: number;
}

const DAY_MS = 86_400_000;

/**
 * Every folder of the data dir whose files can hold recipients, apart from `archive/` and
 * `sends/` (kept per send, with its journal row). A new folder with personal data belongs here;
 * the retention test lists the whole data dir after a send cycle and fails on anything missed.
 */
export const PERSONAL_DATA_FOLDERS = {
  /** Downloaded raw response files. */
  responses: 'responses',
  /** Soft-bounce resend drafts. */
  drafts: 'drafts',
  /** Excel reports and CSV exports. */
  exports: 'exports',
  /** Rows a validation left out, with their values. */
  rejected: 'rejected',
  /** Spreadsheets the browser host received. */
  incoming: INCOMING_DIR,
  /** Scratch: validation output, status files being read. */
  tmp: 'tmp',
} as const;

/** Settings keys of data at rest (in `settings.json`, next to the profiles). */
export const DATA_AT_REST_SETTINGS = {
  /** Boolean: encrypt the data file and the send archive (default false). */
  encrypt: 'dataAtRest.encrypt',
  /** Whole days to keep personal data; 0 keeps everything (the default). */
  retentionDays: 'dataAtRest.retentionDays',
} as const;

/**
 * Reads the data-at-rest settings, falling back to the defaults (no encryption, keep
 * everything) for anything missing or malformed, so a hand-edited file cannot delete data.
 */
export function readDataAtRestSettings(settings: Pick<Settings, 'get'>): { readonly encrypt: boolean; readonly retentionDays: number } {
  const days = settings.get<unknown>(DATA_AT_REST_SETTINGS.retentionDays);
  return {
    encrypt: settings.get<unknown>(DATA_AT_REST_SETTINGS.encrypt) === true,
    retentionDays: typeof days === 'number' && Number.isInteger(days) && days > 0 ? days : 0,
  };
}

/**
 * Deletes personal data older than the retention setting, everywhere Loopdesk keeps it:
 * response rows (by event time, through `options.deleteResponseRows`), finished sends (journal
 * row, timeline, archive and work folders) last changed before the cutoff, downloaded raw
 * response files, resend drafts and Excel exports, rejected rows, uploads the browser host
 * received and scratch files ({@link PERSONAL_DATA_FOLDERS}), and the activity log. Then
 * rewrites the data file ({@link Database.compact}) so the deleted values are gone from its
 * bytes, not just unreferenced.
 *
 * Kept on purpose: active sends whatever their age, the response-file ledger (names, sizes,
 * hashes; without it the next pull would download and ingest the deleted files again), the
 * suppression list (it exists to keep honouring unsubscribes) and mapping memory (no
 * personal data).
 */
export async function applyRetention(db: Database, dataDir: string, options: RetentionOptions): Promise<RetentionReport> {
  const started = Date.now();
  if (!(options.days > 0)) {
    return { cutoff: null, responseRows: {}, sends: 0, sendEvents: 0, sendFolders: 0, responseFiles: 0, draftAndExportFiles: 0, otherFiles: 0, activity: 0, compacted: false, fileBytesBefore: null, fileBytesAfter: null, ms: 0 };
  }
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.days * DAY_MS);
  const cutoffIso = cutoff.toISOString();

  const responseRows = await options.deleteResponseRows(db, cutoff);

  const finished = FINISHED_SEND_STATES.map((s) => `'${s}'`).join(', ');
  const { sendIds, sendEvents, activity } = await db.transaction(async (tx) => {
    const gone = await tx.all<{ id: string }>(`SELECT id FROM sends WHERE state IN (${finished}) AND updated_at < $1::TIMESTAMPTZ ORDER BY id`, [cutoffIso]);
    const ids = gone.map((r) => r.id);
    let events = 0;
    if (ids.length) {
      const list = ids.map((_, i) => `$${i + 1}`).join(', ');
      events = countOf(await tx.all(`DELETE FROM send_events WHERE send_id IN (${list})`, ids));
      await tx.run(`DELETE FROM sends WHERE id IN (${list})`, ids);
    }
    const act = countOf(await tx.all('DELETE FROM activity WHERE occurred_at < $1::TIMESTAMPTZ', [cutoffIso]));
    return { sendIds: ids, sendEvents: events, activity: act };
  });

  // Folders by id under the data dir, never by the paths stored in the row.
  let sendFolders = 0;
  for (const id of sendIds) {
    for (const area of ['archive', 'sends']) {
      const dir = join(dataDir, area, id);
      if (await exists(dir)) {
        await rm(dir, { recursive: true, force: true });
        sendFolders++;
      }
    }
  }

  const older = (folder: string) => removeOlderFiles(join(dataDir, folder), cutoff.getTime());
  const responseFiles = await older(PERSONAL_DATA_FOLDERS.responses);
  // Drafts and exports hold recipients too; copies the operator saved elsewhere are theirs.
  const draftAndExportFiles = (await older(PERSONAL_DATA_FOLDERS.drafts)) + (await older(PERSONAL_DATA_FOLDERS.exports));
  // Uploads go as a whole (by the time they arrived), and only when no active send needs them.
  const otherFiles =
    (await older(PERSONAL_DATA_FOLDERS.rejected)) +
    (await older(PERSONAL_DATA_FOLDERS.tmp)) +
    (await removeUnneededIncoming(db, dataDir, { now: options.now, cutoff }));

  const deletedRows = Object.values(responseRows).reduce((a, b) => a + b, 0) + sendIds.length + sendEvents + activity;
  let compacted = false;
  let fileBytesBefore: number | null = null;
  let fileBytesAfter: number | null = null;
  if (deletedRows > 0 && db.path !== ':memory:') {
    const result = await db.compact();
    compacted = true;
    fileBytesBefore = result.bytesBefore;
    fileBytesAfter = result.bytesAfter;
  }
  return { cutoff: cutoffIso, responseRows, sends: sendIds.length, sendEvents, sendFolders, responseFiles, draftAndExportFiles, otherFiles, activity, compacted, fileBytesBefore, fileBytesAfter, ms: Date.now() - started };
}

/** Removes regular files last modified before `before` (ms), depth-first; returns how many. */
async function removeOlderFiles(dir: string, before: number): Promise<number> {
  let removed = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      removed += await removeOlderFiles(path, before);
    } else if (e.isFile() && (await stat(path)).mtimeMs < before) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}

function countOf(rows: Record<string, unknown>[]): number {
  return Number(rows[0]?.Count ?? 0);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
