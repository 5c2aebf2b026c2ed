import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { main } from '../../../main/cli/main';
import { openSafeStorageSecrets, type SafeStorageLike } from '../../../main/host/electron/safe-storage-secrets';
import type { ActivityInput } from '../../../main/services/activity/activity-service';
import { createProfilesService } from '../../../main/services/profiles/profiles-service';
import type { SecretStore } from '../../../main/services/secrets/secret-store';
import { openSettings } from '../../../main/services/store/settings';
import type { Profile, RemovedProfile } from '../../../shared/contract/profiles';
import { callIn, valueIn } from '../../helpers/team-setup';
import { tempDir } from '../../helpers/temp-dir';

/** Electron's safeStorage stood in for by real AES-GCM with a key in memory (as test/unit/host/safe-storage-secrets.test.ts). */
function aesSafeStorage(): SafeStorageLike {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
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

const PASSWORD = 'Acme-Secret-4711';
const acme = {
  name: 'acme',
  host: '127.0.0.1',
  port: 2222,
  user: 'op',
  auth: { kind: 'password', password: PASSWORD },
  clients: [{ name: 'Acme GmbH', mailings: [{ id: '900001', name: 'Newsletter' }] }],
};

const dirs: ReturnType<typeof tempDir>[] = [];
const contexts: AppContext[] = [];
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  dirs.splice(0).forEach((d) => d.cleanup());
});

