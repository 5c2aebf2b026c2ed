import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { rename, rm } from 'node:fs/promises';
import { AppError } from '../../../shared/contract/result';

// Opening the DuckDB data file, plain or encrypted (converting a plain file once), and the
// small SQL helpers that needs. The Database class runs statements on what this opens.

/** Environment variable naming DuckDB's httpfs extension file, for hosts that ship it. */
export const CRYPTO_EXTENSION_ENV = 'LOOPDESK_DUCKDB_CRYPTO_EXTENSION';

/** How {@link Database.open} opens the file. */
export interface DatabaseOptions {
  /**
   * The data key (32 bytes, see data-key.ts). Given, the file is encrypted by DuckDB
   * (AES-256-GCM per block, WAL and temp files too); a plain file found at the path is
   * converted once (see {@link Database.open}). Omitted, the file is plain, as before.
   */
  readonly encryptionKey?: Buffer;
  /**
   * Path of DuckDB's `httpfs` extension. DuckDB writes encrypted files only with the
   * OpenSSL crypto module that httpfs brings; its built-in one is read-only. Omitted,
   * `LOAD httpfs` looks in DuckDB's extension directory.
   */
  readonly cryptoExtension?: string;
  /**
   * TESTS ONLY: write with DuckDB's built-in mbedTLS module (`force_mbedtls_unsafe`), whose
   * nonces come from a non-cryptographic generator. Same file format and code path, weaker
   * nonces; never set it in a host.
   */
  readonly insecureTestCrypto?: boolean;
  /**
   * The data key an encrypted file found at the path was written with, when encryption has
   * been turned off: that file is converted to a plain one once (the reverse of encrypting).
   * Reading encrypted files needs no crypto extension.
   */
  readonly decryptWith?: Buffer;
}

/** Catalog name of the attached (encrypted) data file. */
export const DATA_CATALOG = 'loopdesk_data';

export async function openPlain(path: string, decryptWith?: string): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path);
  } catch (e) {
    if (/encrypted database .* without a key/i.test((e as Error).message) && decryptWith) {
      await decryptToPlainFile(path, decryptWith);
      return openPlain(path);
    }
    if (/encrypted database .* without a key/i.test((e as Error).message)) {
      throw new AppError('SECRET_UNAVAILABLE', 'error.store.encryptedNoKey', { path }, { path });
    }
    throw e;
  }
  return { instance, connection: await instance.connect() };
}

export async function openEncrypted(path: string, duckKey: string, options: DatabaseOptions): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  // Spills go next to the data file (as for a plain file), encrypted.
  const instance = await DuckDBInstance.create(':memory:', { temp_directory: `${path}.tmp` });
  const connection = await instance.connect();
  try {
    await loadCrypto(connection, options);
    await connection.run('SET temp_file_encryption = true');
    const attach = () => connection.run(`ATTACH ${sqlString(path)} AS ${DATA_CATALOG} (ENCRYPTION_KEY ${sqlString(duckKey)})`);
    try {
      await attach();
    } catch (e) {
      const message = (e as Error).message;
      if (/wrong encryption key/i.test(message)) throw wrongKey(path);
      if (!/is not encrypted/i.test(message)) throw e;
      await encryptPlainFile(connection, path, duckKey);
      await attach();
    }
    await connection.run(`USE ${DATA_CATALOG}`);
    return { instance, connection };
  } catch (e) {
    connection.closeSync();
    instance.closeSync();
    throw e;
  }
}

/**
 * Throws the clear NOT_IMPLEMENTED error {@link loadCrypto} gives when this machine cannot
 * write encrypted files, without touching the data file: checked before encryption is turned on.
 */
export async function checkCryptoModule(options: DatabaseOptions): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await loadCrypto(connection, options);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export async function loadCrypto(connection: DuckDBConnection, options: DatabaseOptions): Promise<void> {
  if (options.insecureTestCrypto) {
    await connection.run("SET force_mbedtls_unsafe = 'true'");
    return;
  }
  try {
    await connection.run(options.cryptoExtension ? `LOAD ${sqlString(options.cryptoExtension)}` : 'LOAD httpfs');
  } catch (e) {
    throw new AppError('NOT_IMPLEMENTED', 'error.store.cryptoMissing', { reason: (e as Error).message, env: CRYPTO_EXTENSION_ENV }, { env: CRYPTO_EXTENSION_ENV });
  }
}

