import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext } from '../../../main/app/app-context';
import { main } from '../../../main/cli/main';
import { startSandbox, type SandboxHandle } from '../../../main/services/sandbox';
import { tempDir } from '../../helpers/temp-dir';

/**
 * The CLI's side of a data dir restored from an older backup (restored-data-file.test.ts has the
 * services' side): `loopdesk send --at` schedules a real send, the data dir is backed up, the send
 * goes out through `loopdesk status`, the backup is restored. The next `status` uploads nothing and
 * says the send is held; `loopdesk send resolve` answers for it.
 */

let data: ReturnType<typeof tempDir>;
let sandbox: SandboxHandle;
const home = () => join(data.path, 'home');

async function cli(args: string[], lang = 'en'): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['--data-dir', home(), '--lang', lang, ...args], { out: (l) => out.push(l), err: (l) => err.push(l) }, { ...process.env, SB_PW: sandbox.password });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const logs = () => readdirSync(join(sandbox.clients[0].localDir, 'logs')).filter((n) => /^\d{14}_subscribers\.log$/.test(n));

beforeAll(async () => {
  data = tempDir();
  sandbox = await startSandbox({ root: join(data.path, 'sandbox'), port: 0, interval: 0 });
  const c = sandbox.clients[0];
  const context = await openAppContext({ dataDir: home(), host: 'cli', secrets: null });
  try {
    const saved = await context.dispatcher.handle(
      'profiles.save',
      {
        profile: {
          name: 'sb', host: sandbox.host, port: sandbox.port, user: sandbox.user, auth: { kind: 'password', passwordEnv: 'SB_PW' }, trustedKeys: [sandbox.fingerprint],
          clients: [{ name: c.name, uploadDir: c.uploadDir, logDir: c.logDir, responseDir: c.responseDir, fields: c.fields, productFields: c.productFields, mailings: c.mailings.map((m) => ({ id: m.id, name: m.name })) }],
        },
      },
      { transport: 'memory' },
    );
    expect(saved.ok).toBe(true);
  } finally {
    await context.close();
  }
  writeFileSync(join(data.path, 'list.csv'), 'Email,First name,Last name\nanna@example.com,Anna,Schmidt\nbernd@example.com,Bernd,Meier\n');
});
afterAll(async () => {
  await sandbox?.stop();
  data?.cleanup();
});

describe('loopdesk after a restore of the data dir', () => {
  it('holds the restored send instead of sending it a second time, and `send resolve --is-this-send` follows the first one', async () => {
    const at = new Date(Date.now() + 2_000).toISOString();
    const created = await cli(['--json', 'send', join(data.path, 'list.csv'), '--profile', 'sb', '--mailing', sandbox.clients[0].mailings[0].id, '--yes', '--at', at]);
    expect(created.code, created.err).toBe(0);
    const send = JSON.parse(created.out) as { id: string; state: string; fileName: string };
    expect(send.state).toBe('scheduled');
    const backup = join(data.path, 'backup');
    cpSync(home(), backup, { recursive: true });

    await new Promise((r) => setTimeout(r, Math.max(0, new Date(at).getTime() - Date.now() + 100)));
    expect((await cli(['status', send.id])).code).toBe(0); // uploads it
    await sandbox.processNow();
    const sent = JSON.parse((await cli(['--json', 'status', send.id])).out) as { state: string; mailingId: string };
    expect(sent.state).toBe('sent');
    expect(logs()).toHaveLength(1);

    rmSync(home(), { recursive: true, force: true });
    cpSync(backup, home(), { recursive: true });
    const held = await cli(['status', send.id]);
    expect(held.code, held.err).toBe(0);
    expect(held.out.split('\n')[0]).toContain('\tHeld\t');
    expect(held.out).toContain(`Held before the upload: the server already has ${send.fileName}`);
    await sandbox.processNow();
    expect(logs()).toHaveLength(1);
    expect(readdirSync(join(sandbox.clients[0].localDir, 'upload'))).toEqual([]);

    // The answer that could send twice needs --yes; no answer at all is a usage mistake.
    expect((await cli(['send', 'resolve', send.id])).code).toBe(2);
    const unsure = await cli(['send', 'resolve', send.id, '--not-this-send'], 'de');
    expect(unsure.code).toBe(2);
    expect(unsure.err).toContain('Geben Sie --yes an');

    const followed = await cli(['send', 'resolve', send.id, '--is-this-send']);
    expect(followed.code, followed.err).toBe(0);
    expect(followed.out).toContain(`Send ${send.id}: ${send.fileName} on the server is followed as this send; nothing was uploaded again.`);
    const after = JSON.parse((await cli(['--json', 'status', send.id])).out) as { state: string; mailingId: string; held: unknown };
    expect(after).toMatchObject({ state: 'sent', mailingId: sent.mailingId, held: null });
    expect(logs()).toHaveLength(1);
  });
});
