import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A unique marker that cannot occur by chance in random (encrypted) bytes. */
export function marker(label: string): string {
  return `${label}-${randomBytes(8).toString('hex')}@marker.example`;
}

/** Whether a marker occurs in raw bytes as UTF-8 or UTF-16LE (how it would leak). */
export function bytesHave(bytes: Buffer, text: string): boolean {
  return bytes.includes(Buffer.from(text, 'utf8')) || bytes.includes(Buffer.from(text, 'utf16le'));
}

/** All bytes of a file, or of every file below a folder, concatenated (empty when absent). */
export function rawBytes(path: string): Buffer {
  if (!existsSync(path)) return Buffer.alloc(0);
  if (statSync(path).isFile()) return readFileSync(path);
  return Buffer.concat(readdirSync(path, { recursive: true, encoding: 'utf8' }).map((p) => join(path, p)).filter((p) => statSync(p).isFile()).map((p) => readFileSync(p)));
}

/** The data file plus its WAL and temp folder: everything DuckDB keeps next to it. */
export function dataFileBytes(dbPath: string): Buffer {
  return Buffer.concat([rawBytes(dbPath), rawBytes(`${dbPath}.wal`), rawBytes(`${dbPath}.tmp`)]);
}
