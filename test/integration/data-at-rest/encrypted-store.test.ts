import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS } from '../../../main/app/app-migrations';
import { Database, type DatabaseOptions } from '../../../main/services/store/database';
import { tempDir } from '../../helpers/temp-dir';
import { bytesHave, dataFileBytes, marker } from './raw-bytes';

/**
 * DuckDB writes encrypted files only with the OpenSSL crypto module of its httpfs
 * extension, which cannot be fetched on this machine (extensions come from DuckDB's own
 * server). These tests therefore use `insecureTestCrypto`: the same file format, ATTACH
 * path, key handling and errors, with DuckDB's built-in mbedTLS writer (weaker nonces).
 * The production refusal without httpfs is tested separately below.
 */
const TEST_CRYPTO: DatabaseOptions = { insecureTestCrypto: true };

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

function dataDir(): string {
  const d = tempDir('loopdesk-rest-');
  dirs.push(d);
  return d.path;
}

async function writeMarkers(db: Database, markers: string[]): Promise<void> {
  for (const m of markers) {
    await db.run("INSERT INTO activity (occurred_at, level, kind, profile, message, details) VALUES (now(), 'info', 'test', 'p', $1, $2)", [`sent to ${m}`, m]);
    await db.run("INSERT INTO suppression VALUES ($1, 'bounce', 'test', now())", [m]);
    await db.run("INSERT INTO clicks VALUES (1, 2, 3, 4, $1, TIMESTAMP '2030-01-01 10:00:00', 'b', 'p', 'd', 1)", [m]);
  }
}

async function suppressed(db: Database): Promise<string[]> {
  return (await db.all<{ email: string }>('SELECT email FROM suppression ORDER BY email')).map((r) => r.email);
}

describe('DuckDB data file at rest', () => {
  it('without a key stays a plain file, as today (and the byte search finds plaintext)', async () => {
    const path = join(dataDir(), 'loopdesk.duckdb');
    const markers = [marker('plain'), marker('plain')];
    const db = await Database.open(path, ALL_MIGRATIONS);
    expect(db.encrypted).toBe(false);
    await writeMarkers(db, markers);
    await db.close();
    const bytes = dataFileBytes(path);
    for (const m of markers) expect(bytesHave(bytes, m), m).toBe(true);
    const again = await Database.open(path, ALL_MIGRATIONS);
    expect(await suppressed(again)).toEqual([...markers].sort());
    await again.close();
  });

  it('with a key holds no plaintext, reopens with the key, and refuses clearly without it or with another', async () => {
    const path = join(dataDir(), 'loopdesk.duckdb');
    const key = randomBytes(32);
    const markers = [marker('enc'), marker('enc'), marker('enc')];
    const t0 = Date.now();
    const db = await Database.open(path, ALL_MIGRATIONS, { ...TEST_CRYPTO, encryptionKey: key });
    const openMs = Date.now() - t0;
    expect(db.encrypted).toBe(true);
    await writeMarkers(db, markers);
    // A second connection (exports) sees the same data.
    const viaReader = await db.onReader(async (c) => (await c.runAndReadAll('SELECT count(*)::INTEGER AS n FROM suppression')).getRowObjectsJS()[0]?.n);
    expect(viaReader).toBe(3);
    // Checked while open too: the WAL must not carry plaintext either.
    let bytes = dataFileBytes(path);
    for (const m of markers) expect(bytesHave(bytes, m), `open: ${m}`).toBe(false);
    await db.close();
    bytes = dataFileBytes(path);
    expect(bytes.length).toBeGreaterThan(0);
    for (const m of markers) expect(bytesHave(bytes, m), m).toBe(false);
    expect(bytesHave(bytes, 'marker.example')).toBe(false);

    const again = await Database.open(path, ALL_MIGRATIONS, { ...TEST_CRYPTO, encryptionKey: key });
    expect(await suppressed(again)).toEqual([...markers].sort());
    await again.close();

    await expect(Database.open(path, ALL_MIGRATIONS)).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE', message: expect.stringContaining('no data key') });
    await expect(Database.open(path, ALL_MIGRATIONS, { ...TEST_CRYPTO, encryptionKey: randomBytes(32) })).rejects.toMatchObject({
      code: 'SECRET_UNAVAILABLE',
      message: expect.stringContaining('different data key'),
    });
    // Still intact after the refused attempts.
    const third = await Database.open(path, ALL_MIGRATIONS, { ...TEST_CRYPTO, encryptionKey: key });
    expect((await suppressed(third)).length).toBe(3);
    await third.close();
    console.info(`[data-at-rest] encrypted open+migrate ${openMs} ms`);
  });

  it('converts an existing plain file to encrypted once, keeping every row and sequence', async () => {
    const path = join(dataDir(), 'loopdesk.duckdb');
    const markers = [marker('conv'), marker('conv')];
    const plain = await Database.open(path, ALL_MIGRATIONS);
    await writeMarkers(plain, markers);
    await plain.close();
    expect(bytesHave(dataFileBytes(path), markers[0])).toBe(true);

    const key = randomBytes(32);
    const t0 = Date.now();
    const db = await Database.open(path, ALL_MIGRATIONS, { ...TEST_CRYPTO, encryptionKey: key });
    const convertMs = Date.now() - t0;
    expect(await suppressed(db)).toEqual([...markers].sort());
    // The activity sequence continued: a new row gets a fresh id, no primary-key clash.
    await db.run("INSERT INTO activity (occurred_at, level, kind, message) VALUES (now(), 'info', 'test', 'after conversion')");
    const ids = (await db.all<{ id: bigint }>('SELECT id FROM activity ORDER BY id')).map((r) => Number(r.id));
    expect(ids).toEqual([1, 2, 3]);
    await db.close();
    expect(existsSync(`${path}.encrypting`)).toBe(false);
    const bytes = dataFileBytes(path);
    for (const m of markers) expect(bytesHave(bytes, m), m).toBe(false);
    await expect(Database.open(path, ALL_MIGRATIONS)).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE' });
    console.info(`[data-at-rest] plain→encrypted conversion ${convertMs} ms`);
  });

  it('without a secure crypto module refuses to encrypt and leaves the plain file alone', async () => {
    const path = join(dataDir(), 'loopdesk.duckdb');
    const m = marker('keep');
    const plain = await Database.open(path, ALL_MIGRATIONS);
    await writeMarkers(plain, [m]);
    await plain.close();
    const before = readFileSync(path);
    await expect(Database.open(path, ALL_MIGRATIONS, { encryptionKey: randomBytes(32), cryptoExtension: join(dataDir(), 'missing-httpfs.duckdb_extension') })).rejects.toMatchObject({
      code: 'NOT_IMPLEMENTED',
      message: expect.stringContaining('httpfs'),
    });
    expect(readFileSync(path).equals(before)).toBe(true);
    const db = await Database.open(path, ALL_MIGRATIONS);
    expect(await suppressed(db)).toEqual([m]);
    await db.close();
  });
});
