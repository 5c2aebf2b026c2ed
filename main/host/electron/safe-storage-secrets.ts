import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretStore } from '../../services/secrets/secret-store';

/** The part of Electron's `safeStorage` this store needs (injected, so it tests without Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * Secrets encrypted with Electron's safeStorage (OS keychain-backed key) in `secrets.enc.json`.
 * Returns undefined when encryption is unavailable or, on Linux, only `basic_text`
 * (a hard-coded key): then the app keeps secrets for the session and says so.
 */
export function openSafeStorageSecrets(dataDir: string, safeStorage: SafeStorageLike, acceptBasicText = false): SecretStore | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  if (safeStorage.getSelectedStorageBackend?.() === 'basic_text' && !acceptBasicText) return undefined;
  const file = join(dataDir, 'secrets.enc.json');
  const read = (): Record<string, string> => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {});
  const write = (all: Record<string, string>) => {
    writeFileSync(`${file}.tmp`, JSON.stringify(all), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  };
  return {
    kind: 'safeStorage',
    async get(key) {
      const value = read()[key];
      return value === undefined ? undefined : safeStorage.decryptString(Buffer.from(value, 'base64'));
    },
    async set(key, value) {
      write({ ...read(), [key]: safeStorage.encryptString(value).toString('base64') });
    },
    async delete(key) {
      const all = read();
      delete all[key];
      write(all);
    },
  };
}
