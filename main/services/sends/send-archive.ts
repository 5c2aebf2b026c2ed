import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/**
 * Keeps a compressed copy of every file a send uploads, so the send can be audited or
 * resent after the working copy is gone. Each copy is written under a temporary name
 * and renamed, so the archive never holds half a file.
 */
export async function archiveFiles(workDir: string, archiveDir: string): Promise<string[]> {
  await mkdir(archiveDir, { recursive: true });
  const archived: string[] = [];
  for (const name of await readdir(workDir)) {
    const target = join(archiveDir, `${name}.gz`);
    await pipeline(createReadStream(join(workDir, name)), createGzip({ level: 6 }), createWriteStream(`${target}.tmp`));
    await rename(`${target}.tmp`, target);
    archived.push(target);
  }
  return archived;
}
