import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Send } from '../../../shared/contract/sends';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { startDemoSandbox } from '../../../main/app/demo-sandbox';
import type { SandboxHandle } from '../../../main/services/sandbox';
import { nextSecond } from '../../../main/services/sends/send-runner';
import { formatWallClock, wallClockAt } from '../../../shared/zoned-time';
import { callService } from '../../helpers/call-service';
import { tempDir } from '../../helpers/temp-dir';

/**
 * Never a mailing sent twice, even from a data dir restored from an older backup: the backup was
 * taken while a real send was still scheduled (its remote names not yet final), the send then went
 * out and the server took it; after the restore the scheduler finds the send due again. The demo
 * sandbox keeps its server files in `<data dir>/sandbox`: the backup and the restore leave that
 * folder alone, as restoring a workstation leaves the vendor's server alone.
 */

let data: ReturnType<typeof tempDir>;
let backup: ReturnType<typeof tempDir>;
let context: AppContext;
let sandbox: SandboxHandle;

const call = <T>(channel: string, payload: unknown): Promise<T> => callService<T>(context, channel, payload);

async function open(): Promise<void> {
  context = await openAppContext({ dataDir: data.path, host: 'memory', secrets: null });
  sandbox = await startDemoSandbox(context, { interval: 0, exportInterval: 0 });
}

/** Copies every part of the data dir but the sandbox server's own files from `from` to `to` (both closed). */
function copyDataDir(from: string, to: string): void {
  for (const name of readdirSync(to)) if (name !== 'sandbox') rmSync(join(to, name), { recursive: true, force: true });
  for (const name of readdirSync(from)) if (name !== 'sandbox') cpSync(join(from, name), join(to, name), { recursive: true });
}

const serverDir = (kind: 'logs' | 'upload') => join(sandbox.clients[0].localDir, kind);
const recipientLogs = () => readdirSync(serverDir('logs')).filter((n) => /^\d{14}_subscribers\.log$/.test(n));

beforeAll(async () => {
  data = tempDir();
  backup = tempDir();
  await open();
});
afterAll(async () => {
  await context?.close();
  data?.cleanup();
  backup?.cleanup();
});

