import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
/**
 * Where secrets (SFTP passwords, key passphrases, private keys) live. Never the settings
 * file: the Electron host plugs in safeStorage, the browser host and CLI the OS keyring.
 * Where neither exists the profiles service keeps a secret for this session only.
 */
export interface SecretStore {
  /** Which backend this is, shown to the operator next to each profile. */
  readonly kind: 'keyring' | 'safeStorage';
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

const SERVICE = 'Loopdesk';

/** The keyring namespace of a data dir: every process that opens the same data dir uses the same one. */
export function keyringNamespace(dataDir: string): string {
  return createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 12);
}

/**
 * The OS keyring (Secret Service, Keychain, Credential Manager) through @napi-rs/keyring.
 * Returns undefined where no keyring answers (headless servers), so the caller falls back.
 */
export async function openKeyringSecretStore(namespace: string): Promise<SecretStore | undefined> {
  let Entry: typeof import('@napi-rs/keyring').Entry;
  try {
    ({ Entry } = await import('@napi-rs/keyring'));
    const probe = new Entry(SERVICE, `${namespace}:probe`);
    probe.setPassword('probe');
    if (probe.getPassword() !== 'probe') return undefined;
    probe.deletePassword();
  } catch {
    return undefined;
  }
  const entry = (key: string) => new Entry(SERVICE, `${namespace}:${key}`);
  return {
    kind: 'keyring',
    async get(key) {
      try {
        return entry(key).getPassword() ?? undefined;
      } catch {
        return undefined;
      }
    },
    async set(key, value) {
      entry(key).setPassword(value);
    },
    async delete(key) {
      try {
        entry(key).deletePassword();
      } catch {
        // nothing stored under that key
      }
    },
  };
}
