import { AppError, isAppError, isAppErrorOf } from '../../../shared/contract/result';

/** Node/socket error codes that mean "the network path failed", not "you are not allowed". */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_NOT_CONNECTED']);

/** Network codes that can heal by themselves (a reconnect may work); a bad host name will not. */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'ERR_NOT_CONNECTED']);

/** Numeric SFTP status codes (draft-ietf-secsh-filexfer-02) that ssh2 puts into `err.code`. */
const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;
/**
 * SSH_FX_FAILURE: SFTP v3 has no "disk full" status, so OpenSSH's sftp-server answers ENOSPC
 * and EDQUOT with this generic code (and the bare text "Failure").
 */
const SFTP_FAILURE = 4;

/** Operations that write data; a generic failure there most often means no space is left. */
const WRITE_OPS = new Set(['upload', 'write', 'write test']);

/** Text ssh2 and ssh2-sftp-client use when the link dies under a pending request. */
const CONNECTION_LOST_RE = /No response from server|Unexpected (end|close) event|Not connected|connection (lost|closed)|ECONNRESET|socket hang up|write after end|Channel not open/i;

function errCode(e: unknown): string | number | undefined {
  return typeof e === 'object' && e !== null ? (e as { code?: string | number }).code : undefined;
}

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Whether an error means the SSH connection itself is gone (as opposed to one failed request).
 *
 * ssh2-sftp-client re-wraps errors and drops ssh2's `level`, so we look at codes and text.
 */
export function isConnectionLoss(e: unknown): boolean {
  const code = errCode(e);
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  return CONNECTION_LOST_RE.test(errMessage(e));
}

/**
 * Turns an error from connecting into the AppError the operator sees.
 *
 * Auth, network and timeout failures each get a message that says what to check.
 */
export function mapConnectError(e: unknown, where: { host: string; port: number; username: string }): AppError {
  if (isAppError(e)) return e;
  const code = errCode(e);
  const msg = errMessage(e);
  const at = `${where.host}:${where.port}`;
  if (/authentication methods failed|Authentication failure|auth.*fail/i.test(msg)) {
    return new AppError('AUTH_FAILED', 'error.sftp.authRejected', { at, username: where.username }, { host: where.host, port: where.port, username: where.username, cause: msg });
  }
  if (/Cannot parse privateKey|Encrypted private (OpenSSH )?key detected|bad passphrase|private key/i.test(msg)) {
    return new AppError('AUTH_FAILED', 'error.sftp.keyUnusable', { reason: msg }, { host: where.host, port: where.port, username: where.username, cause: msg });
  }
  if (code === 'ETIMEDOUT' || /timed out|timeout/i.test(msg)) {
    return new AppError('TIMEOUT', 'error.sftp.noAnswer', { at }, { host: where.host, port: where.port, cause: msg, transient: true });
  }
  if (code === 'ENOTFOUND') {
    return new AppError('CONNECTION_FAILED', 'error.sftp.hostNotResolved', { host: where.host }, { host: where.host, port: where.port, cause: code, transient: false });
  }
  if (code === 'ECONNREFUSED') {
    return new AppError('CONNECTION_FAILED', 'error.sftp.refused', { at }, { host: where.host, port: where.port, cause: code, transient: true });
  }
  if ((typeof code === 'string' && NETWORK_CODES.has(code)) || isConnectionLoss(e) || /handshake|Connection lost|kex|Unsupported algorithm|no matching/i.test(msg)) {
    const noMatch = /no matching|handshake failed/i.test(msg);
    return new AppError('CONNECTION_FAILED', noMatch ? 'error.sftp.noCommonAlgorithms' : 'error.sftp.connectionFailed', { at, reason: msg }, {
      host: where.host,
      port: where.port,
      cause: typeof code === 'string' ? code : msg,
      transient: !noMatch,
    });
  }
  return new AppError('CONNECTION_FAILED', 'error.sftp.cannotConnect', { at, reason: msg }, { host: where.host, port: where.port, cause: msg, transient: false });
}

/**
 * A remote operation's name as the catalog's `{op, select, …}` knows it (`write test` → `write_test`),
 * so each language names the operation in its own words.
 */
export function opKey(op: string): string {
  return op.replace(/ /g, '_');
}

/**
 * Turns an error from one remote file operation into an AppError.
 *
 * A lost connection becomes CONNECTION_FAILED (transient), so callers can reconnect and retry.
 */
export function mapRemoteError(e: unknown, op: string, path: string): AppError {
  if (isAppError(e)) return e;
  const code = errCode(e);
  const msg = errMessage(e);
  const values = { op: opKey(op), path };
  if (isConnectionLoss(e)) {
    return new AppError('CONNECTION_FAILED', 'error.sftp.lostDuring', values, { op, path, cause: msg, transient: true });
  }
  if (code === SFTP_NO_SUCH_FILE || code === 'ENOENT' || /No such file/i.test(msg)) {
    if (op === 'list') return new AppError('NOT_FOUND', 'error.sftp.dirMissing', { path }, { op, path, cause: msg });
    return new AppError('NOT_FOUND', 'error.sftp.pathMissing', values, { op, path, cause: msg });
  }
  if (code === SFTP_PERMISSION_DENIED || code === 'EACCES' || code === 'EPERM' || /Permission denied/i.test(msg)) {
    return new AppError('PERMISSION_DENIED', 'error.sftp.denied', values, { op, path, cause: msg });
  }
  if (code === SFTP_FAILURE && WRITE_OPS.has(op)) {
    return new AppError('REMOTE_ERROR', 'error.sftp.diskFull', { path }, { op, path, cause: msg, likelyCause: 'disk-full' });
  }
  return new AppError('REMOTE_ERROR', 'error.sftp.remoteError', { ...values, reason: msg }, { op, path, cause: msg });
}

/**
 * Whether retrying could help: lost connections and timeouts, never auth, trust or "exists".
 *
 * Retrying an AUTH_FAILED can lock the account; retrying HOST_KEY_* would hammer a possible attacker.
 */
export function isTransientError(e: unknown): boolean {
  if (isAppErrorOf(e, 'TIMEOUT')) return e.details?.transient !== false;
  if (isAppErrorOf(e, 'CONNECTION_FAILED') || isAppErrorOf(e, 'TRANSFER_FAILED')) return e.details?.transient === true;
  if (isAppError(e)) return false;
  const code = errCode(e);
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  // A network code outside the transient set (ENOTFOUND: bad host name) stays failed however often we retry.
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return false;
  return CONNECTION_LOST_RE.test(errMessage(e));
}
