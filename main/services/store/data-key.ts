import { hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../../../shared/contract/result';
import type { SecretStore } from '../secrets/secret-store';

/** Name of the data key inside the secret store (one per data dir: the store is namespaced). */
export const DATA_KEY_SECRET = 'data-key';

/** Environment variable holding the data key (base64 of 32 bytes) on servers and in CI. */
export const DATA_KEY_ENV = 'LOOPDESK_DATA_KEY';

/** Length of a data key in bytes (AES-256). */
export const DATA_KEY_BYTES = 32;

/**
 * The key that encrypts personal data at rest (the DuckDB file and the send archive),
 * with where it came from so the UI can say "kept in the OS keyring".
 */
export interface DataKey {
  readonly key: Buffer;
  readonly source: 'env' | SecretStore['kind'];
}

/**
 * A fresh random data key as base64, e.g. for an operator preparing `LOOPDESK_DATA_KEY`
 * for a server (`loopdesk data-key new` or similar).
 */
export function newDataKeyBase64(): string {
  return randomBytes(DATA_KEY_BYTES).toString('base64');
}

/**
 * Finds (or, with `create`, makes) the data key. The environment variable wins so servers
 * and CI can run without a keyring. A key is only ever created where it survives a restart:
 * with no persistent secret store the data would be unreadable after the next start, so
 * asking for encryption there fails with SECRET_UNAVAILABLE instead of quietly encrypting
 * with a key that lives only in memory.
 *
 * Returns undefined when no key exists and `create` is false (encryption off).
 */
export async function resolveDataKey(options: {
  readonly secrets?: SecretStore | null;
  readonly env?: NodeJS.ProcessEnv;
  /** True when the operator turned encryption on: make a key if there is none yet. */
  readonly create: boolean;
}): Promise<DataKey | undefined> {
  const fromEnv = options.env?.[DATA_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { key: decodeDataKey(fromEnv, DATA_KEY_ENV), source: 'env' };
  const secrets = options.secrets ?? undefined;
  if (secrets) {
    const stored = await secrets.get(DATA_KEY_SECRET);
    if (stored !== undefined && stored !== '') return { key: decodeDataKey(stored, DATA_KEY_SECRET, secrets.kind), source: secrets.kind };
  }
  if (!options.create) return undefined;
  if (!secrets) {
    throw new AppError('SECRET_UNAVAILABLE', 'error.store.noKeyPlace', { env: DATA_KEY_ENV, bytes: DATA_KEY_BYTES }, { env: DATA_KEY_ENV });
  }
  const created = newDataKeyBase64();
  await secrets.set(DATA_KEY_SECRET, created);
  // Read it back: a keyring that accepts a write but does not keep it would lose the data.
  if ((await secrets.get(DATA_KEY_SECRET)) !== created) {
    throw new AppError('SECRET_UNAVAILABLE', 'error.store.keyNotKept', { store: secrets.kind, env: DATA_KEY_ENV });
  }
  return { key: Buffer.from(created, 'base64'), source: secrets.kind };
}

/**
 * Decodes a base64 data key, refusing anything that is not exactly 32 bytes. `where` names the
 * environment variable it came from, or (with `store`) the entry of that secret store.
 */
export function decodeDataKey(value: string, where: string, store?: string): Buffer {
  const trimmed = value.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== DATA_KEY_BYTES) {
    throw store === undefined
      ? new AppError('INVALID_INPUT', 'error.store.badKeyEnv', { env: where, bytes: DATA_KEY_BYTES }, { where })
      : new AppError('INVALID_INPUT', 'error.store.badKeyStored', { store, entry: where, bytes: DATA_KEY_BYTES }, { where: `${store}:${where}` });
  }
  return key;
}

/**
 * A key for one purpose derived from the data key (HKDF-SHA256), so the archive cipher and
 * DuckDB never share raw key material.
 */
export function deriveKey(dataKey: Buffer, purpose: 'archive v1' | 'duckdb v1'): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), `loopdesk ${purpose}`, 32));
}
