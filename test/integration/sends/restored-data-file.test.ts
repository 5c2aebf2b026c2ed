import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Send } from '../../../shared/contract/sends';
import { nextSecond } from '../../../main/services/sends/send-runner';
import { formatWallClock, wallClockAt } from '../../../shared/zoned-time';
import { useSandboxApp } from '../../helpers/sandbox-app';

/**
 * Never a mailing sent twice, even from a data dir restored from an older backup: the backup was
 * taken while a real send was still scheduled (its remote names not yet final), the send then went
 * out and the server took it; after the restore the scheduler finds the send due again. The demo
 * sandbox keeps its server files in `<data dir>/sandbox`: the backup and the restore leave that
 * folder alone, as restoring a workstation leaves the vendor's server alone.
 */

const app = useSandboxApp();

const serverDir = (kind: 'logs' | 'upload') => join(app.sandbox.clients[0].localDir, kind);

describe('a data dir restored from a backup taken while a real send was scheduled', () => {
  let sendId: string;
  let mailingId: string;

  it('the send goes out once before the restore', async () => {
    const path = join(app.dataDir, 'recipients.csv');
    writeFileSync(path, ['E-Mail;Anrede;Vorname;Nachname', 'anna.schmidt@example.com;Frau;Anna;Schmidt', 'bernd.meier@example.com;Herr;Bernd;Meier'].join('\n'));
    const created = await app.call<Send>('sends.create', { ...(await app.draft(path, app.sandbox.clients[0].mailings[0].id)), scheduledAt: new Date(Date.now() + 4_000).toISOString() });
    expect(created.state).toBe('scheduled');
    sendId = created.id;
    // The nightly backup: the app closed, the data dir copied.
    await app.backup();
    while ((await app.call<Send>('sends.get', { id: sendId })).state === 'scheduled') {
      await new Promise((r) => setTimeout(r, 250));
      await app.context.services.sends.tick();
    }
    await app.sandbox.processNow();
    const [done] = await app.call<Send[]>('sends.refresh', { id: sendId });
    expect(done.state).toBe('sent');
    expect(done.mailingId).toMatch(/^\d{11}$/);
    mailingId = done.mailingId!;
    expect(app.recipientLogs()).toEqual([done.fileName.replace(/\.csv$/, '.log')]);
    expect(readdirSync(serverDir('upload'))).toEqual([]);
  });

  it('after the restore the scheduler uploads nothing: the send is held, and says why', async () => {
    await app.restore();
    const restored = await app.call<Send>('sends.get', { id: sendId });
    expect(restored.state).toBe('scheduled'); // the backup's view
    await app.context.services.sends.tick();
    await app.sandbox.processNow();
    await app.context.services.sends.tick();
    // The server received this send once: one log, one mailing, nothing waiting in the upload folder.
    expect(app.recipientLogs()).toHaveLength(1);
    expect(readdirSync(serverDir('upload'))).toEqual([]);
    const held = await app.call<Send>('sends.get', { id: sendId });
    expect(held.fileName.replace(/\.csv$/, '.log')).toBe(app.recipientLogs()[0]);
    expect(held.held).toMatchObject({ file: held.fileName });
    expect(held.state).toBe('queued');
    expect(held.timeline.at(-1)?.text?.id).toBe('sends.step.heldOwnName');
    expect(held.held?.since).not.toBeNull();
    expect(held.timeline.at(-1)?.message).toContain(`the server already has ${held.fileName}`);
    expect(existsSync(join(app.dataDir, 'sends', sendId))).toBe(true); // nothing of the send is thrown away while it is held
    const activity = await app.call<{ entries: { text: { id: string } | null }[] }>('activity.list', { limit: 50 });
    expect(activity.entries.map((e) => e.text?.id)).toContain('sends.activity.heldOwnName');
    // Held means held: more passes, "Check now", a restart of the services: still nothing uploaded.
    await app.call('sends.refresh', { id: sendId });
    await app.restart();
    await app.context.services.sends.tick();
    await app.sandbox.processNow();
    expect(app.recipientLogs()).toHaveLength(1);
    expect((await app.call<Send>('sends.get', { id: sendId })).held).not.toBeNull();
  });

  it('"it is this send": Loopdesk follows the server\'s file to the mailing it already sent, and uploads nothing', async () => {
    const followed = await app.call<Send>('sends.resolveHold', { id: sendId, choice: 'isThisSend' });
    expect(followed).toMatchObject({ state: 'on_server', held: null });
    const [done] = await app.call<Send[]>('sends.refresh', { id: sendId });
    expect(done.state).toBe('sent');
    expect(done.mailingId).toBe(mailingId);
    expect(app.recipientLogs()).toHaveLength(1);
    expect(readdirSync(serverDir('upload'))).toEqual([]);
    expect(existsSync(join(app.dataDir, 'sends', sendId))).toBe(false);
    // Answered once: a second answer is refused with the reason.
    const again = await app.context.dispatcher.handle('sends.resolveHold', { id: sendId, choice: 'notThisSend' }, { transport: 'memory' });
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});

describe('a file of another sender under a send\'s own name, that the server got after the send was due', () => {
  it('holds the send as well (the server cannot say whose it is); "not this send" uploads it under the next free second', async () => {
    const path = join(app.dataDir, 'recipients.csv');
    const created = await app.call<Send>('sends.create', { ...(await app.draft(path, app.sandbox.clients[0].mailings[1].id)), scheduledAt: new Date(Date.now() + 1_500).toISOString() });
    const stem = created.fileName.replace(/\.csv$/, '');
    // Another system's upload of the same second, already taken by the server: only its log is left.
    const now = formatWallClock(wallClockAt(Date.now(), ''));
    writeFileSync(join(serverDir('logs'), `${stem}.log`), `timestamp;event;file;mailingId;records;message\n${now};received;${created.fileName};;;\n${now};mailing_created;${created.fileName};99999999999;5;\n`);
    await new Promise((r) => setTimeout(r, 1_600));
    await app.context.services.sends.tick();
    const held = await app.call<Send>('sends.get', { id: created.id });
    expect(held).toMatchObject({ state: 'queued', held: { file: created.fileName } });
    const answered = await app.call<Send>('sends.resolveHold', { id: created.id, choice: 'notThisSend' });
    expect(answered.held).toBeNull();
    expect(answered.timeline.at(-1)?.text?.id).toBe('sends.step.heldNotThisSend');
    await app.context.services.sends.tick();
    const uploaded = await app.call<Send>('sends.get', { id: created.id });
    expect(uploaded.state).toBe('on_server');
    expect(uploaded.fileName).toBe(`${nextSecond(stem.slice(0, 14))}_subscribers.csv`);
    await app.sandbox.processNow();
    const [done] = await app.call<Send[]>('sends.refresh', { id: created.id });
    expect(done.state).toBe('sent');
    expect(done.mailingId).not.toBe('99999999999');
  });
});

describe('a restored send whose first upload had moved to the next free second (another sender had its own name)', () => {
  it('is held with the name it went out under, and "it is this send" follows that one', async () => {
    const path = join(app.dataDir, 'recipients.csv');
    const created = await app.call<Send>('sends.create', { ...(await app.draft(path, app.sandbox.clients[0].mailings[2].id)), scheduledAt: new Date(Date.now() + 4_000).toISOString() });
    const stamp = created.fileName.slice(0, 14);
    // Another system's file of the same second, taken by the server yesterday: only its log is left.
    const yesterday = formatWallClock(wallClockAt(Date.now() - 86_400_000, ''));
    writeFileSync(join(serverDir('logs'), `${stamp}_subscribers.log`), `timestamp;event;file;mailingId;records;message\n${yesterday};mailing_created;${created.fileName};99999999998;7;\n`);
    await app.backup();
    while ((await app.call<Send>('sends.get', { id: created.id })).state === 'scheduled') {
      await new Promise((r) => setTimeout(r, 250));
      await app.context.services.sends.tick();
    }
    await app.sandbox.processNow();
    const [sent] = await app.call<Send[]>('sends.refresh', { id: created.id });
    expect(sent.state).toBe('sent');
    const moved = `${nextSecond(stamp)}_subscribers.csv`;
    expect(sent.fileName).toBe(moved);
    const before = app.recipientLogs().length;

    await app.restore();
    await app.context.services.sends.tick();
    await app.sandbox.processNow();
    expect(app.recipientLogs()).toHaveLength(before);
    const held = await app.call<Send>('sends.get', { id: created.id });
    expect(held).toMatchObject({ state: 'queued', held: { file: moved } });
    const followed = await app.call<Send>('sends.resolveHold', { id: created.id, choice: 'isThisSend' });
    expect(followed).toMatchObject({ state: 'on_server', fileName: moved });
    const [done] = await app.call<Send[]>('sends.refresh', { id: created.id });
    expect(done).toMatchObject({ state: 'sent', mailingId: sent.mailingId });
    expect(app.recipientLogs()).toHaveLength(before);
  });
});
