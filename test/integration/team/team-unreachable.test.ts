import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext } from '../../../main/app/app-context';
import { openSettings } from '../../../main/services/store/settings';
import { TEAM_SETTING } from '../../../main/services/team/team-settings';
import type { ActivityEntry } from '../../../shared/contract/activity';
import type { Send } from '../../../shared/contract/sends';
import type { TeamStatus } from '../../../shared/contract/team';
import { tempDir } from '../../helpers/temp-dir';

/** How often {@link heldFor} looks at the clock, and from how late on a look counts as this process not running. */
const LOOK_MS = 10;
const LATE_MS = 50;

/**
 * Runs `work` and says how long it took (`ms`) and for how much of that this process's event loop
 * could turn (`held`): a look at the clock every 10 ms that comes more than 50 ms late means it
 * could not meanwhile (a loaded machine gave the CPU to others), time no team database can have
 * held the screen up: a database that does not answer only ever makes the process wait, idle. So
 * the bounds below are on what the database holds, on a loaded machine as on an idle one.
 */
async function heldFor<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; held: number }> {
  const started = performance.now();
  let last = started;
  let away = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - last > LOOK_MS + LATE_MS) away += now - last - LOOK_MS;
    last = now;
  }, LOOK_MS);
  try {
    const value = await work();
    const ms = performance.now() - started;
    // The stretch since the last look, should the process have been away right before the end.
    const tail = performance.now() - last;
    if (tail > LOOK_MS + LATE_MS) away += tail - LOOK_MS;
    return { value, ms: Math.round(ms), held: Math.round(ms - away) };
  } finally {
    clearInterval(timer);
  }
}

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

  it('the Sends list, the Activity list and Settings answer within two seconds, with this workstation alone and the reason', async () => {
    openSettings(dir.path).set(TEAM_SETTING, { url: `postgres://loopdesk@127.0.0.1:${port}/loopdesk`, workstation: 'w-silent', name: 'silent' });
    const context = await openAppContext({ dataDir: dir.path, host: 'cli', secrets: null, env: { PATH: process.env.PATH, LOOPDESK_TEAM_PASSWORD: 'x' } });
    try {
      const list = await heldFor(() => context.dispatcher.handle('sends.list', {}, { transport: 'memory' }) as Promise<{ ok: true; value: Send[] }>);
      expect(list.value).toMatchObject({ ok: true, value: [] });
      expect(list.held, `sends.list took ${list.ms} ms, ${list.ms - list.held} of them this process could not run`).toBeLessThan(2_000);

      await context.services.activity.log({ level: 'info', kind: 'test', messageId: 'encryption.activity.turnedOn' });
      const activity = await heldFor(() => context.dispatcher.handle('activity.list', {}, { transport: 'memory' }) as Promise<{ ok: true; value: { entries: ActivityEntry[]; team: unknown } }>);
      expect(activity.value).toMatchObject({ ok: true, value: { team: { workstation: 'silent', othersMissing: true } } });
      expect(activity.value.value.entries.some((e) => e.kind === 'test' && e.origin?.mine)).toBe(true);
      expect(activity.held, `activity.list took ${activity.ms} ms, ${activity.ms - activity.held} of them this process could not run`).toBeLessThan(2_000);

      const status = await heldFor(() => context.dispatcher.handle('team.status', {}, { transport: 'memory' }) as Promise<{ ok: true; value: TeamStatus }>);
      expect(status.value.value).toMatchObject({ state: 'unreachable', workstation: 'silent', problem: { messageId: 'error.team.unreachable' } });
      expect(status.held, `team.status took ${status.ms} ms, ${status.ms - status.held} of them this process could not run`).toBeLessThan(7_000);
    } finally {
      await context.close();
    }
  }, 30_000);
});
