import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../../shared/contract/activity';
import type { ConnectionReport } from '../../../shared/contract/profiles';
import { ConnectionOptions } from '../../../shared/contract/profiles';
import type { Send } from '../../../shared/contract/sends';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { startDemoSandbox } from '../../../main/app/demo-sandbox';
import type { SandboxHandle } from '../../../main/services/sandbox';
import { defaultConfig } from '../../../main/services/sandbox/config';
import { parseLogFile } from '../../../main/services/sends/server-status-adapter';
import { openSftp } from '../../../main/services/sftp';
import { appErrorOf } from '../faults/fault-support';
import { tempDir } from '../../helpers/temp-dir';
import { callService } from '../../helpers/call-service';

/**
 * Server errors the embedded sandbox can stage: a full disk (its `diskQuotaBytes` fault
 * switch answers WRITE with SSH_FX_FAILURE, as OpenSSH does on ENOSPC) and a log file the
 * status adapter cannot read. Each must give a clear message and leave a safe state.
 */

/** The client's whole tree may hold this much; a filler file takes whatever is left. */
const QUOTA = 1_000_000;

let data: ReturnType<typeof tempDir>;
let context: AppContext;
let sandbox: SandboxHandle;

const RECIPIENTS = ['E-Mail;Anrede;Vorname;Nachname', 'anna.schmidt@example.com;Frau;Anna;Schmidt', 'bernd.meier@example.com;Herr;Bernd;Meier'].join('\n');

const call = <T>(channel: string, payload: unknown): Promise<T> => callService<T>(context, channel, payload);

async function draft(mailingId: string) {
  const path = join(data.path, 'recipients.csv');
  if (!existsSync(path)) writeFileSync(path, RECIPIENTS, 'utf8');
  const inspection = await call<{ mapping: unknown[] }>('recipients.inspect', { profile: 'Sandbox', client: 'demo', path });
  return { profile: 'Sandbox', client: 'demo', path, sourceMailingId: mailingId, mapping: inspection.mapping };
}

const clientDir = () => sandbox.clients[0].localDir;
const uploadDirFiles = () => readdirSync(join(clientDir(), 'upload'));
const fillerPath = () => join(clientDir(), 'filler.bin');

function treeBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? treeBytes(p) : e.isFile() ? statSync(p).size : 0;
  }
  return total;
}

/** Fills the client's quota to the last byte, as a full disk would be. */
function fillDisk(): void {
  rmSync(fillerPath(), { force: true });
  writeFileSync(fillerPath(), Buffer.alloc(QUOTA - treeBytes(clientDir())));
}

async function activity(search: string): Promise<ActivityEntry[]> {
  return (await call<{ entries: ActivityEntry[] }>('activity.list', { search, limit: 100 })).entries;
}

beforeAll(async () => {
  data = tempDir();
  // The sandbox reads sandbox.json at start; writing it first turns the fault switch on.
  const config = defaultConfig('server-errors', 'server-errors-password');
  mkdirSync(join(data.path, 'sandbox'), { recursive: true });
  writeFileSync(join(data.path, 'sandbox', 'sandbox.json'), JSON.stringify({ ...config, clients: config.clients.map((c) => ({ ...c, diskQuotaBytes: QUOTA })) }));
  context = await openAppContext({ dataDir: data.path, host: 'memory', secrets: null });
  sandbox = await startDemoSandbox(context, { interval: 0, exportInterval: 0 });
});
afterAll(async () => {
  await context?.close();
  data?.cleanup();
});

