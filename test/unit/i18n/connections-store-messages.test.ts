import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ActivityInput } from '../../../main/services/activity/activity-service';
import { createProfilesService } from '../../../main/services/profiles/profiles-service';
import { resolveTarget } from '../../../main/services/profiles/resolve-target';
import { lockDataDir } from '../../../main/services/store/data-dir-lock';
import { decodeDataKey } from '../../../main/services/store/data-key';
import { openSettings } from '../../../main/services/store/settings';
import { ProfileInput } from '../../../shared/contract/profiles';
import { isAppError, type AppErrorInfo } from '../../../shared/contract/result';
import { errorText } from '../../../shared/i18n/error-text';
import { appIntl } from '../../../shared/i18n/intl';
import type { MessageId } from '../../../shared/i18n/messages';
import { tempDir } from '../../helpers/temp-dir';

const data = tempDir();
afterAll(() => data.cleanup());

/** The error `work` throws, as the wire carries it. */
async function caught(work: () => unknown): Promise<AppErrorInfo> {
  try {
    await work();
  } catch (e) {
    if (isAppError(e)) return e.toInfo();
    throw e;
  }
  throw new Error('expected an AppError');
}

const german = (e: AppErrorInfo) => errorText(appIntl('de'), e);

describe('profiles and store speak through the catalog', () => {
  it('profile errors carry a catalog key, keep the English message, and read German in a German client', async () => {
    const logged: ActivityInput[] = [];
    const profiles = createProfilesService({ settings: openSettings(data.path), secrets: undefined, log: async (e) => void logged.push(e), env: {} });
    const missing = await caught(() => profiles.get({ name: 'Prod' }));
    expect(missing).toMatchObject({ code: 'NOT_FOUND', messageId: 'error.profiles.notFound', values: { name: 'Prod' } });
    expect(missing.message).toBe('There is no profile named "Prod". Check the name on the Connections screen (or `loopdesk profile list`).');
    expect(german(missing)).toBe('Es gibt kein Profil mit dem Namen „Prod“. Prüfen Sie den Namen im Bereich Verbindungen (oder mit `loopdesk profile list`).');

    const input = ProfileInput.parse({ name: 'Prod', host: 'sftp.example.com', user: 'acme', auth: { kind: 'password', passwordEnv: 'PROD_PW' }, clients: [{ name: 'shop' }] });
    await profiles.save({ profile: input, replace: false });
    expect(logged.map((e) => e.messageId)).toEqual(['connections.activity.created' satisfies MessageId]);
    const twice = await caught(() => profiles.save({ profile: input, replace: false }));
    expect(twice).toMatchObject({ code: 'ALREADY_EXISTS', messageId: 'error.profiles.exists' });
    expect(german(twice)).toContain('Es gibt bereits ein Profil mit dem Namen „Prod“');

    const noEnv = await caught(() => profiles.connect('Prod'));
    expect(noEnv).toMatchObject({ code: 'SECRET_UNAVAILABLE', messageId: 'error.profiles.passwordEnvMissing', details: { profile: 'Prod' } });
    expect(german(noEnv)).toContain('Umgebungsvariable PROD_PW');

    const noClient = await caught(() => resolveTarget(profiles, 'Prod', 'outlet'));
    expect(noClient).toMatchObject({ code: 'NOT_FOUND', messageId: 'error.profiles.noClient', values: { profile: 'Prod', client: 'outlet' } });
    expect(german(noClient)).toBe('Das Profil „Prod“ hat keinen Mandanten „outlet“. Legen Sie den Mandanten im Bereich Verbindungen an.');

    await profiles.trust({ name: 'Prod', fingerprint: 'SHA256:abc' });
    const entry = logged.at(-1)!;
    expect(entry).toMatchObject({ messageId: 'connections.activity.hostKeyTrusted', values: { fingerprint: 'SHA256:abc' } });
    if (!('messageId' in entry)) throw new Error('activity entry without a key');
    expect(appIntl('de').formatMessage({ id: entry.messageId }, entry.values)).toBe('Hostschlüssel SHA256:abc als vertrauenswürdig gespeichert');
  });

  it('store errors (data key, data dir lock) carry a catalog key and read German', async () => {
    const badEnv = await caught(() => decodeDataKey('not a key', 'LOOPDESK_DATA_KEY'));
    expect(badEnv).toMatchObject({ code: 'INVALID_INPUT', messageId: 'error.store.badKeyEnv', details: { where: 'LOOPDESK_DATA_KEY' } });
    expect(german(badEnv)).toContain('Der Datenschlüssel in LOOPDESK_DATA_KEY ist kein Base64-Wert aus 32 Bytes.');
    const badStored = await caught(() => decodeDataKey('not a key', 'data-key', 'keyring'));
    expect(badStored.message).toBe('The data key in the keyring entry "data-key" is not base64 of 32 bytes. Put back the key the data was encrypted with (a new key cannot read the existing data).');

    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'loopdesk.lock'), String(process.ppid));
      const inUse = await caught(() => lockDataDir(dir.path));
      expect(inUse).toMatchObject({ code: 'DATA_DIR_IN_USE', messageId: 'error.store.dataDirInUse', details: { pid: process.ppid, dataDir: dir.path } });
      expect(german(inUse)).toContain(`wird von PID ${process.ppid} verwendet`);
    } finally {
      dir.cleanup();
    }
  });
});