describe('removing a profile can be undone (solo)', () => {
  it('keeps a removed profile with its stored password in "Recently removed", unusable, and restores both, across a restart', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const secrets = openSafeStorageSecrets(dir.path, aesSafeStorage())!;
    let app = await openAppContext({ dataDir: dir.path, host: 'memory', secrets });
    await valueIn(app, 'profiles.save', { profile: acme });
    expect((await valueIn<Profile>(app, 'profiles.get', { name: 'acme' })).secretAvailable).toBe(true);

    expect(await valueIn(app, 'profiles.remove', { name: 'acme' })).toEqual({ removed: true });
    expect(await valueIn<Profile[]>(app, 'profiles.list', {})).toEqual([]);
    // The password is no longer under the live slot (a new "acme" would not get it), but kept.
    expect(await secrets.get('password:acme')).toBeUndefined();
    const removed = await valueIn<RemovedProfile[]>(app, 'profiles.removed', {});
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatchObject({ name: 'acme', host: '127.0.0.1', port: 2222, user: 'op', clients: ['Acme GmbH'], shared: false, removedHere: true, secretKept: true });
    expect(Date.parse(removed[0].purgeAt) - Date.parse(removed[0].removedAt)).toBe(30 * 86_400_000);
    // A removed profile cannot be used: a connection (a send's upload) is refused with how to get it back.
    const used = await callIn(app, 'profiles.test', { name: 'acme' });
    expect(used.ok).toBe(false);
    if (!used.ok) {
      expect(used.error.code).toBe('NOT_FOUND');
      expect(used.error.messageId).toBe('error.profiles.removed');
      expect(used.error.message).toContain('restore it under Connections → Recently removed');
    }

    // A restart keeps the list and the kept password.
    await app.close();
    app = await openAppContext({ dataDir: dir.path, host: 'memory', secrets });
    contexts.push(app);
    expect((await valueIn<RemovedProfile[]>(app, 'profiles.removed', {})).map((r) => r.name)).toEqual(['acme']);

    const back = await valueIn<Profile>(app, 'profiles.restore', { name: 'acme' });
    expect(back).toMatchObject({ name: 'acme', secretAvailable: true, secretStore: 'safeStorage' });
    expect(back.clients[0]).toMatchObject({ name: 'Acme GmbH', mailings: [expect.objectContaining({ id: '900001' })] });
    expect(await secrets.get('password:acme')).toBe(PASSWORD);
    expect(await valueIn(app, 'profiles.removed', {})).toEqual([]);
    // Never in the settings file in plain text, removed or not.
    expect(readFileSync(join(dir.path, 'settings.json'), 'utf8')).not.toContain(PASSWORD);
    const log = await valueIn<{ entries: { text: { id: string } | null }[] }>(app, 'activity.list', { profile: 'acme', limit: 20 });
    expect(log.entries.map((e) => e.text?.id)).toEqual(expect.arrayContaining(['connections.activity.removed', 'connections.activity.restored']));
  });

  it('refuses to restore over a newer profile of the same name, and a new profile of the name never gets the kept password', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const secrets = openSafeStorageSecrets(dir.path, aesSafeStorage())!;
    const app = await openAppContext({ dataDir: dir.path, host: 'memory', secrets });
    contexts.push(app);
    await valueIn(app, 'profiles.save', { profile: acme });
    await valueIn(app, 'profiles.remove', { name: 'acme' });
    const fresh = await valueIn<Profile>(app, 'profiles.save', { profile: { ...acme, host: '10.0.0.9', auth: { kind: 'password' } } });
    expect(fresh.secretAvailable).toBe(false);
    const refused = await callIn(app, 'profiles.restore', { name: 'acme' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error).toMatchObject({ code: 'ALREADY_EXISTS', messageId: 'error.profiles.restoreNameTaken' });
      expect(refused.error.message).toContain('remove the current “acme” first');
    }
    // Nothing changed: the newer one stays, the removed one stays restorable.
    expect((await valueIn<Profile>(app, 'profiles.get', { name: 'acme' })).host).toBe('10.0.0.9');
    expect((await valueIn<RemovedProfile[]>(app, 'profiles.removed', {})).map((r) => r.host)).toEqual(['127.0.0.1']);
    // Removing the newer one first lets the older one back, with its password.
    await valueIn(app, 'profiles.remove', { name: 'acme' });
    const [newest, older] = await valueIn<RemovedProfile[]>(app, 'profiles.removed', {});
    expect([newest.host, older.host]).toEqual(['10.0.0.9', '127.0.0.1']);
    const back = await valueIn<Profile>(app, 'profiles.restore', { name: 'acme', id: older.id });
    expect(back).toMatchObject({ host: '127.0.0.1', secretAvailable: true });
    expect(await secrets.get('password:acme')).toBe(PASSWORD);
  });

  it('a password kept for this session only is listed as kept until a restart, then as not kept (it is gone)', async () => {
    const dir = tempDir();
    dirs.push(dir);
    let app = await openAppContext({ dataDir: dir.path, host: 'memory', secrets: null });
    await valueIn(app, 'profiles.save', { profile: acme });
    await valueIn(app, 'profiles.remove', { name: 'acme' });
    expect((await valueIn<RemovedProfile[]>(app, 'profiles.removed', {}))[0].secretKept).toBe(true);
    await app.close();
    app = await openAppContext({ dataDir: dir.path, host: 'memory', secrets: null });
    contexts.push(app);
    expect((await valueIn<RemovedProfile[]>(app, 'profiles.removed', {}))[0].secretKept).toBe(false);
    expect(await valueIn<Profile>(app, 'profiles.restore', { name: 'acme' })).toMatchObject({ secretAvailable: false });
  });

  it('purges a removal after 30 days with its kept password, logged (injected clock)', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const secrets: SecretStore = openSafeStorageSecrets(dir.path, aesSafeStorage())!;
    const logged: ActivityInput[] = [];
    let now = Date.parse('2026-12-01T09:00:00Z');
    const profiles = createProfilesService({ settings: openSettings(dir.path), secrets, log: async (e) => void logged.push(e), now: () => now });
    await profiles.save({ profile: acme as never, replace: false });
    await profiles.remove({ name: 'acme' });
    const keptSlots = () => Object.keys(JSON.parse(readFileSync(join(dir.path, 'secrets.enc.json'), 'utf8')) as Record<string, string>);
    expect(keptSlots()).toEqual([expect.stringMatching(/^removed:.+:password:acme$/)]);

    now += 30 * 86_400_000 - 60_000;
    expect(await profiles.purgeRemoved()).toBe(0);
    expect((await profiles.removed({})).map((r) => r.name)).toEqual(['acme']);

    now += 60_000;
    expect(await profiles.purgeRemoved()).toBe(1);
    expect(await profiles.removed({})).toEqual([]);
    expect(keptSlots()).toEqual([]);
    expect(logged.map((e) => e.messageId)).toContain('connections.activity.purged');
    await expect(profiles.restore({ name: 'acme' })).rejects.toMatchObject({ code: 'NOT_FOUND', messageId: 'error.profiles.notRemoved' });
  });

  it('loopdesk profile remove asks first (--yes skips it); profile removed lists it; profile restore brings it back, in English and German', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const cli = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(['--data-dir', dir.path, ...args], { out: (l) => out.push(l), err: (l) => err.push(l) }, { ...process.env, ACME_PW: PASSWORD });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    expect((await cli('profile', 'add', '--name', 'acme', '--host', '127.0.0.1', '--port', '2222', '--user', 'op', '--password-env', 'ACME_PW')).code).toBe(0);
    // No terminal to ask on (as in this test): nothing is removed without --yes.
    const unconfirmed = await cli('profile', 'remove', 'acme');
    expect(unconfirmed.code).not.toBe(0);
    expect(unconfirmed.err).toContain('Profile "acme" was not removed: removing asks for confirmation. Add --yes');
    expect((await cli('profile', 'show', 'acme')).code).toBe(0);

    const removed = await cli('profile', 'remove', 'acme', '--yes');
    expect(removed).toMatchObject({ code: 0 });
    expect(removed.out).toContain('It is kept for 30 days: `loopdesk profile restore acme` brings it back.');
    const listed = await cli('profile', 'removed');
    expect(listed.out).toMatch(/^acme\top@127\.0\.0\.1:2222\tremoved by .* on .+\tdeleted for good on .+\tno password kept$/);
    expect((await cli('--lang', 'de', 'profile', 'removed')).out).toContain('wird am');
    const json = JSON.parse((await cli('--json', 'profile', 'removed')).out) as RemovedProfile[];
    expect(json.map((r) => r.name)).toEqual(['acme']);

    const german = await cli('--lang', 'de', 'profile', 'restore', 'acme');
    expect(german).toMatchObject({ code: 0, out: 'Profil „acme“ wiederhergestellt.' });
    expect((await cli('profile', 'show', 'acme')).out).toContain('login: password from $ACME_PW');
    const again = await cli('profile', 'restore', 'acme');
    expect(again.code).not.toBe(0);
    expect(again.err).toContain('There is no removed profile named “acme” to restore');
  });
});
