import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../../main/services/sandbox';
import { readCsv, recipientFile, recipientLine, tempDir } from '../../fixtures/sandbox/files';

/**
 * The sandbox closer to the vendor text (issue 10, items 11–13): halting on error is a client
 * setting, the second error case (start fails after a good import) is emulated, exports hold
 * only what has happened, and retention counts from the mailing's start. Everything is read
 * over SFTP, as Loopdesk reads it.
 */

const UP = '/demo/upload';
const DAY = 86_400_000;
const open: { sb?: SandboxHandle; client?: SftpClient }[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.client?.end();
    await o.sb?.stop();
  }
});

/** A running sandbox on a fresh root and an SFTP client logged in to it. */
async function fresh(options: Partial<Parameters<typeof startSandbox>[0]> = {}): Promise<{ sb: SandboxHandle; sftp: SftpClient }> {
  const sb = await startSandbox({ root: path.join(tempDir('sandbox-fidelity'), 'root'), seed: 'fidelity', interval: 0, ...options });
  const sftp = new SftpClient();
  await sftp.connect({ host: sb.host, port: sb.port, username: sb.user, password: sb.password });
  open.push({ sb, client: sftp });
  return { sb, sftp };
}

/** `YYYYMMDDHHMMSS` of an instant in local time, as Loopdesk stamps uploads. */
function stampOf(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** `YYYY-MM-DD HH:MM:SS` of an instant in local time, as the server writes times. */
function timeOf(ms: number): string {
  const s = stampOf(ms);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)} ${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}`;
}

async function upload(sftp: SftpClient, name: string, content: string): Promise<void> {
  await sftp.put(Buffer.from(content), `${UP}/${name}.part`);
  await sftp.rename(`${UP}/${name}.part`, `${UP}/${name}`);
}

/** Every response file over SFTP: name → rows. */
async function responseFiles(sftp: SftpClient): Promise<Map<string, Record<string, string>[]>> {
  const out = new Map<string, Record<string, string>[]>();
  for (const e of (await sftp.list('/demo/responses')).sort((a, b) => a.name.localeCompare(b.name))) out.set(e.name, readCsv((await sftp.get(`/demo/responses/${e.name}`)).toString()));
  return out;
}

/** Rows of one kind across all day files, each with the day of its file. */
function rowsOf(files: Map<string, Record<string, string>[]>, kind: string): (Record<string, string> & { fileDay: string })[] {
  return [...files].filter(([n]) => n.endsWith(`_${kind}.csv`)).flatMap(([n, rows]) => rows.map((r) => ({ ...r, fileDay: n.slice(0, 8) })));
}

async function logOf(sftp: SftpClient, stem: string): Promise<Record<string, string>[]> {
  return readCsv((await sftp.get(`/demo/logs/${stem}.log`)).toString());
}

describe('halting on error is a setting (item 11)', () => {
  it('with halting off, the error file is written and the next upload in the same run is still processed', async () => {
    const { sb, sftp } = await fresh({ haltOnError: false });
    const mailing = sb.clients[0].mailingIds[0];
    const bad = stampOf(Date.now() - 3600_000);
    const good = stampOf(Date.now() - 3600_000 + 1000);
    await upload(sftp, `${bad}_subscribers.csv`, recipientFile(mailing, 3) + recipientLine({ email: 'broken-address', mailing }));
    await upload(sftp, `${good}_subscribers.csv`, recipientFile(mailing, 5, 'next'));
    const report = await sb.processNow();
    expect(report.failed.map((f) => f.file)).toEqual([`${bad}_subscribers.csv`]);
    expect(report.processed.map((p) => p.file)).toEqual([`${good}_subscribers.csv`]);
    expect(report.halted).toEqual([]);
    expect(await sftp.exists('/demo/logs/HALTED')).toBe(false);
    expect(readCsv((await sftp.get(`/demo/logs/${bad}_subscribers.error.csv`)).toString())).toEqual([expect.objectContaining({ line: '4', code: 'INVALID_EMAIL' })]);
    const badLog = await logOf(sftp, `${bad}_subscribers`);
    expect(badLog.map((r) => r.event)).toEqual(['received', 'error']);
    expect(badLog[1].message).toContain('the next uploads are still processed');
    expect((await logOf(sftp, `${good}_subscribers`)).map((r) => r.event)).toContain('sending_finished');
  });

  it('is a client setting in sandbox.json (on by default), and the loopdesk sandbox CLI switches it off with --no-halt-on-error', async () => {
    // Default: on, as the vendor's interface starts.
    const root = path.join(tempDir('sandbox-halt'), 'root');
    let sb = await startSandbox({ root, seed: 'halt', interval: 0 });
    await sb.stop();
    const configFile = path.join(root, 'sandbox.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    expect(config.clients[0].haltOnError).toBe(true);
    // Switched off in the config file, it holds for that client.
    config.clients[0].haltOnError = false;
    writeFileSync(configFile, JSON.stringify(config));
    sb = await startSandbox({ root, interval: 0 });
    try {
      const mailing = sb.clients[0].mailingIds[0];
      const up = path.join(sb.clients[0].localDir, 'upload');
      writeFileSync(path.join(up, `${stampOf(Date.now() - 7200_000)}_subscribers.csv`), recipientFile('12345678901', 2));
      writeFileSync(path.join(up, `${stampOf(Date.now() - 7199_000)}_subscribers.csv`), recipientFile(mailing, 2));
      const report = await sb.processNow();
      expect(report.failed).toHaveLength(1);
      expect(report.processed).toHaveLength(1);
      expect(report.halted).toEqual([]);
    } finally {
      await sb.stop();
    }

    // The CLI flag, on a fresh root whose config says "halt".
    const cliRoot = path.join(tempDir('sandbox-halt-cli'), 'root');
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/sandbox/run-cli.ts', '--root', cliRoot, '--port', '0', '--interval', '1', '--seed', '6', '--no-halt-on-error'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const info = JSON.parse(
        await new Promise<string>((resolve, reject) => {
          child.stdout.on('data', (d) => {
            out += d;
            if (out.includes('\n')) resolve(out.split('\n')[0]);
          });
          child.on('exit', () => reject(new Error(`CLI exited before ready: ${err}`)));
        }),
      );
      const sftp = new SftpClient();
      await sftp.connect({ host: info.host, port: info.port, username: info.user, password: info.password });
      try {
        const bad = stampOf(Date.now() - 60_000);
        const good = stampOf(Date.now() - 59_000);
        await upload(sftp, `${bad}_subscribers.csv`, recipientFile('12345678901', 2));
        await upload(sftp, `${good}_subscribers.csv`, recipientFile(info.clients[0].mailings[0], 2));
        const deadline = Date.now() + 15_000;
        while (!(await sftp.exists(`/demo/logs/${good}_subscribers.log`)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        expect(await sftp.exists(`/demo/logs/${bad}_subscribers.error.csv`)).toBe('-');
        expect((await logOf(sftp, `${good}_subscribers`)).map((r) => r.event)).toContain('sending_finished');
        expect(await sftp.exists('/demo/logs/HALTED')).toBe(false);
      } finally {
        await sftp.end();
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('the second error case: the mailing cannot be started after a good import (item 12)', () => {
  it('logs imported, then the copy and the error; writes the error file, halts, and exports nothing of that mailing', async () => {
    const { sb, sftp } = await fresh();
    const deactivated = sb.clients[0].deactivatedMailingIds[0];
    expect(deactivated).toMatch(/^\d{11}$/);
    expect(sb.clients[0].mailingIds).not.toContain(deactivated);
    const stamp = stampOf(Date.now() - 3 * 3600_000);
    await upload(sftp, `${stamp}_subscribers.csv`, recipientFile(deactivated, 40));
    const report = await sb.processNow();
    expect(report.processed).toEqual([]);
    expect(report.failed).toHaveLength(1);
    expect(report.halted).toEqual(['demo']);

    const log = await logOf(sftp, `${stamp}_subscribers`);
    expect(log.map((r) => r.event)).toEqual(['received', 'imported', 'mailing_created', 'error']);
    expect(log[1].records).toBe('40');
    const copy = log[2].mailingId;
    expect(copy).toMatch(/^\d{11}$/);
    expect(log[3]).toMatchObject({ mailingId: copy, records: '40' });
    expect(log[3].message).toContain(`Mailing ${copy} could not be started`);
    expect(log[3].message).toContain('deactivated');
    const errors = readCsv((await sftp.get(`/demo/logs/${stamp}_subscribers.error.csv`)).toString());
    expect(errors).toEqual([expect.objectContaining({ line: '0', field: 'broadmail_ID', code: 'MAILING_START_FAILED' })]);
    expect(errors[0].message).toContain(copy);
    expect((await sftp.get('/demo/logs/HALTED')).toString().trim()).toBe(`${stamp}_subscribers.error.csv`);

    await sb.exportNow();
    const files = await responseFiles(sftp);
    expect(rowsOf(files, 'mailings').map((r) => r.id)).not.toContain(copy);
    expect(rowsOf(files, 'mailingrecipients')).toEqual([]);

    // After a restart the next upload goes out, and its mailing ID is not the failed copy's.
    await sb.restart();
    const next = stampOf(Date.now() - 3 * 3600_000 + 1000);
    await upload(sftp, `${next}_subscribers.csv`, recipientFile(sb.clients[0].mailingIds[0], 5));
    const after = await sb.processNow();
    expect(after.processed).toHaveLength(1);
    expect(after.processed[0].mailingIds[0]).not.toBe(copy);
  });
});

describe('responses appear over time; retention counts from the mailing start (item 13)', () => {
  it('an export holds only what has happened: no future-dated file, no event after the export time', async () => {
    const { sb, sftp } = await fresh();
    const now = Date.now();
    await upload(sftp, `${stampOf(now - 2 * 3600_000)}_subscribers.csv`, recipientFile(sb.clients[0].mailingIds[0], 2000));
    await sb.processNow();
    await sb.exportNow();
    const files = await responseFiles(sftp);
    const today = stampOf(Date.now()).slice(0, 8);
    for (const name of files.keys()) expect(name.slice(0, 8) <= today, name).toBe(true);
    const latest = timeOf(Date.now());
    for (const kind of ['mailingrecipients', 'clicks', 'opens', 'unsubscribes', 'responses']) for (const r of rowsOf(files, kind)) expect(r.created <= latest, `${kind} ${r.created}`).toBe(true);
    expect(rowsOf(files, 'opens').length).toBeGreaterThan(50);
  });

  it('opens and clicks keep arriving for days after a send; earlier days never change', async () => {
    let clock = Date.now();
    const { sb, sftp } = await fresh({ now: () => new Date(clock) });
    const sentAt = clock - 3600_000;
    const sendDay = stampOf(sentAt).slice(0, 8);
    await upload(sftp, `${stampOf(sentAt)}_subscribers.csv`, recipientFile(sb.clients[0].mailingIds[0], 3000));
    await sb.processNow();

    await sb.exportNow();
    const first = await responseFiles(sftp);
    const opensThen = rowsOf(first, 'opens').length;
    expect(opensThen).toBeGreaterThan(0);
    expect([...first.keys()].every((n) => n.slice(0, 8) <= stampOf(clock).slice(0, 8))).toBe(true);

    // Two days later: more opens, and the files of the days already exported are unchanged.
    clock += 2 * DAY;
    await sb.exportNow();
    const later = await responseFiles(sftp);
    expect(rowsOf(later, 'opens').length).toBeGreaterThan(opensThen);
    const pastDay = stampOf(clock - 2 * DAY).slice(0, 8);
    for (const [name, rows] of first) if (name.slice(0, 8) < pastDay) expect(later.get(name), name).toEqual(rows);

    // Twelve days after the send, opens and clicks have come in on many days after the send day.
    clock += 10 * DAY;
    await sb.exportNow();
    const weeks = await responseFiles(sftp);
    const openDays = new Set(rowsOf(weeks, 'opens').map((r) => r.fileDay).filter((d) => d > sendDay));
    const clickDays = new Set(rowsOf(weeks, 'clicks').map((r) => r.fileDay).filter((d) => d > sendDay));
    expect(openDays.size).toBeGreaterThanOrEqual(8);
    expect(clickDays.size).toBeGreaterThanOrEqual(5);
    expect([...openDays].some((d) => d >= stampOf(sentAt + 7 * DAY).slice(0, 8))).toBe(true);
    for (const r of rowsOf(weeks, 'opens')) expect(r.created <= timeOf(clock)).toBe(true);
  });

  it("a day's files stay while they hold data of a mailing started within 30 days, and go once all their mailings are older", async () => {
    const { sb, sftp } = await fresh();
    const now = Date.now();
    const m = sb.clients[0].mailingIds;
    // A went out 33 days ago, B 20 days ago.
    const a = stampOf(now - 33 * DAY);
    const b = stampOf(now - 20 * DAY);
    await upload(sftp, `${a}_subscribers.csv`, recipientFile(m[0], 2000, 'a'));
    await upload(sftp, `${b}_subscribers.csv`, recipientFile(m[1], 2000, 'b'));
    const report = await sb.processNow();
    const [idA, idB] = report.processed.map((p) => p.mailingIds[0]);
    await sb.exportNow();
    const files = await responseFiles(sftp);

    // A started more than 30 days ago: its day, and every day holding only its data, is gone.
    expect([...files.keys()].some((n) => n.startsWith(a.slice(0, 8)))).toBe(false);
    const today = stampOf(Date.now()).slice(0, 8);
    const days = new Set([...files.keys()].map((n) => n.slice(0, 8)));
    for (const day of days) {
      if (day === today) continue;
      const mailingsOfDay = new Set([...files].filter(([n]) => n.startsWith(day)).flatMap(([, rows]) => rows.map((r) => r.mailingId ?? r.id)));
      expect(mailingsOfDay.has(idB), `day ${day} holds only data of mailings older than 30 days`).toBe(true);
    }
    // B is complete: its mailing row and its recipients.
    expect(rowsOf(files, 'mailings').map((r) => r.id)).toEqual([idB]);
    expect(rowsOf(files, 'mailingrecipients').filter((r) => r.mailingId === idB)).toHaveLength(2000);
    // Nothing of A is exported that happened more than 30 days after A started.
    const limitA = timeOf(now - 3 * DAY + 60_000);
    for (const kind of ['opens', 'clicks', 'unsubscribes', 'responses']) for (const r of rowsOf(files, kind).filter((x) => x.mailingId === idA)) expect(r.created <= limitA).toBe(true);
  });
});
