import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync, createInflateRaw } from 'node:zlib';
import Papa from 'papaparse';
import { afterAll, beforeAll } from 'vitest';
import { Database } from '../../../main/services/store/database';
import { MIGRATIONS } from '../../../main/services/store/migrations';
import { RESPONSES_MIGRATIONS } from '../../../main/services/responses/responses-migrations';
import { ingestFile } from '../../../main/services/responses/ingest';
import { RESPONSE_KIND_NAMES, type ResponseKindName } from '../../../main/services/responses/response-kinds';
import { tempDir } from '../../helpers/temp-dir';

/** The hand-written fixture folder. */
export const FIXTURES = join(import.meta.dirname, '../../fixtures/responses');

/** Path of one fixture file. */
export function fixture(kind: ResponseKindName): string {
  return join(FIXTURES, `20210101_${kind}.csv`);
}

/** A data file with core + responses migrations. */
export function openDb(path: string): Promise<Database> {
  return Database.open(path, [...MIGRATIONS, ...RESPONSES_MIGRATIONS]);
}

/**
 * A fresh data file in a temp folder (`prefix`) with every fixture ingested, opened before the
 * calling file's tests and closed after them; the fields are there once the tests run.
 */
export function useFixtureDb(prefix: string): { readonly db: Database; readonly dir: string } {
  let dir: ReturnType<typeof tempDir> | undefined;
  let db: Database | undefined;
  beforeAll(async () => {
    dir = tempDir(prefix);
    db = await openDb(join(dir.path, 'data.duckdb'));
    await ingestFixtures(db);
  });
  afterAll(async () => {
    await db?.close();
    dir?.cleanup();
  });
  const open = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useFixtureDb: the data file is open only while the tests run');
    return value;
  };
  return {
    get db() {
      return open(db);
    },
    get dir() {
      return open(dir).path;
    },
  };
}

/** Ingests every fixture file. */
export async function ingestFixtures(db: Database): Promise<void> {
  for (const kind of RESPONSE_KIND_NAMES) {
    await ingestFile(db, ingestArgs(kind, fixture(kind)));
  }
}

/** Ingest arguments for a local file. */
export function ingestArgs(kind: ResponseKindName, localPath: string, remoteName = `20210101_${kind}.csv`) {
  return { profile: 'p1', client: 'c1', kind, localPath, remoteName, size: readFileSync(localPath).length, mtime: new Date('2021-01-02T06:00:00Z') };
}

/** A fixture file parsed independently of the code under test (papaparse, by header). */
export function rawRows(kind: ResponseKindName): Record<string, string>[] {
  const parsed = Papa.parse<Record<string, string>>(readFileSync(fixture(kind), 'utf8'), { header: true, delimiter: ';', quoteChar: '"', skipEmptyLines: true });
  if (parsed.errors.length > 0) throw new Error(`fixture ${kind}: ${JSON.stringify(parsed.errors)}`);
  return parsed.data;
}

interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly dataOffset: number;
}

/**
 * A minimal zip reader (central directory + raw deflate), so exported workbooks are read
 * back by something other than ExcelJS.
 */
export class ZipFile {
  readonly entries: ZipEntry[] = [];

  constructor(private readonly buf: Buffer) {
    let eocd = buf.length - 22;
    while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
    if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
    const count = buf.readUInt16LE(eocd + 10);
    let p = buf.readUInt32LE(eocd + 16);
    for (let i = 0; i < count; i++) {
      if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry');
      const method = buf.readUInt16LE(p + 10);
      const compressedSize = buf.readUInt32LE(p + 20);
      const nameLen = buf.readUInt16LE(p + 28);
      const extraLen = buf.readUInt16LE(p + 30);
      const commentLen = buf.readUInt16LE(p + 32);
      const localOffset = buf.readUInt32LE(p + 42);
      const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
      const localNameLen = buf.readUInt16LE(localOffset + 26);
      const localExtraLen = buf.readUInt16LE(localOffset + 28);
      this.entries.push({ name, method, compressedSize, dataOffset: localOffset + 30 + localNameLen + localExtraLen });
      p += 46 + nameLen + extraLen + commentLen;
    }
  }

  static open(path: string): ZipFile {
    return new ZipFile(readFileSync(path));
  }

  names(): string[] {
    return this.entries.map((e) => e.name);
  }

  private entry(name: string): ZipEntry {
    const e = this.entries.find((x) => x.name === name);
    if (!e) throw new Error(`no ${name} in zip; have ${this.names().join(', ')}`);
    return e;
  }

  /** The whole entry as text (small entries). */
  text(name: string): string {
    const e = this.entry(name);
    const data = this.buf.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
    return (e.method === 0 ? data : inflateRawSync(data)).toString('utf8');
  }

  /** Streams a large entry's text through `onText` chunk by chunk (with overlap for matching). */
  async scan(name: string, onText: (chunk: string) => void): Promise<void> {
    const e = this.entry(name);
    const data = this.buf.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
    const inflate = createInflateRaw();
    const done = new Promise<void>((resolve, reject) => {
      inflate.on('data', (c: Buffer) => onText(c.toString('latin1')));
      inflate.on('end', resolve);
      inflate.on('error', reject);
    });
    inflate.end(data);
    await done;
  }
}

/** Counts occurrences of `needle` in a stream of chunks (handles matches across chunk edges). */
export function counter(needle: string): { feed(chunk: string): void; readonly count: number } {
  let tail = '';
  let count = 0;
  return {
    feed(chunk: string) {
      const s = tail + chunk;
      let i = s.indexOf(needle);
      while (i !== -1) {
        count++;
        i = s.indexOf(needle, i + needle.length);
      }
      tail = s.slice(Math.max(0, s.length - needle.length + 1));
      // A match fully inside the kept tail was already counted; tail is shorter than the needle.
    },
    get count() {
      return count;
    },
  };
}
