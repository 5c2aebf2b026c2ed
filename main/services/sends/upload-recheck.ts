import { rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { appIntl } from '../../../shared/i18n/intl';
import type { Locale } from '../../../shared/i18n/locale';
import type { Send } from '../../../shared/contract/sends';
import type { LogActivity } from '../activity/activity-service';
import type { ClosedLoopEncoding } from '../recipients/closed-loop-encoding';
import { isEmailField } from '../recipients/mapping';
import { appendRejectedRows, findSuppressed, writeWithout, type SuppressedLookup } from './suppressed-since-prepare';
import { said, type SendJournal, type SendRecord } from './send-journal';

/** What the check right before a real send's upload needs. */
export interface RecheckDeps {
  /** The suppression list as it is now (team mode: after a pull of the team's list; throws TEAM_UNAVAILABLE when that fails). */
  readonly suppressed: () => Promise<SuppressedLookup>;
  /** The encoding the send's file was written in and the client's field names (for the rejected-rows header). */
  readonly clientOf: (record: SendRecord) => { readonly encoding: ClosedLoopEncoding; readonly fieldNames: readonly string[] };
  /** Where rejected-rows files are kept (the data dir's `rejected`, under the retention setting). */
  readonly rejectedDir: string;
  /** The language the reasons in the rejected-rows file are written in (the app's). */
  readonly language: () => Locale;
  /** Archives the send's work folder again, so the audit copy is what was uploaded. */
  readonly archive: (record: SendRecord) => Promise<void>;
  /**
   * Team mode: this workstation (its id and its name as the team sees it). The steps that point
   * at the rejected-rows file carry it, since the file lies on this workstation's disk only:
   * every reader compares it with its own workstation and offers the file or names where it is.
   * Absent outside team mode.
   */
  readonly workstation?: () => { readonly id: string; readonly name: string } | undefined;
}

/** The runner's parts the check uses. */
export interface RecheckRunner {
  readonly journal: SendJournal;
  readonly log: LogActivity;
  readonly changed: (record: SendRecord, progress?: Send['progress']) => void;
}

/** A send's rejected-rows file: rows left out at upload, with their reasons. */
export function sendRejectedFile(rejectedDir: string, sendId: string): string {
  return join(rejectedDir, `send-${sendId}-rejected.csv`);
}

/**
 * Right before a real send's first byte may leave: looks the prepared recipient file up in the
 * suppression list again, since a scheduled send can be uploaded hours after it was prepared.
 * Rows suppressed since then are written to the send's rejected-rows file and the recipient
 * file is replaced (written beside it, then renamed over it) without them; the journal and the
 * activity log say how many. When no row is left, the send ends in `error` and nothing is
 * uploaded. The runner calls it once the names are final (no cancel can come in between) and
 * only while the file is not on the server under its name, so a file the server may already
 * have is never changed (an upload resumed after that compares sizes).
 *
 * Order, for a crash at any point: the rejected rows first, then the journal, then the rename.
 * A crash in between finds the same rows again next time (a second entry), never loses one.
 */
export async function leaveOutSuppressed(runner: RecheckRunner, deps: RecheckDeps, record: SendRecord, subscribers: string): Promise<SendRecord> {
  const lookup = await deps.suppressed();
  const client = deps.clientOf(record);
  const check = await findSuppressed(subscribers, client.encoding, lookup, { emailIndex: client.fieldNames.findIndex(isEmailField), fieldCount: client.fieldNames.length });
  if (check.suppressed.length === 0) return record;
  const left = check.suppressed.length;
  const kept = check.rows - left;
  const file = sendRejectedFile(deps.rejectedDir, record.id);
  // The file's path is only of use on this workstation; the file name and the workstation are for the others (see RecheckDeps.workstation).
  const here = deps.workstation?.();
  const where = { file, fileName: basename(file), ...(here ? { workstation: here.id, workstationName: here.name } : {}) };
  const intl = appIntl(deps.language());
  await appendRejectedRows(file, client.fieldNames, check.suppressed, (r) => intl.formatMessage({ id: 'sends.rejected.suppressedAtUpload' }, { email: r.email, reason: r.reason }));
  // From the journal's count, not `left`: after a crash between the journal and the rename the rows are found again, and counted once.
  const counts = { recipients: kept, excluded: record.excluded + Math.max(0, record.recipients - kept) };
  if (kept === 0) {
    const why = said('sends.step.allSuppressedAtUpload', { count: left, ...where });
    const ended = await runner.journal.update(record.id, { ...counts, state: 'error', error: { ...why, rows: [] } }, { state: 'error', ...why });
    await runner.log({ level: 'error', kind: 'send', profile: record.profile, messageId: 'sends.activity.allSuppressedAtUpload', values: { id: record.id, count: left } });
    return ended;
  }
  const tmp = `${subscribers}.kept.tmp`;
  try {
    await writeWithout(subscribers, new Set(check.suppressed.map((r) => r.index)), tmp);
    const updated = await runner.journal.update(record.id, counts, { state: 'uploading', ...said('sends.step.suppressedAtUpload', { count: left, kept, ...where }) });
    await rename(tmp, subscribers);
    await deps.archive(updated);
    await runner.log({ level: 'warn', kind: 'send', profile: record.profile, messageId: 'sends.activity.suppressedAtUpload', values: { id: record.id, count: left, kept } });
    runner.changed(updated);
    return updated;
  } finally {
    await rm(tmp, { force: true });
  }
}
