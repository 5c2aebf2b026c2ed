import { createWriteStream } from 'node:fs';
import { open as openLocal } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SFTPWrapper } from 'ssh2';
import { AppError } from '../../../shared/contract/result';

// The profile's two transfer modes. "fast": many requests in flight (our own pipelined WRITEs
// over two channels for uploads, ssh2's fastGet for downloads).
// "plain": one request at a time on the SFTP channel itself, for servers where fast mode
// corrupts data.

/**
 * fastGet / fastPut request size and parallelism (uploads over a far link: {@link FAST_UPLOAD}).
 * ssh2's default (32 KiB x 64) moved 200 MB to OpenSSH on loopback at ~240 MB/s; 128 KiB x 32 at
 * ~450 MB/s. 255 KiB is the largest READ/WRITE OpenSSH's sftp-server accepts (its
 * limits@openssh.com answer, 261120 bytes, which ssh2 honours), so one request is one server call
 * and a 200 MB file takes half the requests of 128 KiB. Measured 2026-12-06 on the shared 2-core
 * machine (load 10-27, so noisy), 200 MB on loopback: server CPU per download 0.20 s vs 0.27 s at
 * 128 KiB, per upload 0.39 vs 0.42 s. `npm run bench sftp`, two sessions of 3 runs each, ratio
 * to OpenSSH `sftp`: upload 0.81/0.97/0.77 and 1.13/1.00/0.90 (128 KiB: 0.73/0.95/0.75 and
 * 1.15/1.20/1.20), download 0.89/0.97/1.00 and 1.44/1.33/0.97 (128 KiB: 0.81/1.02/1.20 and
 * 1.20/1.10/0.74): no difference the bench can resolve at that load. Paired raw fastPut/fastGet
 * runs favoured 255 KiB: upload 1.09/1.16/1.13x (128 KiB 0.59/0.97/0.77x), download
 * 1.21/1.31/1.62/1.84x (128 KiB 1.08/0.60/1.11/0.74x). Servers without that extension get
 * requests clamped (and split) by ssh2 to ~32 KiB, as before.
 */
export const FAST_TRANSFER = { chunkSize: 255 * 1024, concurrency: 32 } as const;

/**
 * Fast uploads: SFTP channels on the one SSH connection, each writing its share of the file.
 *
 * OpenSSH's sshd grants each channel a 2 MiB window; over a real link (40 ms round trip)
 * one channel cannot have more than that unacknowledged, which capped 200 MB uploads at
 * ~22-28 MB/s for fastPut and OpenSSH's own `sftp` alike, whatever the request size or count.
 * A second channel has a window of its own: 2 channels measured 1.16-1.29x OpenSSH `sftp` with
 * 20 ms added each way (3 channels: no clear further gain, the Node process is then CPU-bound).
 * On a short round trip the window is no limit and fastPut over one channel was faster
 * (loopback: our writer 0.76x fastPut), so the extra channel is used only from
 * `minRoundTripMs` (one SFTP request's round trip, timed on the upload's existence check).
 */
export const FAST_UPLOAD = { channels: 2, chunkSize: 64 * 1024, concurrencyPerChannel: 32, minRoundTripMs: 20 } as const;

/** Read size for plain uploads: one WRITE request (split by ssh2 to the server's limit) per chunk. */
export const PLAIN_CHUNK = 128 * 1024;

/**
 * Writes a buffer or stream to `remotePath` one request at a time; the first refused WRITE fails it.
 *
 * ssh2's WriteStream (behind ssh2-sftp-client's put()) destroys itself before it reports a
 * failed WRITE, so Node drops the error and put() resolves on a short file: a full disk
 * then looked like garbled data. Here every refusal reaches the caller with its SFTP code.
 */
