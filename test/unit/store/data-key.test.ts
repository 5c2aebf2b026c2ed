import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SecretStore } from '../../../main/services/secrets/secret-store';
import { DATA_KEY_ENV, DATA_KEY_SECRET, deriveKey, newDataKeyBase64, resolveDataKey } from '../../../main/services/store/data-key';

/** The SecretStore contract over a Map (no keyring on this headless machine). */
function mapStore(kind: SecretStore['kind'], opts: { forgetful?: boolean } = {}): SecretStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    kind,
    map,
    async get(k) {
      return map.get(k);
    },
    async set(k, v) {
      if (!opts.forgetful) map.set(k, v);
    },
    async delete(k) {
      map.delete(k);
    },
  };
}

describe('data key', () => {
  it('is created once in the secret store and found again', async () => {
    const store = mapStore('keyring');
    expect(await resolveDataKey({ secrets: store, create: false })).toBeUndefined();
    const first = await resolveDataKey({ secrets: store, create: true });
    expect(first?.source).toBe('keyring');
    expect(first?.key.length).toBe(32);
    expect(store.map.get(DATA_KEY_SECRET)).toBe(first!.key.toString('base64'));
    const again = await resolveDataKey({ secrets: store, create: true });
    expect(again?.key.equals(first!.key)).toBe(true);
    // Once a key exists it is used even when the setting is off, so encrypted data stays readable.
    expect((await resolveDataKey({ secrets: store, create: false }))?.key.equals(first!.key)).toBe(true);
  });

  it('takes the environment variable first', async () => {
    const store = mapStore('safeStorage');
    const env = newDataKeyBase64();
    const key = await resolveDataKey({ secrets: store, env: { [DATA_KEY_ENV]: env }, create: true });
    expect(key).toMatchObject({ source: 'env' });
    expect(key!.key.toString('base64')).toBe(env);
    expect(store.map.size).toBe(0);
  });

  it('refuses to encrypt when the key could only live in memory', async () => {
    await expect(resolveDataKey({ secrets: null, env: {}, create: true })).rejects.toMatchObject({
      code: 'SECRET_UNAVAILABLE',
      message: expect.stringContaining(DATA_KEY_ENV),
    });
    expect(await resolveDataKey({ secrets: undefined, env: {}, create: false })).toBeUndefined();
  });

  it('refuses a keyring that does not keep what it was given', async () => {
    await expect(resolveDataKey({ secrets: mapStore('keyring', { forgetful: true }), create: true })).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE' });
  });

  it('rejects a malformed key instead of encrypting with the wrong one', async () => {
    await expect(resolveDataKey({ env: { [DATA_KEY_ENV]: 'c2hvcnQ=' }, create: true })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(resolveDataKey({ env: { [DATA_KEY_ENV]: `${newDataKeyBase64()}!` }, create: true })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('derives distinct keys per purpose', () => {
    const k = randomBytes(32);
    expect(deriveKey(k, 'archive v1').equals(deriveKey(k, 'duckdb v1'))).toBe(false);
    expect(deriveKey(k, 'archive v1').equals(deriveKey(k, 'archive v1'))).toBe(true);
  });
});

describe('data-at-rest settings', () => {
  it('defaults to no encryption and keep-everything for missing or malformed values', async () => {
    const { readDataAtRestSettings, DATA_AT_REST_SETTINGS } = await import('../../../main/services/store/retention');
    const from = (v: Record<string, unknown>) => readDataAtRestSettings({ get: <T>(k: string) => v[k] as T });
    expect(from({})).toEqual({ encrypt: false, retentionDays: 0 });
    expect(from({ [DATA_AT_REST_SETTINGS.encrypt]: true, [DATA_AT_REST_SETTINGS.retentionDays]: 90 })).toEqual({ encrypt: true, retentionDays: 90 });
    for (const bad of [-1, 1.5, '30', null, Number.NaN]) expect(from({ [DATA_AT_REST_SETTINGS.retentionDays]: bad }).retentionDays).toBe(0);
    expect(from({ [DATA_AT_REST_SETTINGS.encrypt]: 'yes' }).encrypt).toBe(false);
  });
});
