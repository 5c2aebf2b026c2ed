import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { main } from '../../../main/cli/main';
import { startSandbox, type SandboxHandle } from '../../../main/services/sandbox';
import type { ActivityEntry } from '../../../shared/contract/activity';
import type { Result } from '../../../shared/contract/result';
import type { Send } from '../../../shared/contract/sends';
import { startPostgres, type PostgresHandle } from '../../helpers/postgres';
import { tempDir } from '../../helpers/temp-dir';

const PASSWORD_ENV = 'TEAM_FOUR_EYES_SB_PW';
const silent = { out: () => undefined, err: () => undefined } as never;

/** Calls a service through the dispatcher, as the app and the CLI do. */
async function call<T>(context: AppContext, channel: string, payload: unknown): Promise<Result<T>> {
  return (await context.dispatcher.handle(channel, payload, { transport: 'memory' })) as Result<T>;
}
async function value<T>(context: AppContext, channel: string, payload: unknown): Promise<T> {
  const r = await call<T>(context, channel, payload);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value;
}

describe('team mode: four-eyes approval of real sends', () => {
  let pgServer: PostgresHandle;
  let sandbox: SandboxHandle;
  let dir: ReturnType<typeof tempDir>;
  let env: NodeJS.ProcessEnv;
  let a: AppContext;
  let b: AppContext;
  let recipients: string;
  let admin: pg.Client;

  const client = () => sandbox.clients[0];
  /** Every file name the sandbox has in the client's upload and log folders (what reached the server). */
  const onServer = () => [...readdirSync(join(client().localDir, 'upload')), ...(existsSync(join(client().localDir, 'logs')) ? readdirSync(join(client().localDir, 'logs')) : [])];
  const create = async (context: AppContext, mailing: string, test = false): Promise<Result<Send>> => {
    const inspection = await value<{ mapping: unknown[] }>(context, 'recipients.inspect', { profile: 'team', client: client().name, path: recipients });
    return call<Send>(context, 'sends.create', { profile: 'team', client: client().name, path: recipients, sourceMailingId: mailing, mapping: inspection.mapping, test });
  };
  /** Scheduler passes of workstation A with the server processing in between. */
  const passes = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await a.services.sends.tick();
      await sandbox.processNow();
      await a.services.sends.refresh({});
    }
  };
  const activity = async (context: AppContext) => (await value<{ entries: ActivityEntry[] }>(context, 'activity.list', { limit: 50 })).entries;

  beforeAll(async () => {
    pgServer = await startPostgres();
    dir = tempDir('loopdesk-team-four-eyes-');
    sandbox = await startSandbox({ root: join(dir.path, 'sandbox'), port: 0, interval: 0, seed: 'four-eyes', haltOnError: false });
    env = { ...process.env, LOOPDESK_TEAM_PASSWORD: pgServer.password, [PASSWORD_ENV]: sandbox.password };
    expect(await main(['team', 'init', '--url', pgServer.url], silent, env)).toBe(0);
    const c = client();
    for (const name of ['a', 'b', 'solo']) {
      const dataDir = join(dir.path, name);
      const context = await openAppContext({ dataDir, host: 'cli', secrets: null, env });
      await value(context, 'profiles.save', {
        profile: {
          name: 'team',
          host: '127.0.0.1',
          port: sandbox.port,
          user: sandbox.user,
          auth: { kind: 'password', passwordEnv: PASSWORD_ENV },
          trustedKeys: [sandbox.fingerprint],
          clients: [{ name: c.name, uploadDir: c.uploadDir, logDir: c.logDir, responseDir: c.responseDir, fields: c.fields, productFields: c.productFields, mailings: c.mailings, fourEyes: true, testRecipients: [{ email: 'qa@example.com', name: 'QA' }] }],
        },
      });
      await context.close();
      if (name !== 'solo') expect(await main(['--data-dir', dataDir, 'team', 'join', '--url', pgServer.url, '--name', name], silent, env)).toBe(0);
    }
    recipients = join(dir.path, 'recipients.csv');
    writeFileSync(recipients, ['Email,Salutation,First name,Last name', 'a@example.com,Frau,A,B', 'c@example.com,Herr,C,D'].join('\n') + '\n');
    a = await openAppContext({ dataDir: join(dir.path, 'a'), host: 'cli', secrets: null, env });
    b = await openAppContext({ dataDir: join(dir.path, 'b'), host: 'cli', secrets: null, env });
    admin = new pg.Client({ connectionString: pgServer.urlWithPassword });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await a?.close();
    await b?.close();
    await sandbox?.stop();
    await pgServer?.stop();
    dir?.cleanup();
  });

  it('a real send waits for another member: nothing uploads before approval, self-approval is refused, the approval is journalled and logged', async () => {
    const created = await create(a, client().mailingIds[0]);
    expect(created.ok).toBe(true);
    const send = (created as { value: Send }).value;
    expect(send.state).toBe('awaiting_approval');
    expect(send.origin).toEqual({ workstation: expect.any(String), name: 'a', mine: true });

    await passes(3);
    expect((await a.services.sends.get({ id: send.id })).state).toBe('awaiting_approval');
    expect(onServer()).toEqual([]);

    // The member who started it cannot approve it, nor reject it.
    const self = await call<Send>(a, 'sends.approve', { id: send.id });
    expect(self.ok ? 'approved' : self.error.code).toBe('FORBIDDEN');
    expect(self.ok ? '' : self.error.messageId).toBe('error.team.selfApproval');
    const selfReject = await call<Send>(a, 'sends.reject', { id: send.id, reason: 'mine' });
    expect(selfReject.ok ? 'rejected' : selfReject.error.code).toBe('FORBIDDEN');
    // The database refuses it too, whatever a client does.
    await expect(admin.query("UPDATE team_sends SET decided_by = started_by WHERE id = $1", [send.id])).rejects.toThrow(/team_sends_four_eyes/);

    // B sees it waiting, marked as A's, and approves it.
    const seen = (await value<Send[]>(b, 'sends.list', {})).find((s) => s.id === send.id);
    expect(seen).toMatchObject({ state: 'awaiting_approval', origin: { name: 'a', mine: false } });
    const approved = await value<Send>(b, 'sends.approve', { id: send.id });
    expect(approved.approval).toMatchObject({ decision: 'approved', by: 'b', reason: null });
    const twice = await call<Send>(b, 'sends.reject', { id: send.id, reason: 'too late' });
    expect(twice.ok ? 'rejected' : twice.error.code).toBe('CONFLICT');

    let mine = await a.services.sends.get({ id: send.id });
    for (let i = 0; i < 20 && mine.state !== 'sent'; i++) {
      await passes(1);
      mine = await a.services.sends.get({ id: send.id });
    }
    expect(mine.state).toBe('sent');
    expect(mine.approval).toMatchObject({ decision: 'approved', by: 'b' });
    const steps = mine.timeline.map((t) => t.state);
    expect(steps.indexOf('awaiting_approval')).toBeLessThan(steps.indexOf('uploading'));
    expect(mine.timeline.find((t) => t.message === 'Approved by b.')?.state).toMatch(/^(queued|scheduled)$/);
    expect((await activity(a)).find((e) => e.text?.id === 'team.activity.approved')?.message).toBe(`Send ${send.id} approved by b; it uploads now.`);
    expect((await activity(b)).find((e) => e.text?.id === 'team.activity.youApproved')?.text?.values).toEqual({ sendId: send.id, name: 'a' });
    await a.services.sends.tick(); // the team hears of the final state at the next pass at the latest
    const row = (await admin.query('SELECT state, decided_by_name FROM team_sends WHERE id = $1', [send.id])).rows[0];
    expect(row).toEqual({ state: 'sent', decided_by_name: 'b' });
  });

  it('a rejected send never uploads, and its reason is in the journal and the activity log', async () => {
    const before = onServer();
    const created = await create(a, client().mailingIds[1]);
    const send = (created as { value: Send }).value;
    expect(send.state).toBe('awaiting_approval');
    const rejected = await value<Send>(b, 'sends.reject', { id: send.id, reason: 'Wrong list' });
    expect(rejected).toMatchObject({ state: 'cancelled', approval: { decision: 'rejected', by: 'b', reason: 'Wrong list' } });
    // Approving after the rejection is refused: one decision per send.
    const late = await call<Send>(b, 'sends.approve', { id: send.id });
    expect(late.ok ? 'approved' : late.error.code).toBe('CONFLICT');

    await passes(4);
    const mine = await a.services.sends.get({ id: send.id });
    expect(mine.state).toBe('cancelled');
    expect(mine.timeline.some((t) => t.state === 'uploading')).toBe(false);
    expect(mine.timeline.at(-1)?.message).toBe('Rejected by b: Wrong list. It will not be uploaded.');
    expect(onServer()).toEqual(before);
    expect(onServer().some((n) => n.startsWith(send.fileName.slice(0, 14)))).toBe(false);
    expect(existsSync(join(dir.path, 'a', 'sends', send.id))).toBe(false);
    expect((await activity(a)).find((e) => e.text?.id === 'team.activity.rejected')?.text?.values).toEqual({ sendId: send.id, name: 'b', reason: 'Wrong list' });
    // The source mailing is free again for the team.
    expect((await admin.query('SELECT active FROM team_sends WHERE id = $1', [send.id])).rows[0]).toEqual({ active: false });
  });

  it('test sends never wait for approval; outside a team a four-eyes real send is refused up front', async () => {
    const test = await create(a, client().mailingIds[1], true);
    expect(test.ok ? test.value.state : test.error.code).toMatch(/^(queued|uploading|on_server)$/);
    const solo = await openAppContext({ dataDir: join(dir.path, 'solo'), host: 'cli', secrets: null, env });
    try {
      const refused = await create(solo, client().mailingIds[2]);
      expect(refused.ok ? refused.value.state : refused.error.messageId).toBe('error.team.fourEyesNeedsTeam');
    } finally {
      await solo.close();
    }
  });
});
