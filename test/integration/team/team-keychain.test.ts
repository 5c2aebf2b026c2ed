import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext } from '../../../main/app/app-context';
import { teamCommand } from '../../../main/cli/commands/team-command';
import { main } from '../../../main/cli/main';
import type { SecretStore } from '../../../main/services/secrets/secret-store';
import { TEAM_PASSWORD_SECRET } from '../../../main/services/team/team-connection';
import type { TeamStatus } from '../../../shared/contract/team';
import { startPostgres, type PostgresHandle } from '../../helpers/postgres';
import { tempDir } from '../../helpers/temp-dir';

/**
 * A secret store kept in memory: the SecretStore port implemented as a map, standing in for the
 * OS keyring, which this machine has no Secret Service for (the store itself is tested where one runs).
 */
function memoryKeychain(): SecretStore & { readonly map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    kind: 'keyring',
    map,
    get: async (key) => map.get(key),
    set: async (key, value) => void map.set(key, value),
    delete: async (key) => void map.delete(key),
  };
}

describe('team mode: the team password in the keychain', () => {
  let pgServer: PostgresHandle;
  let dir: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    pgServer = await startPostgres();
    dir = tempDir('loopdesk-team-keychain-');
    const io = { out: () => undefined, err: () => undefined } as never;
    expect(await main(['team', 'init', '--url', pgServer.url], io, { ...process.env, LOOPDESK_TEAM_PASSWORD: pgServer.password })).toBe(0);
  });
  afterAll(async () => {
    await pgServer?.stop();
    dir?.cleanup();
  });

  it('team join keeps the password from the environment in the keychain; later runs connect with it alone, and it is in no file', async () => {
    const keychain = memoryKeychain();
    const dataDir = join(dir.path, 'ws');
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: () => undefined } as never;
    const options = { dataDir, json: true, lang: 'en' as const };
    const noPassword: NodeJS.ProcessEnv = { PATH: process.env.PATH };

    expect(await teamCommand(['join', '--url', pgServer.url, '--name', 'keychain-ws'], options, io, { ...noPassword, LOOPDESK_TEAM_PASSWORD: pgServer.password }, async () => keychain)).toBe(0);
    expect(JSON.parse(out.pop()!)).toMatchObject({ name: 'keychain-ws', url: pgServer.url, password: 'keyring' });
    expect([...keychain.map.entries()]).toEqual([[TEAM_PASSWORD_SECRET, pgServer.password]]);

    // `team status` without the variable: the keychain's password gets in.
    expect(await teamCommand(['status'], options, io, noPassword, async () => keychain)).toBe(0);
    expect(JSON.parse(out.pop()!)).toMatchObject({ team: { url: pgServer.url, name: 'keychain-ws' }, workstations: [{ name: 'keychain-ws' }] });

    // The app (any host) with the same keychain and no variable: connected.
    const app = await openAppContext({ dataDir, host: 'cli', secrets: keychain, env: noPassword });
    try {
      const status = (await app.dispatcher.handle('team.status', {}, { transport: 'memory' })) as { ok: true; value: TeamStatus };
      expect(status.value).toMatchObject({ state: 'connected', workstation: 'keychain-ws', problem: null });
    } finally {
      await app.close();
    }
    // Without the keychain (and no variable) it cannot log in, and says so.
    const bare = await openAppContext({ dataDir, host: 'cli', secrets: null, env: noPassword });
    try {
      const status = (await bare.dispatcher.handle('team.status', {}, { transport: 'memory' })) as { ok: true; value: TeamStatus };
      expect(status.value.state).toBe('unreachable');
      expect(status.value.problem?.messageId).toMatch(/^error\.team\.(passwordRefused|unreachable)$/);
    } finally {
      await bare.close();
    }
    // The password is in no file of the data dir (settings, data file, logs).
    for (const name of readdirSync(dataDir, { recursive: true }) as string[]) {
      const path = join(dataDir, name);
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch {
        continue; // a folder
      }
      expect(bytes.includes(Buffer.from(pgServer.password)), `${name} holds the team password`).toBe(false);
    }
  });
});