describe('a data dir restored from a backup taken while a real send was scheduled', () => {
  let sendId: string;
  let mailingId: string;

  it('the send goes out once before the restore', async () => {
    const path = join(data.path, 'recipients.csv');
    writeFileSync(path, ['E-Mail;Anrede;Vorname;Nachname', 'anna.schmidt@example.com;Frau;Anna;Schmidt', 'bernd.meier@example.com;Herr;Bernd;Meier'].join('\n'));
    const inspection = await call<{ mapping: unknown[] }>('recipients.inspect', { profile: 'Sandbox', client: 'demo', path });
    const created = await call<Send>('sends.create', {
      profile: 'Sandbox', client: 'demo', path, sourceMailingId: sandbox.clients[0].mailings[0].id, mapping: inspection.mapping,
      scheduledAt: new Date(Date.now() + 4_000).toISOString(),
    });
    expect(created.state).toBe('scheduled');
    sendId = created.id;
    // The nightly backup: the app closed, the data dir copied.
    await context.close();
    copyDataDir(data.path, backup.path);
    await open();
    while ((await call<Send>('sends.get', { id: sendId })).state === 'scheduled') {
      await new Promise((r) => setTimeout(r, 250));
      await context.services.sends.tick();
    }
    await sandbox.processNow();
    const [done] = await call<Send[]>('sends.refresh', { id: sendId });
    expect(done.state).toBe('sent');
    expect(done.mailingId).toMatch(/^\d{11}$/);
    mailingId = done.mailingId!;
    expect(recipientLogs()).toEqual([done.fileName.replace(/\.csv$/, '.log')]);
    expect(readdirSync(serverDir('upload'))).toEqual([]);
  });

  it('after the restore the scheduler uploads nothing: the send is held, and says why', async () => {
    await context.close();
    copyDataDir(backup.path, data.path);
    await open();
    const restored = await call<Send>('sends.get', { id: sendId });
    expect(restored.state).toBe('scheduled'); // the backup's view
    await context.services.sends.tick();
    await sandbox.processNow();
    await context.services.sends.tick();
    // The server received this send once: one log, one mailing, nothing waiting in the upload folder.
    expect(recipientLogs()).toHaveLength(1);
    expect(readdirSync(serverDir('upload'))).toEqual([]);
    const held = await call<Send>('sends.get', { id: sendId });
    expect(held.fileName.replace(/\.csv$/, '.log')).toBe(recipientLogs()[0]);
    expect(held.held).toMatchObject({ file: held.fileName });
    expect(held.state).toBe('queued');
    expect(held.timeline.at(-1)?.text?.id).toBe('sends.step.heldOwnName');
    expect(held.held?.since).not.toBeNull();
    expect(held.timeline.at(-1)?.message).toContain(`the server already has ${held.fileName}`);
    expect(existsSync(join(data.path, 'sends', sendId))).toBe(true); // nothing of the send is thrown away while it is held
    const activity = await call<{ entries: { text: { id: string } | null }[] }>('activity.list', { limit: 50 });
    expect(activity.entries.map((e) => e.text?.id)).toContain('sends.activity.heldOwnName');
    // Held means held: more passes, "Check now", a restart of the services: still nothing uploaded.
    await call('sends.refresh', { id: sendId });
    await context.close();
    await open();
    await context.services.sends.tick();
    await sandbox.processNow();
    expect(recipientLogs()).toHaveLength(1);
    expect((await call<Send>('sends.get', { id: sendId })).held).not.toBeNull();
  });

  it('"it is this send": Loopdesk follows the server\'s file to the mailing it already sent, and uploads nothing', async () => {
    const followed = await call<Send>('sends.resolveHold', { id: sendId, choice: 'isThisSend' });
    expect(followed).toMatchObject({ state: 'on_server', held: null });
    const [done] = await call<Send[]>('sends.refresh', { id: sendId });
    expect(done.state).toBe('sent');
    expect(done.mailingId).toBe(mailingId);
    expect(recipientLogs()).toHaveLength(1);
    expect(readdirSync(serverDir('upload'))).toEqual([]);
    expect(existsSync(join(data.path, 'sends', sendId))).toBe(false);
    // Answered once: a second answer is refused with the reason.
    const again = await context.dispatcher.handle('sends.resolveHold', { id: sendId, choice: 'notThisSend' }, { transport: 'memory' });
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});

describe('a file of another sender under a send\'s own name, that the server got after the send was due', () => {
  it('holds the send as well (the server cannot say whose it is); "not this send" uploads it under the next free second', async () => {
    const path = join(data.path, 'recipients.csv');
    const inspection = await call<{ mapping: unknown[] }>('recipients.inspect', { profile: 'Sandbox', client: 'demo', path });
    const created = await call<Send>('sends.create', {
      profile: 'Sandbox', client: 'demo', path, sourceMailingId: sandbox.clients[0].mailings[1].id, mapping: inspection.mapping,
      scheduledAt: new Date(Date.now() + 1_500).toISOString(),
    });
    const stem = created.fileName.replace(/\.csv$/, '');
    // Another system's upload of the same second, already taken by the server: only its log is left.
    const now = formatWallClock(wallClockAt(Date.now(), ''));
    writeFileSync(join(serverDir('logs'), `${stem}.log`), `timestamp;event;file;mailingId;records;message\n${now};received;${created.fileName};;;\n${now};mailing_created;${created.fileName};99999999999;5;\n`);
    await new Promise((r) => setTimeout(r, 1_600));
    await context.services.sends.tick();
    const held = await call<Send>('sends.get', { id: created.id });
    expect(held).toMatchObject({ state: 'queued', held: { file: created.fileName } });
    const answered = await call<Send>('sends.resolveHold', { id: created.id, choice: 'notThisSend' });
    expect(answered.held).toBeNull();
    expect(answered.timeline.at(-1)?.text?.id).toBe('sends.step.heldNotThisSend');
    await context.services.sends.tick();
    const uploaded = await call<Send>('sends.get', { id: created.id });
    expect(uploaded.state).toBe('on_server');
    expect(uploaded.fileName).toBe(`${nextSecond(stem.slice(0, 14))}_subscribers.csv`);
    await sandbox.processNow();
    const [done] = await call<Send[]>('sends.refresh', { id: created.id });
    expect(done.state).toBe('sent');
    expect(done.mailingId).not.toBe('99999999999');
  });
});

describe('a restored send whose first upload had moved to the next free second (another sender had its own name)', () => {
  it('is held with the name it went out under, and "it is this send" follows that one', async () => {
    const path = join(data.path, 'recipients.csv');
    const inspection = await call<{ mapping: unknown[] }>('recipients.inspect', { profile: 'Sandbox', client: 'demo', path });
    const created = await call<Send>('sends.create', {
      profile: 'Sandbox', client: 'demo', path, sourceMailingId: sandbox.clients[0].mailings[2].id, mapping: inspection.mapping,
      scheduledAt: new Date(Date.now() + 4_000).toISOString(),
    });
    const stamp = created.fileName.slice(0, 14);
    // Another system's file of the same second, taken by the server yesterday: only its log is left.
    const yesterday = formatWallClock(wallClockAt(Date.now() - 86_400_000, ''));
    writeFileSync(join(serverDir('logs'), `${stamp}_subscribers.log`), `timestamp;event;file;mailingId;records;message\n${yesterday};mailing_created;${created.fileName};99999999998;7;\n`);
    await context.close();
    copyDataDir(data.path, backup.path);
    await open();
    while ((await call<Send>('sends.get', { id: created.id })).state === 'scheduled') {
      await new Promise((r) => setTimeout(r, 250));
      await context.services.sends.tick();
    }
    await sandbox.processNow();
    const [sent] = await call<Send[]>('sends.refresh', { id: created.id });
    expect(sent.state).toBe('sent');
    const moved = `${nextSecond(stamp)}_subscribers.csv`;
    expect(sent.fileName).toBe(moved);
    const before = recipientLogs().length;

    await context.close();
    copyDataDir(backup.path, data.path);
    await open();
    await context.services.sends.tick();
    await sandbox.processNow();
    expect(recipientLogs()).toHaveLength(before);
    const held = await call<Send>('sends.get', { id: created.id });
    expect(held).toMatchObject({ state: 'queued', held: { file: moved } });
    const followed = await call<Send>('sends.resolveHold', { id: created.id, choice: 'isThisSend' });
    expect(followed).toMatchObject({ state: 'on_server', fileName: moved });
    const [done] = await call<Send[]>('sends.refresh', { id: created.id });
    expect(done).toMatchObject({ state: 'sent', mailingId: sent.mailingId });
    expect(recipientLogs()).toHaveLength(before);
  });
});
