import { posix } from 'node:path';
import { AppError, isAppError } from '../../../shared/contract/result';
import { withTimeout, type TimedWork } from './timeout';
import type { SftpLogEvent, SftpSession } from './types';

/** Upper bound for removing a stale `.part` after a failure, reconnect included. */
const CLEANUP_TIMEOUT_MS = 10_000;

/** The links a clean-up after a failed upload may use. */
export interface RecoveryLinks {
  /** The session's own link while it is up, else undefined. */
  readonly current: () => Pick<SftpSession, 'stat' | 'remove'> | undefined;
  /** Opens a fresh connection to the same target. */
  readonly reconnect: () => Promise<SftpSession>;
  readonly log: (e: SftpLogEvent) => void;
}

/**
 * Runs a small clean-up or check over the session's link, or over a fresh one when it died;
 * bounded in time, so a server that stays away cannot hold the caller.
 */
async function onAnyLink<T>(links: RecoveryLinks, what: TimedWork, work: (link: Pick<SftpSession, 'stat' | 'remove'>) => Promise<T>): Promise<T> {
  const attempt = async (): Promise<T> => {
    const current = links.current();
    if (current) {
      try {
        return await work(current);
      } catch {
        // Fall through to a fresh connection: this one may have died on the way.
      }
    }
    const fresh = await links.reconnect();
    try {
      return await work(fresh);
    } finally {
      await fresh.end();
    }
  };
  return withTimeout(attempt(), CLEANUP_TIMEOUT_MS, what);
}

/** Best-effort removal of a `.part` file, over the session's link or a fresh one if it died; never throws. */
export async function removePart(links: RecoveryLinks, partPath: string): Promise<boolean> {
  try {
    await onAnyLink(links, { kind: 'cleanup', path: partPath }, (link) => link.remove(partPath));
    return true;
  } catch (err) {
    links.log({ level: 'warn', kind: 'sftp.upload.cleanup', messageId: 'sends.transfer.partLeft', values: { path: partPath }, details: String((err as Error)?.message ?? err) });
    return false;
  }
}

/**
 * After a link lost around the rename: did the server publish the file?
 *
 * Published means the final name holds exactly our size and the `.part` is gone (the rename
 * moved it). A final name next to a surviving `.part` belongs to someone else.
 */
export async function publishedState(links: RecoveryLinks, finalPath: string, partPath: string, size: number): Promise<'published' | 'not-published' | 'unknown'> {
  try {
    return await onAnyLink(links, { kind: 'check', path: finalPath }, async (link) => {
      const final = await link.stat(finalPath);
      if (!final) return 'not-published' as const;
      const part = await link.stat(partPath);
      return final.isFile && final.size === size && !part ? ('published' as const) : ('not-published' as const);
    });
  } catch (err) {
    links.log({ level: 'warn', kind: 'sftp.upload.unconfirmed', messageId: 'sends.transfer.unconfirmed', values: { path: finalPath }, details: String((err as Error)?.message ?? err) });
    return 'unknown';
  }
}

/** Where an upload was being published: `remoteDir/finalName`, written first as `partPath`, `size` bytes. */
export interface PublishTarget {
  readonly remoteDir: string;
  readonly finalName: string;
  readonly partPath: string;
  readonly size: number;
}

/**
 * After the link died around the rename (failing with `err`): asks the server again whether the
 * file was published. 'published' (logged as confirmed) or 'not-published'; throws
 * TRANSFER_FAILED with `published: 'unknown'` when the server could not be asked.
 */
export async function recheckLostRename(links: RecoveryLinks, target: PublishTarget, err: unknown): Promise<'published' | 'not-published'> {
  const { remoteDir, finalName, partPath, size } = target;
  const finalPath = posix.join(remoteDir, finalName);
  const state = await publishedState(links, finalPath, partPath, size);
  if (state === 'published') {
    links.log({ level: 'warn', kind: 'sftp.upload.confirmed', messageId: 'sends.transfer.confirmed', values: { path: finalPath } });
    return 'published';
  }
  if (state === 'unknown') {
    const failure = new AppError(
      'TRANSFER_FAILED',
      'error.sftp.publishUnknown',
      { name: finalName, dir: remoteDir },
      { path: finalPath, cause: isAppError(err) ? err.code : String(err), transient: true, published: 'unknown' },
    );
    links.log({ level: 'error', kind: 'sftp.upload.failed', messageId: 'error.sftp.publishUnknown', values: failure.values, details: JSON.stringify({ code: failure.code, cause: (err as Error)?.message }) });
    throw failure;
  }
  return 'not-published';
}
