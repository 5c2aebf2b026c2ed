import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSafeStorageSecrets, type SafeStorageLike } from '../../../main/host/electron/safe-storage-secrets';
import { tempDir } from '../../helpers/temp-dir';

/**
 * Electron cannot run on this machine, so safeStorage is stood in for by real AES-GCM
 * encryption with a key held in memory, which is what safeStorage does with the OS key.
 */
function aesSafeStorage(backend: string): SafeStorageLike {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(buf) {
      const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

describe('safeStorage secret store', () => {
  it('round-trips secrets and never writes them in plain text', async () => {
    const d = tempDir();
    dirs.push(d);
    const store = openSafeStorageSecrets(d.path, aesSafeStorage('gnome_libsecret'))!;
    expect(store.kind).toBe('safeStorage');
    await store.set('password:prod', 'Tr0ub4dor&3-secret');
    expect(await store.get('password:prod')).toBe('Tr0ub4dor&3-secret');
    for (const f of readdirSync(d.path)) expect(readFileSync(join(d.path, f), 'utf8')).not.toContain('Tr0ub4dor');
    await store.delete('password:prod');
    expect(await store.get('password:prod')).toBeUndefined();
  });

  it('refuses the basic_text backend unless the operator accepts it', () => {
    const d = tempDir();
    dirs.push(d);
    expect(openSafeStorageSecrets(d.path, aesSafeStorage('basic_text'))).toBeUndefined();
    expect(openSafeStorageSecrets(d.path, aesSafeStorage('basic_text'), true)?.kind).toBe('safeStorage');
    expect(openSafeStorageSecrets(d.path, { ...aesSafeStorage('kwallet5'), isEncryptionAvailable: () => false })).toBeUndefined();
  });
});
