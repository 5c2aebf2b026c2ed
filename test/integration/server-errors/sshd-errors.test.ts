import { chmodSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionReport } from '../../../shared/contract/profiles';
import type { Send } from '../../../shared/contract/sends';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { openSftp, type SftpSession } from '../../../main/services/sftp';
import { appErrorOf } from '../faults/fault-support';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { serverDir, serverFile } from '../../helpers/sshd-dirs';
import { sshdTarget } from '../../helpers/sshd-target';
import { tempDir } from '../../helpers/temp-dir';
import { callService } from '../../helpers/call-service';

/**
 * Server errors from a real OpenSSH server: a directory the login may not write into, a
 * directory that is not there, and a file that vanishes between listing and download. Each
 * must say what happened and what to do, and leave nothing half-done on either side.
 */

let sshd: SshdHandle;
let session: SftpSession;
let data: ReturnType<typeof tempDir>;

const RECIPIENTS = ['E-Mail;Anrede;Vorname;Nachname', 'anna.schmidt@example.com;Frau;Anna;Schmidt', 'bernd.meier@example.com;Herr;Bernd;Meier'].join('\n');

beforeAll(async () => {
  sshd = await startSshd();
  session = await openSftp(sshdTarget(sshd));
  data = tempDir();
});
afterAll(async () => {
  await session?.end();
  await sshd?.stop();
  data?.cleanup();
});

