import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat as localStat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { posix } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type SftpClient from 'ssh2-sftp-client';
import { AppError, isAppError } from '../../../shared/contract/result';
import { isTransientError, mapRemoteError } from './errors';
import type { SftpClientInternals } from './open-sftp';
import { createProgressTracker } from './progress';
import { withTimeout } from './timeout';
import type {
  DownloadOptions,
  DownloadResult,
  RemoteEntry,
  RemoteStat,
  SftpLogEvent,
  SftpSession,
  SftpTarget,
  UploadOptions,
  UploadResult,
} from './types';

/** How long end() may take before the socket is simply destroyed (end() can hang after ECONNRESET). */
const END_TIMEOUT_MS = 3_000;
/** Upper bound for removing a stale `.part` after a failure, reconnect included. */
const CLEANUP_TIMEOUT_MS = 10_000;
/**
 * fastGet/fastPut request size and parallelism. ssh2's default (32 KiB x 64) moved 200 MB to
 * OpenSSH on loopback at ~240 MB/s; 128 KiB x 32 (4 MiB in flight) at ~450 MB/s, measured here.
 * ssh2 clamps requests to the limits the server advertises, so small-limit servers still work.
 */
const FAST_TRANSFER = { chunkSize: 128 * 1024, concurrency: 32 } as const;
/** Read size for plain uploads: one WRITE request (split by ssh2 to the server's limit) per chunk. */
const PLAIN_CHUNK = 128 * 1024;

/** Everything a session needs from {@link openSftp}. */
export interface SessionParts {
  readonly client: SftpClient;
  readonly target: SftpTarget;
  readonly log: (e: SftpLogEvent) => void;
  readonly serverIdent: string;
  readonly fingerprint: string;
  readonly keyType: string;
  readonly extensions: readonly string[];
  /** Opens a fresh connection to the same target (used to clean up after a lost link). */
  readonly reconnect: () => Promise<SftpSession>;
}

/**
 * Calls `onStall` when `kick()` has not been called for `ms` milliseconds.
 *
 * Transfers have no total time limit (big files on slow links are legitimate), but a transfer
 * that moves no byte for a whole operation timeout is dead.
 */
function stallWatch(ms: number, onStall: () => void) {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(onStall, ms);
    timer.unref?.();
  };
  arm();
  return { kick: arm, stop: () => clearTimeout(timer) };
}

/** A final file name must be a plain name: the server only looks inside its own directory. */
function assertPlainName(name: string): void {
  if (!name || name.includes('/') || name === '.' || name === '..') {
    throw new AppError('INVALID_INPUT', `"${name}" is not a valid remote file name.`, { name });
  }
}

class Session implements SftpSession {
  readonly serverIdent: string;
  readonly fingerprint: string;
  readonly keyType: string;
  readonly extensions: readonly string[];
  private readonly client: SftpClient;
  private readonly internals: SftpClientInternals;
  private readonly target: SftpTarget;
  private readonly log: (e: SftpLogEvent) => void;
  private readonly reconnect: () => Promise<SftpSession>;
  private readonly opTimeoutMs: number;
  private closed = false;
  /** Rejects once the link is gone, so every pending operation fails instead of hanging. */
  private readonly lost: Promise<never>;

  constructor(parts: SessionParts) {
    this.client = parts.client;
    this.internals = parts.client as unknown as SftpClientInternals;
    this.target = parts.target;
    this.log = parts.log;
    this.reconnect = parts.reconnect;
    this.serverIdent = parts.serverIdent;
    this.fingerprint = parts.fingerprint;
    this.keyType = parts.keyType;
    this.extensions = parts.extensions;
    this.opTimeoutMs = parts.target.options.operationTimeoutSeconds * 1000;
    this.lost = new Promise<never>((_, reject) => {
      const onGone = (why: string) => {
        if (this.closed) return;
        this.closed = true;
        reject(new AppError('CONNECTION_FAILED', `The connection to ${this.where} was lost (${why}). Reconnect and try again.`, { cause: why, transient: true }));
      };
      this.internals.client.on('close', () => onGone('closed'));
      this.internals.client.on('end', () => onGone('ended by server'));
      this.internals.client.on('error', (err: Error) => onGone(err.message));
    });
    // Nobody may be waiting when the link drops; that is not an unhandled failure.
    this.lost.catch(() => undefined);
  }

  get connected(): boolean {
    return !this.closed;
  }

  private get where(): string {
    return `${this.target.host}:${this.target.port}`;
  }

  private destroy(): void {
    this.closed = true;
    this.internals.client.destroy();
  }