/** Converts a plain data file in place (see {@link Database.open}). */
export async function encryptPlainFile(connection: DuckDBConnection, path: string, duckKey: string): Promise<void> {
  const target = `${path}.encrypting`;
  await removeDataFile(target);
  await connection.run(`ATTACH ${sqlString(path)} AS loopdesk_plain`);
  try {
    // Fold the WAL into the plain file first: a WAL left next to the encrypted file would be wrong.
    await connection.run('CHECKPOINT loopdesk_plain');
    const rows = await tableCounts(connection, 'loopdesk_plain');
    await connection.run(`ATTACH ${sqlString(target)} AS loopdesk_encrypting (ENCRYPTION_KEY ${sqlString(duckKey)})`);
    await connection.run('COPY FROM DATABASE loopdesk_plain TO loopdesk_encrypting');
    assertSameCounts(rows, await tableCounts(connection, 'loopdesk_encrypting'), 'the encrypted copy');
    await connection.run('DETACH loopdesk_encrypting');
    await connection.run('DETACH loopdesk_plain');
  } catch (e) {
    await connection.run('DETACH loopdesk_encrypting').catch(() => undefined);
    await connection.run('DETACH loopdesk_plain').catch(() => undefined);
    await removeDataFile(target);
    throw e;
  }
  await rename(target, path);
  await rm(`${path}.wal`, { force: true });
}

/**
 * Converts an encrypted data file to a plain one in place, after encryption was turned off:
 * attached with its key (reading needs no crypto extension), copied with `COPY FROM DATABASE`
 * into `<path>.decrypting`, row counts compared, then renamed over the encrypted file. A crash
 * before the rename leaves the encrypted file in charge and the next start converts again.
 */
export async function decryptToPlainFile(path: string, duckKey: string): Promise<void> {
  const target = `${path}.decrypting`;
  await removeDataFile(target);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    try {
      // Read-only: DuckDB's built-in crypto module reads encrypted files without httpfs (and replays their WAL in memory).
      await connection.run(`ATTACH ${sqlString(path)} AS loopdesk_encrypted (ENCRYPTION_KEY ${sqlString(duckKey)}, READ_ONLY)`);
    } catch (e) {
      if (/wrong encryption key/i.test((e as Error).message)) throw wrongKey(path);
      throw e;
    }
    const rows = await tableCounts(connection, 'loopdesk_encrypted');
    await connection.run(`ATTACH ${sqlString(target)} AS loopdesk_decrypting`);
    await connection.run('COPY FROM DATABASE loopdesk_encrypted TO loopdesk_decrypting');
    assertSameCounts(rows, await tableCounts(connection, 'loopdesk_decrypting'), 'the plain copy');
    await connection.run('DETACH loopdesk_decrypting');
    await connection.run('DETACH loopdesk_encrypted');
  } catch (e) {
    await removeDataFile(target);
    throw e;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  await rename(target, path);
  await rm(`${path}.wal`, { force: true });
}

function wrongKey(path: string): AppError {
  return new AppError('SECRET_UNAVAILABLE', 'error.store.wrongKey', { path }, { path });
}

export async function tableCounts(connection: DuckDBConnection, catalog: string): Promise<Record<string, number>> {
  const tables = (
    await connection.runAndReadAll('SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = $1 AND NOT temporary ORDER BY 1, 2', [catalog])
  ).getRowObjectsJS() as { schema_name: string; table_name: string }[];
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const name = `${quoteIdent(catalog)}.${quoteIdent(t.schema_name)}.${quoteIdent(t.table_name)}`;
    const n = (await connection.runAndReadAll(`SELECT count(*) AS n FROM ${name}`)).getRowObjectsJS()[0]?.n;
    counts[`${t.schema_name}.${t.table_name}`] = Number(n);
  }
  return counts;
}

export function assertSameCounts(expected: Record<string, number>, actual: Record<string, number>, what: string): void {
  const a = JSON.stringify(Object.entries(expected).sort());
  const b = JSON.stringify(Object.entries(actual).sort());
  if (a !== b) throw new Error(`Row counts differ in ${what}: expected ${a}, got ${b}. The original data file was left unchanged.`);
}

export async function removeDataFile(path: string): Promise<void> {
  await rm(path, { force: true });
  await rm(`${path}.wal`, { force: true });
}

export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function quoteIdent(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}