describe('disk full on the server (SSH_FX_FAILURE on WRITE)', () => {
  it('an upload in either transfer mode fails with an out-of-space message and leaves neither .part nor final file', async () => {
    fillDisk();
    const local = join(data.path, 'payload.csv');
    writeFileSync(local, Buffer.alloc(300_000, 0x41));
    const session = await openSftp({
      host: sandbox.host,
      port: sandbox.port,
      username: sandbox.user,
      password: sandbox.password,
      trustedKeys: [sandbox.fingerprint],
      options: ConnectionOptions.parse({ operationTimeoutSeconds: 20 }),
    });
    try {
      for (const [mode, name] of [
        ['fast', '20250101120001_subscribers.csv'],
        ['plain', '20250101120002_subscribers.csv'],
      ] as const) {
        const err = await appErrorOf(session.uploadAtomic(local, sandbox.clients[0].uploadDir, name, { mode }));
        expect(err.code, mode).toBe('TRANSFER_FAILED');
        expect(err.message, mode).toMatch(/out of disk space/);
        expect(err.message, mode).toContain('Nothing was published under the final name');
        expect(err.details, mode).toMatchObject({ partRemoved: true, likelyCause: 'disk-full', transient: false });
      }
      expect(uploadDirFiles()).toEqual([]);
      // The connection stays usable after a refused write.
      expect(await session.exists(sandbox.clients[0].uploadDir)).toBe(true);
      const check = await session.checkWritable(sandbox.clients[0].uploadDir);
      expect(check.ok).toBe(false);
      expect(check.message).toMatch(/\/demo\/upload.*out of disk space/);
    } finally {
      await session.end();
    }
    expect(uploadDirFiles()).toEqual([]);
  });

  it('a send waits while the disk is full, then goes out exactly once when space is back', async () => {
    fillDisk();
    const created = await call<Send>('sends.create', await draft(sandbox.clients[0].mailings[0].id));
    await context.services.sends.tick();
    const waiting = await call<Send>('sends.get', { id: created.id });
    expect(waiting.state).toBe('uploading');
    expect(waiting.timeline.at(-1)?.message).toMatch(/^Interrupted: .*out of disk space.*Loopdesk will try again\.$/s);
    expect(uploadDirFiles()).toEqual([]);
    const logged = await activity(created.id);
    expect(logged.find((e) => e.level === 'error' && e.kind === 'upload')?.message).toMatch(/out of disk space/);

    // The connection test says the same about every directory of the client.
    const report = await call<ConnectionReport>('profiles.test', { name: 'Sandbox' });
    expect(report.ok).toBe(false);
    const upload = report.checks.find((c) => c.role === 'upload');
    expect(upload).toMatchObject({ ok: false, dir: '/demo/upload' });
    expect(upload?.message).toMatch(/out of disk space/);

    rmSync(fillerPath());
    // The scheduler backs off 4 s after the first failed attempt.
    await new Promise((r) => setTimeout(r, 4_100));
    await context.services.sends.tick();
    const uploaded = await call<Send>('sends.get', { id: created.id });
    expect(uploaded.state).toBe('on_server');
    expect(uploadDirFiles()).toEqual([uploaded.fileName]);
    const run = await sandbox.processNow();
    expect(run.processed.map((p) => p.file)).toEqual([uploaded.fileName]);
    const [done] = await call<Send[]>('sends.refresh', { id: created.id });
    expect(done.mailingId).toMatch(/^\d{11}$/);
    const log = readFileSync(join(clientDir(), 'logs', done.fileName.replace(/\.csv$/, '.log')), 'utf8');
    expect(parseLogFile(log).filter((e) => e.event === 'received')).toHaveLength(1);
    expect(done.timeline.filter((t) => t.state === 'uploading').map((t) => t.message)).toEqual([
      "The files go into the client's upload directory under a temporary name and get their final names only once complete, so the server never imports half a file.",
      expect.stringMatching(/^Interrupted: /),
      'Uploading again (attempt 2) after an interruption.',
    ]);
  });
});

describe('a malformed log file on the server', () => {
  it('keeps the send in its last known state, says so, and carries on once the log is repaired', async () => {
    const created = await call<Send>('sends.create', await draft(sandbox.clients[0].mailings[1].id));
    await context.services.sends.tick();
    expect((await call<Send>('sends.get', { id: created.id })).state).toBe('on_server');
    await sandbox.processNow();
    const logPath = join(clientDir(), 'logs', created.fileName.replace(/\.csv$/, '.log'));
    const original = readFileSync(logPath, 'utf8');
    expect(original).toContain('sending_finished');

    // A foreign layout whose rows would read as "sent" if the header were ignored.
    writeFileSync(logPath, `when;what;file;mailing\n2025-01-01 12:00:00;sending_finished;${created.fileName};12345678901\n`);
    for (let i = 0; i < 2; i++) {
      const [after] = await call<Send[]>('sends.refresh', { id: created.id });
      expect(after.state).toBe('on_server');
      expect(after.mailingId).toBeNull();
      expect(after.error).toBeNull();
      expect(after.lastCheckedAt).not.toBeNull();
    }
    const warnings = (await activity(created.id)).filter((e) => e.kind === 'status');
    expect(warnings.length).toBe(2);
    expect(warnings[0]).toMatchObject({ level: 'warn' });
    expect(warnings[0].message).toMatch(/log file does not have the expected columns \(missing timestamp, event, mailingId, records, message\)/);

    // An empty log (a server caught mid-write) tells nothing; the file having left the upload
    // directory still does, and that alone is all the state moves on.
    writeFileSync(logPath, '');
    const [empty] = await call<Send[]>('sends.refresh', { id: created.id });
    expect(empty.state).toBe('taken');
    expect(empty.mailingId).toBeNull();

    writeFileSync(logPath, original);
    const [repaired] = await call<Send[]>('sends.refresh', { id: created.id });
    expect(repaired.state).toBe('sent');
    expect(repaired.mailingId).toMatch(/^\d{11}$/);
    expect(original).toContain(repaired.mailingId!);
  });
  it('names the unreadable log file in the send timeline, once, with what to do', async () => {
    const created = await call<Send>('sends.create', await draft(sandbox.clients[0].mailings[2].id));
    await context.services.sends.tick();
    await sandbox.processNow();
    const logPath = join(clientDir(), 'logs', created.fileName.replace(/\.csv$/, '.log'));
    writeFileSync(logPath, 'garbage without the expected header\n');
    await call<Send[]>('sends.refresh', { id: created.id });
    const [after] = await call<Send[]>('sends.refresh', { id: created.id });
    const notes = after.timeline.filter((t) => /server's log file could not be read/i.test(t.message));
    expect(notes).toHaveLength(1);
    expect(notes[0].message).toMatch(/checks again/i);
    expect((await activity(created.id)).some((e) => /server's log file could not be read/i.test(e.message))).toBe(true);
  });
});