export async function writeInRequests(sftp: SFTPWrapper | undefined, source: Buffer | AsyncIterable<Buffer>, remotePath: string, onBytes: (done: number) => void = () => undefined): Promise<void> {
  if (!sftp) throw new AppError('CONNECTION_FAILED', 'error.sftp.channelClosed', {}, { transient: true });
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

function openRemote(sftp: SFTPWrapper, path: string, flags: 'w' | 'r+'): Promise<Buffer> {
  return new Promise((resolve, reject) => sftp.open(path, flags, (err, h) => (err ? reject(err) : resolve(h))));
}

function closeRemote(sftp: SFTPWrapper, handle: Buffer): Promise<void> {
  return new Promise((resolve, reject) => sftp.close(handle, (err) => (err ? reject(err) : resolve())));
}

function writeAt(sftp: SFTPWrapper, handle: Buffer, data: Buffer, at: number): Promise<void> {
  return new Promise((resolve, reject) => sftp.write(handle, data, 0, data.length, at, (err) => (err ? reject(err) : resolve())));
}

/**
 * Uploads the local file to `remotePath` through one or more SFTP channels of one connection,
 * `concurrency` WRITE requests in flight on each; the channels take the next chunk in turn,
 * so a faster channel simply writes more. The first channel creates (truncates) the file, the
 * others open it for writing only after that. The first refused WRITE or lost link fails the
 * whole upload (with that request's error) once the requests in flight have settled; the
 * caller checks the size and renames, as with fastPut.
 */
export async function writeFileOverChannels(
  channels: readonly SFTPWrapper[],
  localPath: string,
  remotePath: string,
  opts: { chunkSize: number; concurrency: number },
  onBytes: (done: number) => void,
): Promise<void> {
  if (channels.length === 0) throw new AppError('CONNECTION_FAILED', 'error.sftp.channelClosed', {}, { transient: true });
  const file = await openLocal(localPath, 'r');
  const opened: { sftp: SFTPWrapper; handle: Buffer }[] = [];
  let failure: { error: unknown } | undefined;
  try {
    const size = (await file.stat()).size;
    opened.push({ sftp: channels[0], handle: await openRemote(channels[0], remotePath, 'w') });
    for (const sftp of channels.slice(1)) opened.push({ sftp, handle: await openRemote(sftp, remotePath, 'r+') });
    let next = 0;
    let done = 0;
    const writer = async ({ sftp, handle }: { sftp: SFTPWrapper; handle: Buffer }): Promise<void> => {
      while (!failure && next < size) {
        const at = next;
        const want = Math.min(opts.chunkSize, size - at);
        next += want;
        const chunk = Buffer.allocUnsafe(want);
        const { bytesRead } = await file.read(chunk, 0, want, at);
        // A file that shrank meanwhile: write what is there; the size check then refuses the upload.
        if (bytesRead === 0) return;
        await writeAt(sftp, handle, bytesRead === want ? chunk : chunk.subarray(0, bytesRead), at);
        done += bytesRead;
        onBytes(done);
      }
    };
    await Promise.all(
      opened.flatMap((o) =>
        Array.from({ length: opts.concurrency }, () =>
          writer(o).catch((error: unknown) => {
            failure ??= { error };
          }),
        ),
      ),
    );
    if (failure) throw failure.error;
  } catch (err) {
    failure ??= { error: err };
    throw err;
  } finally {
    // The local file first: on a dead link the remote closes below may never be answered.
    await file.close();
    const closing = Promise.all(opened.map(({ sftp, handle }) => closeRemote(sftp, handle)));
    // After a refused write the close result adds nothing; the write's error is the story.
    if (failure) await closing.catch(() => undefined);
    else await closing;
  }
}

/** Streams `remotePath` into the local file `localPath`, reporting the bytes received so far. */
export async function readToFile(sftp: SFTPWrapper | undefined, remotePath: string, localPath: string, onBytes: (done: number) => void): Promise<void> {
  if (!sftp) throw new AppError('CONNECTION_FAILED', 'error.sftp.channelClosed', {}, { transient: true });
  let done = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      done += chunk.length;
      onBytes(done);
      cb(null, chunk);
    },
  });
  await pipeline(sftp.createReadStream(remotePath), counter, createWriteStream(localPath));
}
