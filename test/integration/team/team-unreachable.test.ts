import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext } from '../../../main/app/app-context';
import { openSettings } from '../../../main/services/store/settings';
import { TEAM_SETTING } from '../../../main/services/team/team-settings';
import type { Send } from '../../../shared/contract/sends';
import type { TeamStatus } from '../../../shared/contract/team';
import { tempDir } from '../../helpers/temp-dir';

describe('team mode: a team database that accepts connections and never answers', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  let port = 0;
  let dir: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    // A real listener that takes the connection and says nothing: what a hung server or a
    // firewall that swallows packets looks like to the driver.
    silent = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    port = (silent.address() as { port: number }).port;
    dir = tempDir('loopdesk-team-silent-');
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
    dir.cleanup();
  });

  it('the Sends list and Settings answer within two seconds, with this workstation alone and the reason', async () => {
    openSettings(dir.path).set(TEAM_SETTING, { url: `postgres://loopdesk@127.0.0.1:${port}/loopdesk`, workstation: 'w-silent', name: 'silent' });
    const context = await openAppContext({ dataDir: dir.path, host: 'cli', secrets: null, env: { PATH: process.env.PATH, LOOPDESK_TEAM_PASSWORD: 'x' } });
    try {
      let started = Date.now();
      const list = (await context.dispatcher.handle('sends.list', {}, { transport: 'memory' })) as { ok: true; value: Send[] };
      expect(list).toMatchObject({ ok: true, value: [] });
      expect(Date.now() - started).toBeLessThan(2_000);
      started = Date.now();
      const status = (await context.dispatcher.handle('team.status', {}, { transport: 'memory' })) as { ok: true; value: TeamStatus };
      expect(status.value).toMatchObject({ state: 'unreachable', workstation: 'silent', problem: { messageId: 'error.team.unreachable' } });
      expect(Date.now() - started).toBeLessThan(7_000);
    } finally {
      await context.close();
    }
  }, 30_000);
});
