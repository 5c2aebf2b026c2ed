import { posix } from 'node:path';
import { AppError, isAppError } from '../../../shared/contract/result';
import { mapRemoteError } from './errors';
import type { RemoteStat } from './types';

/** What explaining a refusal may ask of the server: the directory's state, when the link is still up. */
export interface RefusalContext {
  /** Stats a path; undefined when the link is gone (then nothing is asked). */
  readonly stat: ((path: string) => Promise<RemoteStat | null>) | undefined;
  /** The login name, to say whose rights are missing. */
  readonly username: string;
}

/** The operator's message for a write refused in `dir` (missing, not a directory, denied, full). */
export async function explainRefusal(err: unknown, dir: string, op: string, ctx: RefusalContext): Promise<string> {
  const mapped = isAppError(err) ? err : mapRemoteError(err, op, dir);
  if (mapped.code === 'NOT_FOUND') {
    const s = ctx.stat ? await ctx.stat(dir).catch(() => undefined) : undefined;
    if (s === null) return `The directory ${dir} does not exist on the server. Check the client's directories in the connection profile, or ask the server administrator to create it.`;
    if (s && !s.isDirectory) return `${dir} exists on the server but is not a directory. Check the client's directories in the connection profile.`;
  }
  if (mapped.code === 'PERMISSION_DENIED') {
    return `The server does not let user "${ctx.username}" write into ${dir} (permission denied). Ask the server administrator for write rights on that directory, or check the client's directories in the connection profile.`;
  }
  if ((mapped.details as { likelyCause?: unknown } | undefined)?.likelyCause === 'disk-full') {
    return `The server refused to store data in ${dir} (it answered only "Failure"). The server may be out of disk space or over its quota: ask the server administrator to free space.`;
  }
  return mapped.message;
}

/**
 * Puts a refused upload in the operator's terms: which directory is missing or not writable.
 * The server only says "no such file" or "permission denied" about the `.part` name.
 */
export async function explainUploadRefusal(err: unknown, remoteDir: string, finalName: string, ctx: RefusalContext): Promise<unknown> {
  const mapped = isAppError(err) ? err : mapRemoteError(err, 'upload', posix.join(remoteDir, finalName));
  if (mapped.code !== 'NOT_FOUND' && mapped.code !== 'PERMISSION_DENIED') return err;
  return new AppError(mapped.code, await explainRefusal(err, remoteDir, 'upload', ctx), { ...(mapped.details as object), dir: remoteDir });
}

/** Wraps any transfer error into TRANSFER_FAILED, keeping TARGET_EXISTS and the transient flag. */
export function transferFailure(err: unknown, op: 'upload' | 'download', path: string, partRemoved?: boolean): AppError {
  if (isAppError(err) && (err.code === 'TARGET_EXISTS' || err.code === 'INVALID_INPUT')) return err;
  const mapped = isAppError(err) ? err : mapRemoteError(err, op, path);
  if (mapped.code === 'TRANSFER_FAILED') return new AppError('TRANSFER_FAILED', mapped.message, { ...(mapped.details as object), path, partRemoved });
  const transient = mapped.code === 'CONNECTION_FAILED' || mapped.code === 'TIMEOUT';
  const tail = op === 'upload' ? ' Nothing was published under the final name.' : ' No partial file was kept.';
  const likelyCause = (mapped.details as { likelyCause?: 'disk-full' } | undefined)?.likelyCause;
  return new AppError('TRANSFER_FAILED', `The ${op} of ${path} failed: ${mapped.message}${tail}`, { path, cause: mapped.code, transient, partRemoved, ...(likelyCause ? { likelyCause } : {}) });
}