  /** Runs one remote request bounded by the operation timeout and by the link staying up. */
  private async run<T>(op: string, path: string, work: () => Promise<T>): Promise<T> {
    if (this.closed) {
      throw new AppError('CONNECTION_FAILED', `The connection to ${this.where} is closed. Reconnect and try again.`, { op, path, transient: true });
    }
    try {
      return await withTimeout(Promise.race([work(), this.lost]), this.opTimeoutMs, `${op} of ${path}`, () => this.destroy());
    } catch (err) {
      throw mapRemoteError(err, op, path);
    }
  }

  async list(dir: string): Promise<RemoteEntry[]> {
    const items = await this.run('list', dir, () => this.client.list(dir));
    return items.map((i) => ({
      name: i.name,
      type: i.type === 'd' || i.type === '-' || i.type === 'l' ? i.type : 'other',
      size: i.size,
      modifyTime: i.modifyTime,
    }));
  }

  async stat(path: string): Promise<RemoteStat | null> {
    try {
      const s = await this.run('stat', path, () => this.client.stat(path));
      return { size: s.size, isDirectory: s.isDirectory, isFile: s.isFile, modifyTime: s.modifyTime, mode: s.mode };
    } catch (err) {
      if (isAppError(err) && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  async exists(path: string): Promise<boolean> {
    return (await this.stat(path)) !== null;
  }

  async mkdirp(dir: string): Promise<void> {
    const absolute = dir.startsWith('/');
    const parts = dir.split('/').filter((p) => p && p !== '.');
    let current = absolute ? '' : '.';
    for (const part of parts) {
      current = absolute ? `${current}/${part}` : `${current}/${part}`;
      const s = await this.stat(current);
      if (s?.isDirectory) continue;
      if (s) throw new AppError('CONFLICT', `${current} exists on the server but is not a directory. Fix the directory settings of the client.`, { path: current });
      const here = current;
      try {
        await this.run('mkdir', here, () => this.client.mkdir(here, false));
      } catch (err) {
        // Another client may have created it meanwhile; only a still-missing directory is an error.
        if ((await this.stat(here))?.isDirectory) continue;
        throw err;
      }
    }
  }

  async remove(path: string): Promise<void> {
    await this.run('delete', path, () => this.client.delete(path, true));
  }

  async checkWritable(dir: string): Promise<{ readonly ok: boolean; readonly message: string }> {
    const probe = posix.join(dir, `.loopdesk-write-test-${randomBytes(6).toString('hex')}.tmp`);
    const content = Buffer.from('loopdesk write test\n');
    try {
      await this.run('write test', probe, () => this.putPlain(content, probe));
    } catch (err) {
      // A refused WRITE leaves the opened (empty) probe behind; it must not litter the directory.
      if (this.connected) await this.remove(probe).catch(() => undefined);
      return { ok: false, message: await this.explainRefusal(err, dir, 'write test') };
    }
    // A server may accept the request yet keep fewer bytes; then the directory is not usable.
    const kept = await this.stat(probe).catch(() => null);
    if (kept && kept.size !== content.length) {
      await this.remove(probe).catch(() => undefined);
      return { ok: false, message: `${dir} accepted a test file but kept only ${kept.size} of its ${content.length} bytes. The server may be out of disk space: ask its administrator.` };
    }
    try {
      await this.remove(probe);
    } catch (err) {
      return { ok: false, message: `${dir} is writable, but the test file ${probe} could not be removed: ${isAppError(err) ? err.message : String(err)}` };
    }
    return { ok: true, message: `${dir} is writable.` };
  }

  async download(remotePath: string, localPath: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
    const remote = await this.stat(remotePath);
    if (!remote) throw new AppError('NOT_FOUND', `${remotePath} does not exist on the server.`, { path: remotePath });
    if (!remote.isFile) throw new AppError('INVALID_INPUT', `${remotePath} is not a regular file.`, { path: remotePath });
    const part = `${localPath}.part`;
    const started = Date.now();
    const tracker = createProgressTracker(remote.size, opts.onProgress);
    try {
      await mkdir(dirname(localPath), { recursive: true });
      await this.transfer(`download of ${remotePath}`, remotePath, async (kick) => {
        if (this.target.options.transferMode === 'fast') {
          await this.client.fastGet(remotePath, part, { ...FAST_TRANSFER, step: (done) => (kick(), tracker.update(done)) });
        } else {
          const sftp = this.internals.sftp;
          if (!sftp) throw new AppError('CONNECTION_FAILED', 'The SFTP channel is closed.', { transient: true });
          let done = 0;
          const counter = new Transform({
            transform(chunk: Buffer, _enc, cb) {
              done += chunk.length;
              kick();
              tracker.update(done);
              cb(null, chunk);
            },
          });
          await pipeline(sftp.createReadStream(remotePath), counter, createWriteStream(part));
        }
      });
      const got = (await localStat(part)).size;
      if (got !== remote.size) {
        throw new AppError('TRANSFER_FAILED', `Downloaded ${got} bytes of ${remotePath}, but the server reports ${remote.size}. Download it again.`, {
          expected: remote.size,
          got,
          transient: true,
        });
      }
      await rename(part, localPath);
    } catch (err) {
      await rm(part, { force: true }).catch(() => undefined);
      throw this.transferFailure(err, 'download', remotePath);
    }
    tracker.update(remote.size);
    const result = { localPath, bytes: remote.size, seconds: (Date.now() - started) / 1000 };
    this.log({ level: 'info', kind: 'sftp.download.done', message: `Downloaded ${remotePath} (${remote.size} bytes) in ${result.seconds.toFixed(2)} s` });
    return result;
  }

  async uploadAtomic(localPath: string, remoteDir: string, finalName: string, opts: UploadOptions = {}): Promise<UploadResult> {
    assertPlainName(finalName);
    const finalPath = posix.join(remoteDir, finalName);
    const partPath = `${finalPath}.part`;
    const mode = opts.mode ?? this.target.options.transferMode;
    let size: number;
    try {
      const s = await localStat(localPath);
      if (!s.isFile()) throw new Error('not a regular file');
      size = s.size;
    } catch (err) {
      throw new AppError('NOT_FOUND', `The local file ${localPath} cannot be read (${(err as Error).message}).`, { path: localPath });
    }
    if (await this.stat(finalPath)) {
      throw new AppError('TARGET_EXISTS', `${finalPath} already exists on the server; nothing was uploaded or overwritten. Use a new file name.`, { path: finalPath });
    }

    const started = Date.now();
    const tracker = createProgressTracker(size, opts.onProgress);
    const finish = (how: string): UploadResult => {
      tracker.update(size);
      const result = { remotePath: finalPath, bytes: size, seconds: (Date.now() - started) / 1000 };
      this.log({ level: 'info', kind: 'sftp.upload.done', message: `Uploaded ${finalPath} (${size} bytes) in ${result.seconds.toFixed(2)} s${how}` });
      return result;
    };
    /** Set once the rename request may have reached the server: from then on "failed" does not mean "not published". */
    let renameSent = false;
    this.log({ level: 'info', kind: 'sftp.upload.start', message: `Uploading ${localPath} to ${partPath} (${size} bytes, ${mode} mode)` });
    try {
      await this.transfer(`upload of ${finalName}`, partPath, async (kick) => {
        if (mode === 'fast') {
          await this.client.fastPut(localPath, partPath, { ...FAST_TRANSFER, step: (done) => (kick(), tracker.update(done)) });
        } else {
          await this.putPlain(createReadStream(localPath, { highWaterMark: PLAIN_CHUNK }), partPath, (done) => (kick(), tracker.update(done)));
        }
      });
      const remote = await this.stat(partPath);
      if (!remote || remote.size !== size) {
        throw new AppError(
          'TRANSFER_FAILED',
          `The server holds ${remote ? remote.size : 'no'} bytes of ${finalName} instead of ${size}. Nothing was published; send again${mode === 'fast' ? ', and if this repeats switch the profile to plain transfer mode' : ''}.`,
          { expected: size, got: remote?.size ?? null, transient: true },
        );
      }
      await opts.beforePublish?.();
      try {
        renameSent = true;
        await this.run('rename', partPath, () => this.client.rename(partPath, finalPath));
      } catch (err) {
        // Plain SFTP rename refuses an existing target: someone else published that name meanwhile.
        if (!isTransientError(err) && (await this.stat(finalPath).catch(() => null))) {
          throw new AppError('TARGET_EXISTS', `${finalPath} appeared on the server during the upload; it was not overwritten. Use a new file name.`, { path: finalPath });
        }
        throw err;
      }
    } catch (err) {
      if (renameSent && isTransientError(err)) {
        // The link died around the rename: the server may have published the file and only the
        // confirmation got lost. Ask again rather than report a failure that is not one.
        const state = await this.publishedState(finalPath, partPath, size);
        if (state === 'published') {
          this.log({ level: 'warn', kind: 'sftp.upload.confirmed', message: `The confirmation of ${finalPath} was lost with the connection; a new connection shows it complete on the server.` });
          return finish(' (confirmed over a new connection)');
        }
        if (state === 'unknown') {
          const failure = new AppError(
            'TRANSFER_FAILED',
            `The connection was lost just as ${finalName} was being published in ${remoteDir}, and the server could not be asked again. It may already be there: check the directory (or let Loopdesk check on the next attempt) before sending it again.`,
            { path: finalPath, cause: isAppError(err) ? err.code : String(err), transient: true, published: 'unknown' },
          );
          this.log({ level: 'error', kind: 'sftp.upload.failed', message: failure.message, details: JSON.stringify({ code: failure.code, cause: (err as Error)?.message }) });
          throw failure;
        }
      }
      const partRemoved = await this.removePart(partPath);
      const failure = this.transferFailure(await this.explainUploadRefusal(err, remoteDir, finalName), 'upload', finalPath, partRemoved);
      this.log({ level: 'error', kind: 'sftp.upload.failed', message: failure.message, details: JSON.stringify({ code: failure.code, partRemoved, cause: (err as Error)?.message }) });
      throw failure;
    }
    return finish('');
  }

  async end(): Promise<void> {
    if (this.closed) {
      this.internals.client.destroy();
      return;
    }
    this.closed = true;
    await withTimeout(this.client.end(), END_TIMEOUT_MS, 'Closing the connection').catch(() => undefined);
    this.internals.client.destroy();
  }

  /** Runs a transfer that fails when the link drops or no byte moves for one operation timeout. */
  private async transfer(what: string, path: string, work: (kick: () => void) => Promise<unknown>): Promise<void> {
    if (this.closed) throw new AppError('CONNECTION_FAILED', `The connection to ${this.where} is closed. Reconnect and try again.`, { path, transient: true });
    let stalled: (e: AppError) => void = () => undefined;
    const stall = new Promise<never>((_, reject) => (stalled = reject));
    const watch = stallWatch(this.opTimeoutMs, () => {
      this.destroy();
      stalled(new AppError('TIMEOUT', `The ${what} made no progress for ${this.opTimeoutMs / 1000} s and was stopped.`, { path, transient: true }));
    });
    try {
      await Promise.race([work(watch.kick), this.lost, stall]);
    } finally {
      watch.stop();
    }
  }

  /**
   * Runs a small clean-up or check over this link, or over a fresh one when this one died;
   * bounded in time, so a server that stays away cannot hold the caller.
   */
  private async onAnyLink<T>(what: string, work: (link: Pick<SftpSession, 'stat' | 'remove'>) => Promise<T>): Promise<T> {
    const attempt = async (): Promise<T> => {
      if (!this.closed) {
        try {
          return await work(this);
        } catch {
          // Fall through to a fresh connection: this one may have died on the way.
        }
      }
      const fresh = await this.reconnect();
      try {
        return await work(fresh);
      } finally {
        await fresh.end();
      }
    };
    return withTimeout(attempt(), CLEANUP_TIMEOUT_MS, what);
  }

  /** Best-effort removal of a `.part` file, over this link or a fresh one if it died; never throws. */
  private async removePart(partPath: string): Promise<boolean> {
    try {
      await this.onAnyLink(`Removing ${partPath}`, (link) => link.remove(partPath));
      return true;
    } catch (err) {
      this.log({ level: 'warn', kind: 'sftp.upload.cleanup', message: `Could not remove ${partPath}; the server ignores it, but you may delete it by hand.`, details: String((err as Error)?.message ?? err) });
      return false;
    }
  }

  /**
   * After a link lost around the rename: did the server publish the file?
   *
   * Published means the final name holds exactly our size and the `.part` is gone (the rename
   * moved it). A final name next to a surviving `.part` belongs to someone else.
   */
  private async publishedState(finalPath: string, partPath: string, size: number): Promise<'published' | 'not-published' | 'unknown'> {
    try {
      return await this.onAnyLink(`Checking ${finalPath}`, async (link) => {
        const final = await link.stat(finalPath);
        if (!final) return 'not-published' as const;
        const part = await link.stat(partPath);
        return final.isFile && final.size === size && !part ? ('published' as const) : ('not-published' as const);
      });
    } catch (err) {
      this.log({ level: 'warn', kind: 'sftp.upload.unconfirmed', message: `Could not check whether ${finalPath} was published.`, details: String((err as Error)?.message ?? err) });
      return 'unknown';
    }
  }

  /**
   * Writes a buffer or stream to `remotePath` one request at a time; the first refused WRITE fails it.
   *
   * ssh2's WriteStream (behind ssh2-sftp-client's put()) destroys itself before it reports a
   * failed WRITE, so Node drops the error and put() resolves on a short file: a full disk
   * then looked like garbled data. Here every refusal reaches the caller with its SFTP code.
   */
  private async putPlain(source: Buffer | AsyncIterable<Buffer>, remotePath: string, onBytes: (done: number) => void = () => undefined): Promise<void> {
    const sftp = this.internals.sftp;
    if (!sftp) throw new AppError('CONNECTION_FAILED', 'The SFTP channel is closed.', { transient: true });
    const handle = await new Promise<Buffer>((resolve, reject) => sftp.open(remotePath, 'w', (err, h) => (err ? reject(err) : resolve(h))));
    let failed = false;
    try {
      let pos = 0;
      for await (const chunk of Buffer.isBuffer(source) ? [source] : source) {
        if (chunk.length === 0) continue;
        const at = pos;
        await new Promise<void>((resolve, reject) => sftp.write(handle, chunk, 0, chunk.length, at, (err) => (err ? reject(err) : resolve())));
        pos += chunk.length;
        onBytes(pos);
      }
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      const closing = new Promise<void>((resolve, reject) => sftp.close(handle, (err) => (err ? reject(err) : resolve())));
      // After a refused write the close result adds nothing; the write's error is the story.
      if (failed) await closing.catch(() => undefined);
      else await closing;
    }
  }

  /**
   * Puts a refused upload in the operator's terms: which directory is missing or not writable.
   * The server only says "no such file" or "permission denied" about the `.part` name.
   */
  private async explainUploadRefusal(err: unknown, remoteDir: string, finalName: string): Promise<unknown> {
    const mapped = isAppError(err) ? err : mapRemoteError(err, 'upload', posix.join(remoteDir, finalName));
    if (mapped.code !== 'NOT_FOUND' && mapped.code !== 'PERMISSION_DENIED') return err;
    return new AppError(mapped.code, await this.explainRefusal(err, remoteDir, 'upload'), { ...(mapped.details as object), dir: remoteDir });
  }

  /** The operator's message for a write refused in `dir` (missing, not a directory, denied, full). */
  private async explainRefusal(err: unknown, dir: string, op: string): Promise<string> {
    const mapped = isAppError(err) ? err : mapRemoteError(err, op, dir);
    if (mapped.code === 'NOT_FOUND') {
      const s = this.connected ? await this.stat(dir).catch(() => undefined) : undefined;
      if (s === null) return `The directory ${dir} does not exist on the server. Check the client's directories in the connection profile, or ask the server administrator to create it.`;
      if (s && !s.isDirectory) return `${dir} exists on the server but is not a directory. Check the client's directories in the connection profile.`;
    }
    if (mapped.code === 'PERMISSION_DENIED') {
      return `The server does not let user "${this.target.username}" write into ${dir} (permission denied). Ask the server administrator for write rights on that directory, or check the client's directories in the connection profile.`;
    }
    if ((mapped.details as { likelyCause?: unknown } | undefined)?.likelyCause === 'disk-full') {
      return `The server refused to store data in ${dir} (it answered only "Failure"). The server may be out of disk space or over its quota: ask the server administrator to free space.`;
    }
    return mapped.message;
  }

  /** Wraps any transfer error into TRANSFER_FAILED, keeping TARGET_EXISTS and the transient flag. */
  private transferFailure(err: unknown, op: 'upload' | 'download', path: string, partRemoved?: boolean): AppError {
    if (isAppError(err) && (err.code === 'TARGET_EXISTS' || err.code === 'INVALID_INPUT')) return err;
    const mapped = isAppError(err) ? err : mapRemoteError(err, op, path);
    if (mapped.code === 'TRANSFER_FAILED') return new AppError('TRANSFER_FAILED', mapped.message, { ...(mapped.details as object), path, partRemoved });
    const transient = mapped.code === 'CONNECTION_FAILED' || mapped.code === 'TIMEOUT';
    const tail = op === 'upload' ? ' Nothing was published under the final name.' : ' No partial file was kept.';
    const likelyCause = (mapped.details as { likelyCause?: string } | undefined)?.likelyCause;
    return new AppError('TRANSFER_FAILED', `The ${op} of ${path} failed: ${mapped.message}${tail}`, { path, cause: mapped.code, transient, partRemoved, ...(likelyCause ? { likelyCause } : {}) });
  }
}

/**
 * Wraps a connected ssh2-sftp-client into an {@link SftpSession}.
 *
 * Kept apart from {@link openSftp} so connection setup (trust, auth) and file operations
 * (atomic upload, verified download) can be read on their own.
 */
export function createSession(parts: SessionParts): SftpSession {
  return new Session(parts);
}
