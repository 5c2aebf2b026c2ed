import { createCipheriv, createDecipheriv, randomBytes, type CipherGCM, type DecipherGCM } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, pipeline as pipelineCb, Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { AppError } from '../../../shared/contract/result';
import { deriveKey } from '../store/data-key';

/**
 * Encrypted archive layout (version 1): `LDAR` · version byte · 12-byte IV · AES-256-GCM
 * ciphertext of the gzip stream · 16-byte auth tag. The 17-byte header is the GCM
 * additional data, so magic, version and IV cannot be swapped unnoticed. The cipher key is
 * derived from the data key (HKDF, "loopdesk archive v1"); every file has its own random IV.
 */
const MAGIC = Buffer.from('LDAR', 'ascii');
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + 1 + IV_BYTES;
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/**
 * Keeps a compressed copy of every file a send uploads, so the send can be audited or
 * resent after the working copy is gone. Each copy is written under a temporary name
 * and renamed, so the archive never holds half a file. With a data key the copy is also
 * encrypted (see the layout above); without one it is plain gzip, as before.
 */
export async function archiveFiles(workDir: string, archiveDir: string, dataKey?: Buffer): Promise<string[]> {
  await mkdir(archiveDir, { recursive: true });
  const archived: string[] = [];
  for (const name of await readdir(workDir)) {
    const target = join(archiveDir, `${name}.gz`);
    const stages: NodeJS.ReadWriteStream[] = [createGzip({ level: 6 })];
    if (dataKey) stages.push(encryptStream(dataKey));
    await pipeline([createReadStream(join(workDir, name)), ...stages, createWriteStream(`${target}.tmp`)]);
    await rename(`${target}.tmp`, target);
    archived.push(target);
  }
  return archived;
}

/**
 * Opens an archived file for reading and returns its original (decompressed, decrypted)
 * bytes. Plain gzip and encrypted archives are told apart by their first bytes, so archives
 * written before encryption was turned on stay readable. A wrong key, a missing key or a
 * tampered file makes the stream emit an error (AppError for the operator-facing cases).
 * GCM authenticates only at the end: consumers must treat data as valid only once the
 * stream ended without error (softBounceDraft does: it rejects on 'error').
 */
export function openArchived(path: string, dataKey?: Buffer): Readable {
  const decoder = decodeStream(path, dataKey);
  const gunzip = createGunzip();
  const out = new PassThrough();
  gunzip.pipe(out);
  pipelineCb(createReadStream(path), decoder, gunzip, (err) => {
    // Garbage from a wrong key reaches gunzip before the tag is checked; name the real cause.
    if (err) out.destroy(err instanceof AppError || !decoder.encrypted ? err : tampered(path));
  });
  return out;
}

/** Whether bytes start like an encrypted archive (used by tests and the retention check). */
export function isEncryptedArchive(head: Buffer): boolean {
  return head.length >= MAGIC.length && head.subarray(0, MAGIC.length).equals(MAGIC);
}

function encryptStream(dataKey: Buffer): Transform {
  const iv = randomBytes(IV_BYTES);
  const header = Buffer.concat([MAGIC, Buffer.from([VERSION]), iv]);
  const cipher: CipherGCM = createCipheriv('aes-256-gcm', deriveKey(dataKey, 'archive v1'), iv);
  cipher.setAAD(header);
  let started = false;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      if (!started) {
        started = true;
        this.push(header);
      }
      done(null, cipher.update(chunk));
    },
    flush(done: TransformCallback) {
      if (!started) this.push(header);
      const last = cipher.final();
      if (last.length) this.push(last);
      done(null, cipher.getAuthTag());
    },
  });
}

/** Reads the header, then either passes plain gzip through or decrypts, holding back the tag. */
function decodeStream(path: string, dataKey: Buffer | undefined): Transform & { readonly encrypted: boolean } {
  let head = Buffer.alloc(0);
  let mode: 'header' | 'plain' | 'encrypted' = 'header';
  let decipher: DecipherGCM | undefined;
  let tail = Buffer.alloc(0);

  const decrypt = (t: Transform, chunk: Buffer) => {
    const all = tail.length ? Buffer.concat([tail, chunk]) : chunk;
    const keep = Math.min(TAG_BYTES, all.length);
    tail = Buffer.from(all.subarray(all.length - keep));
    const body = all.subarray(0, all.length - keep);
    if (body.length) t.push(decipher!.update(body));
  };

  const stream = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      try {
        if (mode === 'plain') return done(null, chunk);
        if (mode === 'encrypted') {
          decrypt(this, chunk);
          return done();
        }
        head = Buffer.concat([head, chunk]);
        if (head.length < GZIP_MAGIC.length) return done();
        if (head.subarray(0, 2).equals(GZIP_MAGIC)) {
          mode = 'plain';
          const all = head;
          head = Buffer.alloc(0);
          return done(null, all);
        }
        if (head.length < HEADER_BYTES) {
          if (!MAGIC.subarray(0, Math.min(head.length, MAGIC.length)).equals(head.subarray(0, Math.min(head.length, MAGIC.length)))) throw notAnArchive(path);
          return done();
        }
        decipher = openDecipher(path, head.subarray(0, HEADER_BYTES), dataKey);
        mode = 'encrypted';
        const rest = head.subarray(HEADER_BYTES);
        head = Buffer.alloc(0);
        if (rest.length) decrypt(this, rest);
        done();
      } catch (e) {
        done(e as Error);
      }
    },
    flush(done: TransformCallback) {
      try {
        if (mode === 'header') {
          if (head.length === 0) return done();
          throw notAnArchive(path);
        }
        if (mode === 'plain') return done();
        if (tail.length < TAG_BYTES) throw tampered(path);
        decipher!.setAuthTag(tail);
        const last = decipher!.final();
        done(null, last.length ? last : undefined);
      } catch (e) {
        done(e instanceof AppError ? e : tampered(path));
      }
    },
  });
  return Object.defineProperty(stream, 'encrypted', { get: () => mode === 'encrypted' }) as Transform & { readonly encrypted: boolean };
}

function openDecipher(path: string, header: Buffer, dataKey: Buffer | undefined): DecipherGCM {
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw notAnArchive(path);
  const version = header[MAGIC.length];
  if (version !== VERSION) {
    throw new AppError('UNSUPPORTED_FILE', 'error.sends.archiveFormat', { path, version }, { path, version });
  }
  if (!dataKey) {
    throw new AppError('SECRET_UNAVAILABLE', 'error.sends.archiveNoKey', { path }, { path });
  }
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(dataKey, 'archive v1'), header.subarray(MAGIC.length + 1, HEADER_BYTES));
  decipher.setAAD(header);
  return decipher;
}

function notAnArchive(path: string): AppError {
  return new AppError('UNSUPPORTED_FILE', 'error.sends.notAnArchive', { path }, { path });
}

function tampered(path: string): AppError {
  return new AppError('SECRET_UNAVAILABLE', 'error.sends.archiveTampered', { path }, { path });
}
