import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import SftpClient from 'ssh2-sftp-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESPONSE_KINDS, startSandbox, type SandboxHandle } from '../../../main/services/sandbox';
import { productsFile, readCsv, recipientFile, recipientLine, stampDaysAgo, tempDir } from '../../fixtures/sandbox/files';

let sb: SandboxHandle;
let client: SftpClient;
let mailing: string;
const UP = '/demo/upload';

/** Uploads the way Loopdesk does: to `.part`, then rename. */
async function upload(c: SftpClient, name: string, content: string): Promise<void> {
  await c.put(Buffer.from(content), `${UP}/${name}.part`);
  await c.rename(`${UP}/${name}.part`, `${UP}/${name}`);
}

/** All rows of one kind across the day files of a response directory. */
function allRows(dir: string, kind: string): Record<string, string>[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(`_${kind}.csv`))
    .sort()
    .flatMap((f) => readCsv(readFileSync(path.join(dir, f), 'utf8')));
}

beforeAll(async () => {
  sb = await startSandbox({ root: path.join(tempDir('sandbox-loop'), 'root'), seed: 'loop', interval: 0 });
  mailing = sb.clients[0].mailingIds[0];
  client = new SftpClient();
  await client.connect({ host: sb.host, port: sb.port, username: sb.user, password: sb.password });
});

afterAll(async () => {
  await client?.end();
  await sb?.stop();
});

