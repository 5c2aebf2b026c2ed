import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Send } from '../../../shared/contract/sends';
import { nextSecond } from '../../../main/services/sends/send-runner';
import { formatWallClock, wallClockAt } from '../../../shared/zoned-time';
import { useSandboxApp } from '../../helpers/sandbox-app';

/**
 * Never a mailing sent twice when the SFTP server's clock runs behind this workstation's: the
 * sandbox server here runs ten minutes behind (its log times and the file times it reports), so
 * this send's own upload looks ten minutes older than the send on the server's times. A data dir
 * restored from a backup taken while the send was still scheduled (and before any upload, so the
 * restored file knows nothing of the server's clock) must still hold the send, not upload it again.
 * The backup and the restore leave the sandbox's own folder alone, as restoring a workstation
 * leaves the vendor's server alone.
 */

const BEHIND_SECONDS = 600;

const app = useSandboxApp({ clockOffsetSeconds: -BEHIND_SECONDS });

const serverDir = (kind: 'logs' | 'upload') => join(app.sandbox.clients[0].localDir, kind);
const storedClock = async () => (await app.context.db.all<{ offset_ms: bigint; error_ms: bigint }>('SELECT offset_ms, error_ms FROM server_clock WHERE profile = $1', ['Sandbox']))[0];
const clockWarnings = async () =>
  (await app.call<{ entries: { text: { id: string; values: Record<string, unknown> } | null }[] }>('activity.list', { limit: 200 })).entries.filter((e) => e.text?.id === 'sends.activity.serverClockBehind');

describe('a server whose clock runs ten minutes behind, and a data dir restored from before a send went out', () => {
  let sendId: string;

  it('the send goes out once; its upload measures the server clock, and the operator is told once', async () => {
    const path = join(app.dataDir, 'recipients.csv');
    writeFileSync(path, ['E-Mail;Anrede;Vorname;Nachname', 'anna.schmidt@example.com;Frau;Anna;Schmidt', 'bernd.meier@example.com;Herr;Bernd;Meier'].join('\n'));
    const created = await app.call<Send>('sends.create', { ...(await app.draft(path, app.sandbox.clients[0].mailings[0].id)), scheduledAt: new Date(Date.now() + 4_000).toISOString() });
    expect(created.state).toBe('scheduled');
    sendId = created.id;
    // The nightly backup, before any upload: the restored data file will know nothing of the server's clock.
    await app.backup();
    expect(await storedClock()).toBeUndefined();
    while ((await app.call<Send>('sends.get', { id: sendId })).state === 'scheduled') {
      await new Promise((r) => setTimeout(r, 250));
      await app.context.services.sends.tick();
    }
    await app.sandbox.processNow();
    const [done] = await app.call<Send[]>('sends.refresh', { id: sendId });
    expect(done.state).toBe('sent');
    expect(app.recipientLogs()).toEqual([done.fileName.replace(/\.csv$/, '.log')]);

    // The upload's own .part measured the server clock: ten minutes behind, within the bound it states.
    const clock = await storedClock();
    expect(clock).toBeDefined();
    const [offset, error] = [Number(clock!.offset_ms), Number(clock!.error_ms)];
    expect(error).toBeLessThan(5_000);
    expect(Math.abs(offset + BEHIND_SECONDS * 1000)).toBeLessThanOrEqual(error);
    const warnings = await clockWarnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0].text?.values).toMatchObject({ server: `127.0.0.1:${app.sandbox.port}`, minutes: 10 });
  });

  it('after the restore the send is held, not uploaded a second time', async () => {
    await app.restore();
    expect((await app.call<Send>('sends.get', { id: sendId })).state).toBe('scheduled'); // the backup's view
    expect(await storedClock()).toBeUndefined(); // and it knows nothing of the server's clock
    await app.context.services.sends.tick();
    await app.sandbox.processNow();
    await app.context.services.sends.tick();
    // The server received this send once: one log, one mailing, nothing waiting in the upload folder.
    expect(app.recipientLogs()).toHaveLength(1);
    expect(readdirSync(serverDir('upload'))).toEqual([]);
    const held = await app.call<Send>('sends.get', { id: sendId });
    expect(held).toMatchObject({ state: 'queued', held: { file: held.fileName } });
    expect(held.fileName.replace(/\.csv$/, '.log')).toBe(app.recipientLogs()[0]);
    expect(held.timeline.at(-1)?.text?.id).toBe('sends.step.heldOwnName');
    // "Since" is on this computer's clock (the server's would say ten minutes before the send was even created).
    const since = Date.parse(held.held!.since!);
    expect(since).toBeGreaterThanOrEqual(Date.parse(held.createdAt) - 5_000);
    expect(since).toBeLessThanOrEqual(Date.now());
    // The check measured the clock on the spot (a probe write, nothing left behind) and kept it.
    const clock = await storedClock();
    expect(Math.abs(Number(clock!.offset_ms) + BEHIND_SECONDS * 1000)).toBeLessThanOrEqual(Number(clock!.error_ms));
    // The warning of the restored data file's own (first) measurement: again once, for this data file.
    expect(await clockWarnings()).toHaveLength(1);
    await app.context.services.sends.tick();
    expect(await clockWarnings()).toHaveLength(1);
    expect(app.recipientLogs()).toHaveLength(1);
  });
});

describe('the measured clock still tells another sender\'s file apart', () => {
  it('a log of the same second the server wrote 20 minutes before the send was due (on its clock, 30 on ours) is walked past, and the send goes out', async () => {
    const path = join(app.dataDir, 'recipients.csv');
    const created = await app.call<Send>('sends.create', { ...(await app.draft(path, app.sandbox.clients[0].mailings[1].id)), scheduledAt: new Date(Date.now() + 1_500).toISOString() });
    const stem = created.fileName.replace(/\.csv$/, '');
    // Another system's upload of the same second, taken by the server long before: only its log is left, in the server's (behind) time.
    const then = formatWallClock(wallClockAt(Date.now() - (BEHIND_SECONDS + 20 * 60) * 1000, ''));
    writeFileSync(join(serverDir('logs'), `${stem}.log`), `timestamp;event;file;mailingId;records;message\n${then};received;${created.fileName};;;\n${then};mailing_created;${created.fileName};99999999997;5;\n`);
    await new Promise((r) => setTimeout(r, 1_600));
    await app.context.services.sends.tick();
    const uploaded = await app.call<Send>('sends.get', { id: created.id });
    expect(uploaded).toMatchObject({ state: 'on_server', held: null, fileName: `${nextSecond(stem.slice(0, 14))}_subscribers.csv` });
    // Its upload measured the clock again; the operator was told once per profile, not once per upload.
    expect(await clockWarnings()).toHaveLength(1);
  });
});

describe('the connection test measures the server clock too', () => {
  it('its probe write in the upload folder keeps a tight measurement, before any send needs one', async () => {
    await app.context.db.run('DELETE FROM server_clock');
    const report = await app.call<{ ok: boolean }>('profiles.test', { name: 'Sandbox' });
    expect(report.ok).toBe(true);
    const clock = await storedClock();
    expect(Number(clock!.error_ms)).toBeLessThan(2_000); // one small write's round trip, plus the file time's second
    expect(Math.abs(Number(clock!.offset_ms) + BEHIND_SECONDS * 1000)).toBeLessThanOrEqual(Number(clock!.error_ms));
    expect(readdirSync(serverDir('upload')).filter((n) => n.startsWith('.loopdesk-write-test'))).toEqual([]);
  });
});
