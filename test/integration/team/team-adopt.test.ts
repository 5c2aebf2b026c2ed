import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext } from '../../../main/app/app-context';
import { main } from '../../../main/cli/main';
import { startSandbox, type SandboxHandle } from '../../../main/services/sandbox';
import type { Send } from '../../../shared/contract/sends';
import { startPostgres, type PostgresHandle } from '../../helpers/postgres';
import { tempDir } from '../../helpers/temp-dir';

const PASSWORD_ENV = 'TEAM_ADOPT_SB_PW';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('team mode: a workstation that died right after publishing its file', () => {
  let pgServer: PostgresHandle;
  let sandbox: SandboxHandle;
  let dir: ReturnType<typeof tempDir>;
  let env: NodeJS.ProcessEnv;
  const dataDirs: Record<'a' | 'b', string> = { a: '', b: '' };

  beforeAll(async () => {
    pgServer = await startPostgres();
    dir = tempDir('loopdesk-team-adopt-');
    sandbox = await startSandbox({ root: join(dir.path, 'sandbox'), port: 0, interval: 0, seed: 'adopt', haltOnError: false });
    env = { ...process.env, LOOPDESK_TEAM_PASSWORD: pgServer.password, [PASSWORD_ENV]: sandbox.password, LOOPDESK_TEAM_LEASE_MS: '1000' };
    const io = { out: () => undefined, err: () => undefined } as never;
    expect(await main(['team', 'init', '--url', pgServer.url], io, env)).toBe(0);
    const c = sandbox.clients[0];
    for (const name of ['a', 'b'] as const) {
      const dataDir = join(dir.path, name);
      const context = await openAppContext({ dataDir, host: 'cli', secrets: null, env });
      const saved = await context.dispatcher.handle(
        'profiles.save',
        {
          profile: {
            name: 'team',
            host: '127.0.0.1',
            port: sandbox.port,
            user: sandbox.user,
            auth: { kind: 'password', passwordEnv: PASSWORD_ENV },
            trustedKeys: [sandbox.fingerprint],
            clients: [{ name: c.name, uploadDir: c.uploadDir, logDir: c.logDir, responseDir: c.responseDir, fields: c.fields, productFields: c.productFields, mailings: c.mailings.map((m) => ({ id: m.id, name: m.name })) }],
          },
        },
        { transport: 'memory' },
      );
      expect(saved.ok).toBe(true);
      await context.close();
      expect(await main(['--data-dir', dataDir, 'team', 'join', '--url', pgServer.url, '--name', name], io, env)).toBe(0);
      dataDirs[name] = dataDir;
    }
  });
  afterAll(async () => {
    await sandbox?.stop();
    await pgServer?.stop();
    dir?.cleanup();
  });

  it('another workstation adopts the send from the server and follows it to "sent"; the first never uploads it again', async () => {
    const c = sandbox.clients[0];
    const recipients = join(dir.path, 'recipients.csv');
    writeFileSync(recipients, ['Email,Salutation,First name,Last name', 'a@example.com,Frau,A,B', 'c@example.com,Herr,C,D'].join('\n') + '\n');
    // Workstation A claims and prepares the send, takes the lease, publishes the file, and dies
    // before its journal hears of it: the file is on the server under its final name.
    const a = await openAppContext({ dataDir: dataDirs.a, host: 'cli', secrets: null, env });
    const inspection = await a.dispatcher.handle('recipients.inspect', { profile: 'team', client: c.name, path: recipients }, { transport: 'memory' });
    const created = await a.dispatcher.handle('sends.create', { profile: 'team', client: c.name, path: recipients, sourceMailingId: c.mailingIds[0], mapping: (inspection as { value: { mapping: unknown[] } }).value.mapping }, { transport: 'memory' });
    expect(created.ok).toBe(true);
    const send = (created as { value: Send }).value;
    await a.close();
    const db = new pg.Client({ connectionString: pgServer.urlWithPassword });
    await db.connect();
    await db.query("UPDATE team_sends SET state = 'uploading', lease_holder = workstation, lease_until = now() WHERE id = $1", [send.id]);
    const work = join(dataDirs.a, 'sends', send.id);
    const uploadDir = join(c.localDir, 'upload');
    copyFileSync(join(work, readdirSync(work).find((n) => n.endsWith('_subscribers.csv'))!), join(uploadDir, send.fileName));
    await sleep(1_000 + 400 + 200);

    const b = await openAppContext({ dataDir: dataDirs.b, host: 'cli', secrets: null, env });
    let followed: Send | undefined;
    try {
      for (let i = 0; i < 20 && followed?.state !== 'sent'; i++) {
        await b.services.sends.tick();
        await sandbox.processNow();
        await b.services.sends.refresh({});
        followed = (await b.services.sends.list({ limit: 10 })).find((s) => s.id === send.id) as Send | undefined;
        if (followed?.state !== 'sent') await sleep(200);
      }
    } finally {
      await b.close();
    }
    expect(followed?.state).toBe('sent');
    expect(followed?.timeline[0].message).toMatch(/the server has it, so this workstation follows the send/);
    expect(followed?.timeline[0].text?.id).toBe('sends.step.adopted');

    // A comes back: it learns the send is another's now and uploads nothing.
    const a2 = await openAppContext({ dataDir: dataDirs.a, host: 'cli', secrets: null, env });
    try {
      await a2.services.sends.tick();
      const mine = await a2.services.sends.get({ id: send.id });
      expect(mine.state).toBe('error');
      expect(mine.timeline.at(-1)?.message).toMatch(/took this send over/);
      // Both sides keep the sentence as a catalog key, so each window reads it in its language.
      expect(mine.error?.text).toMatchObject({ id: 'sends.step.takenOver', values: { state: expect.any(String) } });
      expect(mine.timeline.at(-1)?.text?.id).toBe('sends.step.takenOver');
    } finally {
      await a2.close();
    }
    const row = (await db.query('SELECT state, active FROM team_sends WHERE id = $1', [send.id])).rows[0];
    await db.end();
    expect(row).toEqual({ state: 'sent', active: false });
    const log = readFileSync(join(c.localDir, 'logs', send.fileName.replace(/\.csv$/, '.log')), 'utf8');
    expect(log.split('\n').filter((l) => l.split(/[;,]/)[1]?.replace(/"/g, '') === 'received')).toHaveLength(1);
    expect(readdirSync(uploadDir)).toEqual([]);
  });
});