describe('sandbox closed loop', () => {
  const local = () => sb.clients[0].localDir;

  it('a valid upload is taken, logged, sent, and exported with every foreign key resolving', async () => {
    const stamp = stampDaysAgo(3);
    await upload(client, `${stamp}_products.csv`, productsFile());
    await upload(client, `${stamp}_subscribers.csv`, recipientFile(mailing, 1000));
    const report = await sb.processNow();
    expect(report.failed).toEqual([]);
    expect(report.processed).toHaveLength(1);
    const mailingId = report.processed[0].mailingIds[0];
    expect(mailingId).toMatch(/^[1-9]\d{10}$/);
    expect(sb.clients[0].mailingIds).not.toContain(mailingId);

    // The upload (and its products file) left upload/; nothing of it is visible over SFTP.
    expect((await client.list(UP)).map((e) => e.name)).toEqual([]);
    const log = readCsv((await client.get(`/demo/logs/${stamp}_subscribers.log`)).toString());
    expect(log.map((r) => r.event)).toEqual(['received', 'imported', 'mailing_created', 'sending_started', 'sending_finished']);
    expect(log[1].records).toBe('1000');
    expect(log.slice(2).every((r) => r.mailingId === mailingId)).toBe(true);
    expect(Object.keys(log[0])).toEqual(['timestamp', 'event', 'file', 'mailingId', 'records', 'message']);
    expect(log[0].timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const exp = await sb.exportNow();
    expect(exp.clients[0].written.length).toBeGreaterThanOrEqual(7);
    const dir = path.join(local(), 'responses');
    const names = (await client.list('/demo/responses')).map((e) => e.name);
    for (const kind of RESPONSE_KINDS) expect(names).toContain(`${stamp.slice(0, 8)}_${kind}.csv`);
    expect(names.every((n) => /^\d{8}_[a-z]+\.csv$/.test(n))).toBe(true);

    const mailings = allRows(dir, 'mailings');
    const recipients = allRows(dir, 'mailingrecipients');
    const links = allRows(dir, 'links');
    expect(mailings).toEqual([expect.objectContaining({ id: mailingId, mailingGroupId: mailing })]);
    expect(new Set(recipients.map((r) => r.userId))).toEqual(new Set(Array.from({ length: 1000 }, (_, i) => `user${i}@example.com`)));
    const mailingIds = new Set(mailings.map((m) => m.id));
    const recipientIds = new Set(recipients.map((r) => r.id));
    const linkIds = new Set(links.map((l) => l.id));
    expect(recipientIds.size).toBe(1000);
    expect(links.map((l) => l.name)).toContain('Product P2');
    for (const r of recipients) expect(mailingIds.has(r.mailingId)).toBe(true);
    for (const l of links) expect(mailingIds.has(l.mailingId)).toBe(true);
    for (const kind of ['clicks', 'opens', 'unsubscribes', 'responses']) {
      const rows = allRows(dir, kind);
      expect(rows.length, kind).toBeGreaterThan(0);
      for (const r of rows) {
        expect(mailingIds.has(r.mailingId), `${kind}.mailingId`).toBe(true);
        expect(recipientIds.has(r.mailingToUserId), `${kind}.mailingToUserId`).toBe(true);
        if (r.linkId) expect(linkIds.has(r.linkId), `${kind}.linkId`).toBe(true);
        expect(r.created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      }
    }
    expect(allRows(dir, 'clicks').every((r) => r.linkId !== '')).toBe(true);

    // A second export with nothing new rewrites nothing.
    const again = await sb.exportNow();
    expect(again.clients[0].written).toEqual([]);
  });

  it('a broken upload through the server writes an error file, halts, and resumes after restart()', async () => {
    const bad = stampDaysAgo(2);
    const good = stampDaysAgo(2, 1);
    await upload(client, `${bad}_subscribers.csv`, recipientFile(mailing, 3) + recipientLine({ email: 'broken-address', mailing }));
    let report = await sb.processNow();
    expect(report.failed).toHaveLength(1);
    const errors = readCsv((await client.get(`/demo/logs/${bad}_subscribers.error.csv`)).toString());
    expect(errors).toEqual([expect.objectContaining({ line: '4', field: 'Email', code: 'INVALID_EMAIL' })]);
    expect((await client.get('/demo/logs/HALTED')).toString().trim()).toBe(`${bad}_subscribers.error.csv`);
    const log = readCsv((await client.get(`/demo/logs/${bad}_subscribers.log`)).toString());
    expect(log.map((r) => r.event)).toEqual(['received', 'error']);
    expect(await client.exists(`${UP}/${bad}_subscribers.csv`)).toBe(false);

    // Halted: the next valid upload waits.
    await upload(client, `${good}_subscribers.csv`, recipientFile(mailing, 5, 'next'));
    report = await sb.processNow();
    expect(report.processed).toEqual([]);
    expect(report.halted).toEqual(['demo']);
    expect(await client.exists(`${UP}/${good}_subscribers.csv`)).toBe('-');

    expect((await sb.restart()).cleared).toEqual(['demo']);
    expect(await client.exists('/demo/logs/HALTED')).toBe(false);
    expect(await client.exists(`${UP}/${bad}_subscribers.csv`)).toBe(false);
    report = await sb.processNow();
    expect(report.processed.map((p) => p.file)).toEqual([`${good}_subscribers.csv`]);
  });

  it('an unknown source mailing through the server halts too', async () => {
    const stamp = stampDaysAgo(2, 5);
    await upload(client, `${stamp}_subscribers.csv`, recipientFile('12345678901', 2));
    const report = await sb.processNow();
    expect(report.failed[0].problems[0]).toMatchObject({ line: 1, field: 'broadmail_ID', code: 'UNKNOWN_MAILING' });
    await sb.restart();
  });

  it('never touches a .part file, even while it is being written during a run', async () => {
    const stamp = stampDaysAgo(1);
    const name = `${stamp}_subscribers.csv`;
    const content = recipientFile(mailing, 2000, 'part');
    // 1) A transfer over SFTP that is still open while a run starts.
    const stream = new PassThrough();
    const put = client.put(stream, `${UP}/${name}.part`);
    stream.write(content.slice(0, content.length / 2));
    await new Promise((r) => setTimeout(r, 100));
    expect(await client.exists(`${UP}/${name}.part`)).toBe('-');
    let report = await sb.processNow();
    expect(report.processed).toEqual([]);
    stream.end(content.slice(content.length / 2));
    await put;
    expect((await client.stat(`${UP}/${name}.part`)).size).toBe(Buffer.byteLength(content));
    // 2) A half-written .part on disk under the exact name the job looks for, plus `.part`.
    const diskPart = path.join(local(), 'upload', `${stampDaysAgo(1, 1)}_subscribers.csv.part`);
    const fd = openSync(diskPart, 'w');
    writeSync(fd, content.slice(0, 100));
    report = await sb.processNow();
    expect(report.processed).toEqual([]);
    expect(report.failed).toEqual([]);
    writeSync(fd, content.slice(100));
    closeSync(fd);
    expect(readFileSync(diskPart, 'utf8')).toBe(content);
    // Renamed to the final name, it is processed.
    await client.rename(`${UP}/${name}.part`, `${UP}/${name}`);
    renameSync(diskPart, diskPart.replace(/\.part$/, ''));
    report = await sb.processNow();
    expect(report.processed.map((p) => p.records)).toEqual([2000, 2000]);
    expect(existsSync(diskPart)).toBe(false);
  });
});

describe('sandbox determinism', () => {
  it('the same seed and uploads give byte-identical response files; another seed does not', async () => {
    const stamps = [stampDaysAgo(4), stampDaysAgo(2, 30)];
    // Exports hold what has happened by the server's clock: every run exports at the same instant.
    const at = new Date();
    const runOnce = async (seed: string): Promise<Map<string, string>> => {
      // The config (source mailing IDs) comes from one seed; the outcome seed is the one under test.
      const root = path.join(tempDir('sandbox-det'), 'root');
      await (await startSandbox({ root, seed: 'config-seed', interval: 0 })).stop();
      const t = await startSandbox({ root, seed, interval: 0, now: () => at });
      try {
        const m = t.clients[0].mailingIds;
        const up = path.join(t.clients[0].localDir, 'upload');
        writeFileSync(path.join(up, `${stamps[0]}_products.csv`), productsFile());
        writeFileSync(path.join(up, `${stamps[0]}_subscribers.csv`), recipientFile(m[0], 150) + recipientFile(m[1], 50, 'other'));
        writeFileSync(path.join(up, `${stamps[1]}_subscribers.csv`), recipientFile(m[2], 120));
        const r = await t.processNow();
        expect(r.processed.flatMap((p) => p.mailingIds)).toHaveLength(3);
        await t.exportNow();
        const dir = path.join(t.clients[0].localDir, 'responses');
        return new Map(readdirSync(dir).sort().map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
      } finally {
        await t.stop();
      }
    };
    const a = await runOnce('42');
    const b = await runOnce('42');
    const c = await runOnce('43');
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [name, text] of a) expect(b.get(name), name).toBe(text);
    expect([...a.values()].join('')).not.toBe([...c.values()].join(''));
    expect([...a.values()].join('').length).toBeGreaterThan(10_000);
  });
});

describe('loopdesk sandbox CLI', () => {
  it('prints one JSON line when ready, serves SFTP, and stops cleanly on SIGTERM', async () => {
    const root = path.join(tempDir('sandbox-cli'), 'root');
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/sandbox/run-cli.ts', '--root', root, '--port', '0', '--interval', '1', '--export-interval', '1', '--seed', '5'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('\n')) resolve(out.split('\n')[0]);
        });
        child.on('exit', () => reject(new Error(`CLI exited before ready: ${err}`)));
      });
      const info = JSON.parse(line);
      expect(Object.keys(info)).toEqual(['host', 'port', 'user', 'password', 'fingerprint', 'clients']);
      expect(info.clients[0]).toMatchObject({ name: 'demo', uploadDir: '/demo/upload', logDir: '/demo/logs', responseDir: '/demo/responses' });
      expect(info.clients[0].mailings).toHaveLength(3);
      // The interval timer picks up an upload without processNow().
      const c = new SftpClient();
      await c.connect({ host: info.host, port: info.port, username: info.user, password: info.password });
      try {
        const stamp = stampDaysAgo(1);
        await upload(c, `${stamp}_subscribers.csv`, recipientFile(info.clients[0].mailings[0], 3));
        const deadline = Date.now() + 10_000;
        while ((await c.exists(`/demo/logs/${stamp}_subscribers.log`)) === false && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        expect(await c.exists(`/demo/logs/${stamp}_subscribers.log`)).toBe('-');
        // The export writes its seven files one after another: wait for all of them.
        while ((await c.list('/demo/responses')).length < 7 && Date.now() < deadline + 10_000) await new Promise((r) => setTimeout(r, 200));
        expect((await c.list('/demo/responses')).length).toBeGreaterThanOrEqual(7);
      } finally {
        await c.end();
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out.trim().split('\n')).toHaveLength(1);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
