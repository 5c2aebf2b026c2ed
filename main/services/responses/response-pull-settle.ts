import { rm, stat as localStat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { isAppError } from '../../../shared/contract/result';
import type { SftpSession } from '../sftp';

/** Downloads of one file within a pull: the first and up to two more while the server is still changing it. */
const SETTLE_ATTEMPTS = 3;
/** Pause before the second download; it doubles before each further one (400 ms, then 800 ms). */
const SETTLE_PAUSE_MS = 400;

/** The size and modification time (ms since the epoch) a file had on the server. */
export interface RemoteVersion {
  readonly size: number;
  readonly mtime: number;
}

/**
 * The result of {@link downloadSettled}: the local copy and the server version it is, or (when
 * the file kept changing through every download) no copy at all and how many downloads were tried.
 */
export type SettledDownload =
  | { readonly settled: true; readonly version: RemoteVersion; readonly attempts: number }
  | { readonly settled: false; readonly attempts: number };

/**
 * Downloads a response file and makes sure the copy is the version the server still holds.
 *
 * A server that replaces a file (or is still writing it) between the listing and the end of the
 * download gives a short copy or one of an older version. So after each download the file is
 * stat'ed again: only when it still has the size and time it was expected to have (the listing's,
 * then those of the last stat) and the copy has that size, is the copy kept. Otherwise the copy is
 * deleted and the file downloaded again at once, after a short pause that grows, up to
 * {@link SETTLE_ATTEMPTS} times in all. An unsettled result leaves no copy from this pull behind
 * (the SFTP layer removes a short `.part` itself), so nothing half-read is ingested.
 * A file that is gone at the last try throws its NOT_FOUND error; other failures throw at once.
 */
export async function downloadSettled(session: SftpSession, remotePath: string, localPath: string, listed: RemoteVersion): Promise<SettledDownload> {
  let expected = listed;
  for (let attempt = 1; ; attempt++) {
    let missing: unknown = null;
    let downloaded = false;
    try {
      await session.download(remotePath, localPath);
      downloaded = true;
    } catch (e) {
      if (!isChangeSymptom(e)) throw e;
      if (isAppError(e) && e.code === 'NOT_FOUND') missing = e;
    }
    const now = await session.stat(remotePath);
    if (downloaded && now && sameVersion(now, expected) && (await localStat(localPath)).size === now.size) {
      return { settled: true, version: expected, attempts: attempt };
    }
    // A copy of a version the server no longer holds (or of a mix of two) must not stay where the ingest reads.
    if (downloaded) await rm(localPath, { force: true });
    if (attempt >= SETTLE_ATTEMPTS) {
      if (!now && missing) throw missing;
      return { settled: false, attempts: attempt };
    }
    if (now) expected = { size: now.size, mtime: now.modifyTime };
    await delay(SETTLE_PAUSE_MS * 2 ** (attempt - 1));
  }
}

/** Whether a download failed the way a file does that the server replaces or still writes: short, or gone for a moment. */
function isChangeSymptom(e: unknown): boolean {
  if (!isAppError(e)) return false;
  return e.messageId === 'error.sftp.downloadShort' || (e.code === 'NOT_FOUND' && e.messageId === 'error.sftp.remoteFileMissing');
}

function sameVersion(now: { readonly size: number; readonly modifyTime: number }, expected: RemoteVersion): boolean {
  return now.size === expected.size && now.modifyTime === expected.mtime;
}
