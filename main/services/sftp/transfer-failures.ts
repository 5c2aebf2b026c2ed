import { posix } from 'node:path';
import { AppError, isAppError } from '../../../shared/contract/result';
import { mapRemoteError } from './errors';
import { reasonValues } from './reason';
import type { RemoteStat } from './types';

/** What explaining a refusal may ask of the server: the directory's state, when the link is still up. */
export interface RefusalContext {
  /** Stats a path; undefined when the link is gone (then nothing is asked). */
  readonly stat: ((path: string) => Promise<RemoteStat | null>) | undefined;
  /** The login name, to say whose rights are missing. */
  readonly username: string;
}

/**
 * The operator's explanation of a write refused in `dir` (missing, not a directory, denied, full),
 * as an error with the code of the refusal and a catalog message that names the directory.
 */
export async function explainRefusal(err: unknown, dir: string, op: string, ctx: RefusalContext): Promise<AppError> {
  const mapped = isAppError(err) ? err : mapRemoteError(err, op, dir);
  const details = { ...(mapped.details as object), dir };
  if (mapped.code === 'NOT_FOUND') {
    const s = ctx.stat ? await ctx.stat(dir).catch(() => undefined) : undefined;
    if (s === null) return new AppError('NOT_FOUND', 'error.sftp.dirMissing', { path: dir }, details);
    if (s && !s.isDirectory) return new AppError('NOT_FOUND', 'error.sftp.dirNotADirectory', { path: dir }, details);
  }
  if (mapped.code === 'PERMISSION_DENIED') return new AppError('PERMISSION_DENIED', 'error.sftp.writeDenied', { username: ctx.username, path: dir }, details);
  if ((mapped.details as { likelyCause?: unknown } | undefined)?.likelyCause === 'disk-full') return new AppError('REMOTE_ERROR', 'error.sftp.dirFull', { path: dir }, details);
  return mapped;
}

/**
 * Puts a refused upload in the operator's terms: which directory is missing or not writable.
 * The server only says "no such file" or "permission denied" about the `.part` name.
 */
export async function explainUploadRefusal(err: unknown, remoteDir: string, finalName: string, ctx: RefusalContext): Promise<unknown> {
  const mapped = isAppError(err) ? err : mapRemoteError(err, 'upload', posix.join(remoteDir, finalName));
  if (mapped.code !== 'NOT_FOUND' && mapped.code !== 'PERMISSION_DENIED') return err;
  return explainRefusal(mapped, remoteDir, 'upload', ctx);
}

/** Wraps any transfer error into TRANSFER_FAILED, keeping TARGET_EXISTS and the transient flag. */
export function transferFailure(err: unknown, op: 'upload' | 'download', path: string, partRemoved?: boolean): AppError {
  if (isAppError(err) && (err.code === 'TARGET_EXISTS' || err.code === 'INVALID_INPUT')) return err;
  const mapped = isAppError(err) ? err : mapRemoteError(err, op, path);
  if (mapped.code === 'TRANSFER_FAILED') {
    const details = { ...(mapped.details as object), path, partRemoved };
    // eslint-disable-next-line no-restricted-syntax -- the inner error came without a catalog key: its text is all there is.
    return mapped.messageId ? new AppError('TRANSFER_FAILED', mapped.messageId, mapped.values, details) : AppError.untranslated('TRANSFER_FAILED', mapped.message, details);
  }
  const transient = mapped.code === 'CONNECTION_FAILED' || mapped.code === 'TIMEOUT';
  const likelyCause = (mapped.details as { likelyCause?: 'disk-full' } | undefined)?.likelyCause;
  return new AppError('TRANSFER_FAILED', op === 'upload' ? 'error.sftp.uploadFailed' : 'error.sftp.downloadFailed', { path, ...reasonValues(mapped) }, {
    path,
    cause: mapped.code,
    transient,
    partRemoved,
    ...(likelyCause ? { likelyCause } : {}),
  });
}
