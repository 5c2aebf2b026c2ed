import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat as localStat } from 'node:fs/promises';
import { dirname, posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import type SftpClient from 'ssh2-sftp-client';
import type { CatalogText } from '../../../shared/contract/catalog-text';
import { AppError, isAppError } from '../../../shared/contract/result';
import type { ErrorMessageId, MessageValues } from '../../../shared/i18n/messages';
import { reasonValues } from './reason';
import { isTransientError, mapRemoteError } from './errors';
import { createProgressTracker } from './progress';
import { recheckLostRename, removePart, type RecoveryLinks } from './link-recovery';
import { FAST_TRANSFER, FAST_UPLOAD, PLAIN_CHUNK, readToFile, writeFileOverChannels, writeInRequests } from './transfer-modes';
import { stallWatch, withTimeout } from './timeout';
import { explainRefusal, explainUploadRefusal, transferFailure, type RefusalContext } from './transfer-failures';
import type {
  DownloadOptions,
  DownloadResult,
  RemoteEntry,
  RemoteStat,
  SftpClientInternals,
  SftpLogEvent,
  SftpSession,
  SftpTarget,
  UploadOptions,
  UploadResult,
  WriteCheck,
} from './types';

/** How long end() may take before the socket is simply destroyed (end() can hang after ECONNRESET). */
const END_TIMEOUT_MS = 3_000;

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

/** Seconds to two decimals, as transfer log lines show them. */
function round2(seconds: number): number {
  return Math.round(seconds * 100) / 100;
}

/** The English sentence and its catalog form of a write check's outcome. */
function checkText(error: AppError): { message: string; text: CatalogText };
function checkText(id: ErrorMessageId, values: MessageValues): { message: string; text: CatalogText };
function checkText(what: AppError | ErrorMessageId, values?: MessageValues): { message: string; text: CatalogText } {
  const error = typeof what === 'string' ? new AppError('REMOTE_ERROR', what, values) : what;
  return { message: error.message, text: { id: error.messageId ?? 'error.code.REMOTE_ERROR', values: error.messageId ? { ...(error.values ?? {}) } : { detail: error.message } } };
}

/** A log line carrying an error's sentence: its catalog key where it has one. */
function logText(error: AppError): Pick<SftpLogEvent, 'messageId' | 'values'> {
  return error.messageId ? { messageId: error.messageId, values: error.values } : { messageId: 'error.code.INTERNAL', values: { detail: error.message } };
}

/** A final file name must be a plain name: the server only looks inside its own directory. */
function assertPlainName(name: string): void {
  if (!name || name.includes('/') || name === '.' || name === '..') {
    throw new AppError('INVALID_INPUT', 'error.sftp.badName', { name }, { name });
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
        reject(new AppError('CONNECTION_FAILED', 'error.sftp.lost', { at: this.where, reason: why }, { cause: why, transient: true }));
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
      throw new AppError('CONNECTION_FAILED', 'error.sftp.closed', { at: this.where }, { op, path, transient: true });
    }
    try {
      return await withTimeout(Promise.race([work(), this.lost]), this.opTimeoutMs, { kind: 'op', op, path }, () => this.destroy());
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
      if (s) throw new AppError('CONFLICT', 'error.sftp.notADirectory', { path: current }, { path: current });
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

  async checkWritable(dir: string): Promise<WriteCheck> {
    const probe = posix.join(dir, `.loopdesk-write-test-${randomBytes(6).toString('hex')}.tmp`);
    const content = Buffer.from('loopdesk write test\n');
    const before = Date.now();
    let after: number;
    try {
      await this.run('write test', probe, () => writeInRequests(this.internals.sftp, content, probe));
      after = Date.now();
    } catch (err) {
      // A refused WRITE leaves the opened (empty) probe behind; it must not litter the directory.
      if (this.connected) await this.remove(probe).catch(() => undefined);
      return { ok: false, ...checkText(await explainRefusal(err, dir, 'write test', this.refusalContext())) };
    }
    // A server may accept the request yet keep fewer bytes; then the directory is not usable.
    const kept = await this.stat(probe).catch(() => null);
    if (kept && kept.size !== content.length) {
      await this.remove(probe).catch(() => undefined);
      return { ok: false, ...checkText('error.sftp.check.keptPart', { path: dir, kept: kept.size, size: content.length }) };
    }
    try {
      await this.remove(probe);
    } catch (err) {
      return { ok: false, ...checkText('error.sftp.check.notRemoved', { path: dir, probe, ...reasonValues(err) }) };
    }
    // The probe's time is the server's clock at its write, which `before` and `after` bracket here.
    return { ok: true, ...checkText('error.sftp.check.writable', { path: dir }), clock: kept ? { modifyTime: kept.modifyTime, before, after } : undefined };
  }

  async download(remotePath: string, localPath: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
    const remote = await this.stat(remotePath);
    if (!remote) throw new AppError('NOT_FOUND', 'error.sftp.remoteFileMissing', { path: remotePath }, { path: remotePath });
    if (!remote.isFile) throw new AppError('INVALID_INPUT', 'error.sftp.notAFile', { path: remotePath }, { path: remotePath });
    const part = `${localPath}.part`;
    const started = Date.now();
    const tracker = createProgressTracker(remote.size, opts.onProgress);
    try {
      await mkdir(dirname(localPath), { recursive: true });
      await this.transfer('download', remotePath, async (kick) => {
        if (this.target.options.transferMode === 'fast') {
          await this.client.fastGet(remotePath, part, { ...FAST_TRANSFER, step: (done) => (kick(), tracker.update(done)) });
        } else {
          await readToFile(this.internals.sftp, remotePath, part, (done) => (kick(), tracker.update(done)));
        }
      });
      const got = (await localStat(part)).size;
      if (got !== remote.size) {
        throw new AppError('TRANSFER_FAILED', 'error.sftp.downloadShort', { got, path: remotePath, expected: remote.size }, {
          expected: remote.size,
          got,
          transient: true,
        });
      }
      await rename(part, localPath);
    } catch (err) {
      await rm(part, { force: true }).catch(() => undefined);
      throw transferFailure(err, 'download', remotePath);
    }
    tracker.update(remote.size);
    const result = { localPath, bytes: remote.size, seconds: (Date.now() - started) / 1000 };
    this.log({ level: 'info', kind: 'sftp.download.done', messageId: 'sends.transfer.downloaded', values: { path: remotePath, bytes: remote.size, seconds: round2(result.seconds) } });
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
      throw new AppError('NOT_FOUND', 'error.sftp.localUnreadable', { path: localPath, reason: (err as Error).message }, { path: localPath });
    }
    const asked = performance.now();
    if (await this.stat(finalPath)) {
      throw new AppError('TARGET_EXISTS', 'error.sftp.targetExists', { path: finalPath }, { path: finalPath });
    }
    // One request's round trip: decides whether the channel window limits a fast upload.
    const roundTripMs = performance.now() - asked;

    const started = Date.now();
    const tracker = createProgressTracker(size, opts.onProgress);
    const finish = (confirmedLater: boolean): UploadResult => {
      tracker.update(size);
      const result = { remotePath: finalPath, bytes: size, seconds: (Date.now() - started) / 1000 };
      const values = { path: finalPath, bytes: size, seconds: round2(result.seconds) };
      this.log({ level: 'info', kind: 'sftp.upload.done', messageId: confirmedLater ? 'sends.transfer.uploadedConfirmed' : 'sends.transfer.uploaded', values });
      return result;
    };
    /** Set once the rename request may have reached the server: from then on "failed" does not mean "not published". */
    let renameSent = false;
    this.log({ level: 'info', kind: 'sftp.upload.start', messageId: 'sends.transfer.uploading', values: { local: localPath, part: partPath, bytes: size, mode } });
    try {
      await this.transfer('upload', partPath, async (kick) => {
        if (mode === 'fast' && roundTripMs >= FAST_UPLOAD.minRoundTripMs) {
          await this.writeOverChannels(localPath, partPath, (done) => (kick(), tracker.update(done)));
        } else if (mode === 'fast') {
          await this.client.fastPut(localPath, partPath, { ...FAST_TRANSFER, step: (done) => (kick(), tracker.update(done)) });
        } else {
          await writeInRequests(this.internals.sftp, createReadStream(localPath, { highWaterMark: PLAIN_CHUNK }), partPath, (done) => (kick(), tracker.update(done)));
        }
      }, finalName);
      const remote = await this.stat(partPath);
      if (!remote || remote.size !== size) {
        throw new AppError(
          'TRANSFER_FAILED',
          remote ? 'error.sftp.uploadShort' : 'error.sftp.uploadMissing',
          { got: remote?.size ?? 0, name: finalName, size, mode },
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
          throw new AppError('TARGET_EXISTS', 'error.sftp.appeared', { path: finalPath }, { path: finalPath });
        }
        throw err;
      }
    } catch (err) {
      // The link died around the rename: the server may have published the file and only the
      // confirmation got lost. Ask again rather than report a failure that is not one.
      if (renameSent && isTransientError(err) && (await recheckLostRename(this.recoveryLinks, { remoteDir, finalName, partPath, size }, err)) === 'published') {
        return finish(true);
      }
      const partRemoved = await removePart(this.recoveryLinks, partPath);
      const failure = transferFailure(await explainUploadRefusal(err, remoteDir, finalName, this.refusalContext()), 'upload', finalPath, partRemoved);
      this.log({ level: 'error', kind: 'sftp.upload.failed', ...logText(failure), details: JSON.stringify({ code: failure.code, partRemoved, cause: (err as Error)?.message }) });
      throw failure;
    }
    return finish(false);
  }

  async end(): Promise<void> {
    if (this.closed) {
      this.internals.client.destroy();
      return;
    }
    this.closed = true;
    await withTimeout(this.client.end(), END_TIMEOUT_MS, { kind: 'close' }).catch(() => undefined);
    this.internals.client.destroy();
  }

  /**
   * A fast upload: the session's SFTP channel plus extra ones opened on the same connection for
   * this upload (see {@link FAST_UPLOAD}). A server that refuses more channels (sshd's
   * MaxSessions) gets the upload over the one channel it has.
   */
  private async writeOverChannels(localPath: string, partPath: string, onBytes: (done: number) => void): Promise<void> {
    const main = this.internals.sftp;
    const extra: SFTPWrapper[] = [];
    try {
      if (main) {
        for (let i = 1; i < FAST_UPLOAD.channels; i++) {
          const channel = await new Promise<SFTPWrapper | undefined>((resolve) => this.internals.client.sftp((err, sftp) => resolve(err ? undefined : sftp)));
          if (!channel) break;
          extra.push(channel);
        }
      }
      await writeFileOverChannels(main ? [main, ...extra] : [], localPath, partPath, { chunkSize: FAST_UPLOAD.chunkSize, concurrency: FAST_UPLOAD.concurrencyPerChannel }, onBytes);
    } finally {
      for (const channel of extra) channel.end();
    }
  }

  /** Runs a transfer that fails when the link drops or no byte moves for one operation timeout. */
  private async transfer(op: 'upload' | 'download', path: string, work: (kick: () => void) => Promise<unknown>, shown = path): Promise<void> {
    if (this.closed) throw new AppError('CONNECTION_FAILED', 'error.sftp.closed', { at: this.where }, { path, transient: true });
    let stalled: (e: AppError) => void = () => undefined;
    const stall = new Promise<never>((_, reject) => (stalled = reject));
    const watch = stallWatch(this.opTimeoutMs, () => {
      this.destroy();
      stalled(new AppError('TIMEOUT', 'error.sftp.stalled', { op, path: shown, seconds: this.opTimeoutMs / 1000 }, { path, transient: true }));
    });
    try {
      await Promise.race([work(watch.kick), this.lost, stall]);
    } finally {
      watch.stop();
    }
  }

  /** This link while it is up, a fresh one otherwise: for clean-ups and checks after a failure. */
  private readonly recoveryLinks: RecoveryLinks = {
    current: () => (this.closed ? undefined : this),
    reconnect: () => this.reconnect(),
    log: (e) => this.log(e),
  };

  /** The server's view for explaining a refused write: asked only while this link is up. */
  private refusalContext(): RefusalContext {
    return { stat: this.connected ? (path) => this.stat(path) : undefined, username: this.target.username };
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