describe('one SFTP session against OpenSSH', () => {
  it('permission denied: the upload names the directory and the login, and nothing lands there', async () => {
    const dir = serverDir(sshd, 'locked/upload', 0o555);
    const local = join(data.path, 'a.csv');
    writeFileSync(local, '"a@example.com";"1"\n');
    for (const mode of ['fast', 'plain'] as const) {
      const err = await appErrorOf(session.uploadAtomic(local, dir, '20250101120000_subscribers.csv', { mode }));
      expect(err.code, mode).toBe('TRANSFER_FAILED');
      expect(err.details, mode).toMatchObject({ cause: 'PERMISSION_DENIED', transient: false });
      expect(err.message, mode).toContain(`does not let user "${sshd.user}" write into ${dir} (permission denied)`);
      expect(err.message, mode).toMatch(/Ask the server administrator for write rights/);
    }
    expect(readdirSync(dir)).toEqual([]);
    const check = await session.checkWritable(dir);
    expect(check).toEqual({
      ok: false,
      message: expect.stringContaining(`write into ${dir} (permission denied)`),
      text: { id: 'error.sftp.writeDenied', values: { username: sshd.user, path: dir } },
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('directory missing: upload, listing and write test all name the directory and point at the profile', async () => {
    const dir = join(sshd.root, 'nowhere', 'upload');
    const local = join(data.path, 'b.csv');
    writeFileSync(local, '"b@example.com";"1"\n');
    const err = await appErrorOf(session.uploadAtomic(local, dir, '20250101120000_subscribers.csv'));
    expect(err.code).toBe('TRANSFER_FAILED');
    expect(err.details).toMatchObject({ cause: 'NOT_FOUND', transient: false });
    expect(err.message).toContain(`The directory ${dir} does not exist on the server. Check the client's directories in the connection profile`);
    const listed = await appErrorOf(session.list(dir));
    expect(listed.code).toBe('NOT_FOUND');
    expect(listed.message).toContain(`The directory ${dir} does not exist on the server. Check the client's directories in the connection profile`);
    const check = await session.checkWritable(dir);
    expect(check.ok).toBe(false);
    expect(check.message).toContain(`The directory ${dir} does not exist`);
    // Nothing is created behind the operator's back: a wrong profile must stay visible.
    expect(existsSync(join(sshd.root, 'nowhere'))).toBe(false);
  });

  it('a file that vanishes between list and get gives NOT_FOUND and no local file, complete or partial', async () => {
    const dir = serverDir(sshd, 'responses');
    const remote = serverFile(sshd, 'responses/20250101_clicks.csv', 'id;userId\n"1";"2"\n');
    expect((await session.list(dir)).map((e) => e.name)).toEqual(['20250101_clicks.csv']);
    rmSync(remote);
    const into = join(data.path, 'pulled');
    const err = await appErrorOf(session.download(remote, join(into, '20250101_clicks.csv')));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toBe(`${remote} does not exist on the server.`);
    expect(existsSync(into) ? readdirSync(into) : []).toEqual([]);
    // The session is still usable afterwards.
    expect(await session.list(dir)).toEqual([]);
  });
});

describe('sends and the connection test against OpenSSH', () => {
  let context: AppContext;
  let appData: ReturnType<typeof tempDir>;

  const call = <T>(channel: string, payload: unknown): Promise<T> => callService<T>(context, channel, payload);

  async function createSend(client: string, mailingId: string): Promise<Send> {
    const path = join(appData.path, 'recipients.csv');
    if (!existsSync(path)) writeFileSync(path, RECIPIENTS, 'utf8');
    const inspection = await call<{ mapping: unknown[] }>('recipients.inspect', { profile: 'OpenSSH', client, path });
    return call<Send>('sends.create', { profile: 'OpenSSH', client, path, sourceMailingId: mailingId, mapping: inspection.mapping });
  }

  beforeAll(async () => {
    appData = tempDir();
    context = await openAppContext({ dataDir: appData.path, host: 'memory', secrets: null });
    const client = (name: string, upload: string, mailing: string) => ({
      name,
      uploadDir: upload,
      logDir: serverDir(sshd, `${name}/logs`),
      responseDir: serverDir(sshd, `${name}/responses`),
      mailings: [{ id: mailing, name: `Newsletter ${name}` }],
    });
    await call('profiles.save', {
      profile: {
        name: 'OpenSSH',
        host: sshd.host,
        port: sshd.port,
        user: sshd.user,
        auth: { kind: 'password', password: sshd.password },
        trustedKeys: [sshd.hostKeyFingerprint],
        options: { connectTimeoutSeconds: 10, operationTimeoutSeconds: 20 },
        clients: [client('denied', serverDir(sshd, 'denied/upload', 0o555), '44018617811'), client('missing', join(sshd.root, 'missing', 'upload'), '44018617822')],
      },
    });
  });
  afterAll(async () => {
    await context?.close();
    appData?.cleanup();
  });

  it('the connection test reports the unwritable and the missing upload directory, and passes the others', async () => {
    const report = await call<ConnectionReport>('profiles.test', { name: 'OpenSSH' });
    expect(report.ok).toBe(false);
    const byDir = (client: string, role: string) => report.checks.find((c) => c.client === client && c.role === role);
    expect(byDir('denied', 'upload')).toMatchObject({ ok: false, message: expect.stringContaining(`write into ${sshd.root}/denied/upload (permission denied)`) });
    expect(byDir('missing', 'upload')).toMatchObject({ ok: false, message: expect.stringContaining(`The directory ${sshd.root}/missing/upload does not exist`) });
    for (const c of report.checks.filter((x) => x.role !== 'upload')) expect(c, `${c.client} ${c.role}`).toMatchObject({ ok: true });
    // The probes leave nothing behind, not even in the directories that passed.
    expect(readdirSync(join(sshd.root, 'denied', 'logs'))).toEqual([]);
    expect(readdirSync(join(sshd.root, 'denied', 'upload'))).toEqual([]);
  });

  it('a send to a denied directory waits and goes out once after the fix; one to a missing directory stops with the reason', async () => {
    const denied = await createSend('denied', '44018617811');
    const missing = await createSend('missing', '44018617822');
    await context.services.sends.tick();
    const deniedNow = await call<Send>('sends.get', { id: denied.id });
    const missingNow = await call<Send>('sends.get', { id: missing.id });
    // Rights are fixed on the server, so the send stays queued for upload and retries.
    expect(deniedNow.state).toBe('uploading');
    expect(deniedNow.timeline.at(-1)?.message).toContain(`write into ${sshd.root}/denied/upload (permission denied)`);
    expect(readdirSync(join(sshd.root, 'denied', 'upload'))).toEqual([]);
    // A missing directory is fixed in the profile, which a recorded send does not follow: it stops.
    const missingReason = `The directory ${sshd.root}/missing/upload does not exist on the server. Check the client's directories in the connection profile`;
    expect(missingNow.state).toBe('error');
    expect(missingNow.error?.message).toContain(missingReason);
    expect(missingNow.timeline.at(-1)).toMatchObject({ state: 'error', message: expect.stringContaining(missingReason) });
    expect(existsSync(join(sshd.root, 'missing', 'upload'))).toBe(false);

    // The administrator fixes both; the scheduler's back-off after a first failure is 4 s.
    chmodSync(join(sshd.root, 'denied', 'upload'), 0o755);
    serverDir(sshd, 'missing/upload');
    const again = await createSend('missing', '44018617822');
    await new Promise((r) => setTimeout(r, 4_100));
    await context.services.sends.tick();
    const deniedAfter = await call<Send>('sends.get', { id: denied.id });
    expect(deniedAfter.state).toBe('on_server');
    expect(readdirSync(join(sshd.root, 'denied', 'upload'))).toEqual([deniedAfter.fileName]);
    expect(deniedAfter.timeline.filter((t) => t.state === 'uploading').map((t) => t.message)).toEqual([
      "The files go into the client's upload directory under a temporary name and get their final names only once complete, so the server never imports half a file.",
      expect.stringMatching(/^Interrupted: /),
      'Uploading again (attempt 2) after an interruption.',
    ]);
    const againAfter = await call<Send>('sends.get', { id: again.id });
    expect(againAfter.state).toBe('on_server');
    expect(readdirSync(join(sshd.root, 'missing', 'upload'))).toEqual([againAfter.fileName]);
    expect((await call<Send>('sends.get', { id: missing.id })).state).toBe('error');
  });
});
