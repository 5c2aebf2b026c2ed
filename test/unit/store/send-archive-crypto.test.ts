import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/contract/result';
import { archiveFiles, isEncryptedArchive, openArchived } from '../../../main/services/sends/send-archive';
import { tempDir } from '../../helpers/temp-dir';

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A work dir with one CSV whose e-mail addresses are unique markers, big enough for several chunks. */
function workDirWithCsv(): { dir: string; root: string; markers: string[]; csv: string } {
  const d = tempDir();
  dirs.push(d);
  const work = join(d.path, 'work');
  mkdirSync(work);
  const markers = Array.from({ length: 3 }, () => `arch-${randomBytes(6).toString('hex')}@example.com`);
  // Incompressible filler makes the stream span many 64 KiB chunks (exercises the held-back tag).
  const filler = Array.from({ length: 4000 }, (_, i) => `row${i};${randomBytes(24).toString('hex')}@filler.test;Name ${i}`);
  const csv = ['email;name', `${markers[0]};First`, ...filler, `${markers[1]};Second`, `${markers[2]};Ünïcødé`].join('\n');
  writeFileSync(join(work, 'subscribers.csv'), csv);
  return { dir: work, root: d.path, markers, csv };
}

function rawHas(bytes: Buffer, marker: string): boolean {
  return bytes.includes(Buffer.from(marker, 'utf8')) || bytes.includes(Buffer.from(marker, 'utf16le'));
}

describe('send archive at rest', () => {
  it('without a key writes plain gzip, as before, and reads it back', async () => {
    const w = workDirWithCsv();
    const [file] = await archiveFiles(w.dir, join(w.root, 'archive', 's1'));
    const raw = readFileSync(file);
    expect(raw.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(isEncryptedArchive(raw)).toBe(false);
    expect(await readAll(openArchived(file))).toBe(w.csv);
    // Reading a plain archive with a key works too (archives from before encryption was on).
    expect(await readAll(openArchived(file, randomBytes(32)))).toBe(w.csv);
  });

  it('with a key the file holds no plaintext and reads back only with that key', async () => {
    const w = workDirWithCsv();
    const key = randomBytes(32);
    const archiveDir = join(w.root, 'archive', 's2');
    const [file] = await archiveFiles(w.dir, archiveDir, key);
    expect(readdirSync(archiveDir)).toEqual(['subscribers.csv.gz']);
    const raw = readFileSync(file);
    expect(isEncryptedArchive(raw)).toBe(true);
    for (const m of w.markers) expect(rawHas(raw, m), m).toBe(false);
    expect(rawHas(raw, 'filler.test')).toBe(false);
    expect(await readAll(openArchived(file, key))).toBe(w.csv);

    const noKey = readAll(openArchived(file));
    await expect(noKey).rejects.toBeInstanceOf(AppError);
    await expect(noKey).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE', message: expect.stringContaining('no data key') });

    const wrongKey = readAll(openArchived(file, randomBytes(32)));
    await expect(wrongKey).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE', message: expect.stringContaining('could not be decrypted') });
  });

  it('detects a flipped byte and a cut-short file', async () => {
    const w = workDirWithCsv();
    const key = randomBytes(32);
    const [file] = await archiveFiles(w.dir, join(w.root, 'archive', 's3'), key);
    const raw = readFileSync(file);

    const flipped = Buffer.from(raw);
    flipped[flipped.length - 40] ^= 0x01;
    writeFileSync(file, flipped);
    await expect(readAll(openArchived(file, key))).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE' });

    writeFileSync(file, raw.subarray(0, raw.length - 100));
    await expect(readAll(openArchived(file, key))).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE' });

    const header = Buffer.from(raw);
    header[4] = 9; // unknown format version
    writeFileSync(file, header);
    await expect(readAll(openArchived(file, key))).rejects.toMatchObject({ code: 'UNSUPPORTED_FILE' });

    writeFileSync(file, 'not an archive at all');
    await expect(readAll(openArchived(file, key))).rejects.toMatchObject({ code: 'UNSUPPORTED_FILE' });
  });

  it('encrypts an empty file too (header and tag only)', async () => {
    const d = tempDir();
    dirs.push(d);
    mkdirSync(join(d.path, 'work'));
    writeFileSync(join(d.path, 'work', 'empty.csv'), '');
    const key = randomBytes(32);
    const [file] = await archiveFiles(join(d.path, 'work'), join(d.path, 'archive'), key);
    expect(await readAll(openArchived(file, key))).toBe('');
  });
});
