import { rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../../main/services/sandbox';
import { tempDir } from '../../fixtures/sandbox/files';

/**
 * `clockOffsetSeconds`: the sandbox server's clock runs that far off this machine's, as a real
 * server's may. The disk keeps the machine's times; over SFTP every file time is on the server's clock.
 */
const BEHIND_MS = 600_000;
let sb: SandboxHandle;
let work: string;
let client: SftpClient;

beforeAll(async () => {
  work = tempDir('sandbox-clock');
  sb = await startSandbox({ root: path.join(work, 'root'), seed: 11, interval: 0, clockOffsetSeconds: -BEHIND_MS / 1000 });
  client = new SftpClient();
  await client.connect({ host: sb.host, port: sb.port, username: sb.user, password: sb.password });
});

afterAll(async () => {
  await client?.end();
  await sb?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a sandbox whose clock runs ten minutes behind', () => {
  it('reports the file times of STAT and READDIR on its clock, and takes SETSTAT times on it', async () => {
    const local = path.join(work, 'probe.txt');
    writeFileSync(local, 'probe\n');
    const before = Date.now();
    await client.put(local, '/demo/upload/probe.txt');
    const after = Date.now();
    const stat = await client.stat('/demo/upload/probe.txt');
    // Whole seconds, ten minutes behind the moment of the write.
    expect(stat.modifyTime).toBeGreaterThanOrEqual(Math.floor((before - BEHIND_MS) / 1000) * 1000);
    expect(stat.modifyTime).toBeLessThanOrEqual(after - BEHIND_MS);
    const listed = (await client.list('/demo/upload')).find((e) => e.name === 'probe.txt');
    expect(listed?.modifyTime).toBe(stat.modifyTime);
    // The disk keeps this machine's time.
    const disk = statSync(path.join(sb.clients[0].localDir, 'upload', 'probe.txt')).mtimeMs;
    expect(Math.abs(disk - (stat.modifyTime + BEHIND_MS))).toBeLessThan(1_000);
    // A time the client sets is on the server's clock: read back as set, kept on disk ten minutes later.
    const set = Math.floor(before / 1000) - 3_600;
    await new Promise<void>((resolve, reject) => (client as unknown as { sftp: { utimes(p: string, a: number, m: number, cb: (e?: Error) => void): void } }).sftp.utimes('/demo/upload/probe.txt', set, set, (e) => (e ? reject(e) : resolve())));
    expect((await client.stat('/demo/upload/probe.txt')).modifyTime).toBe(set * 1000);
    expect(statSync(path.join(sb.clients[0].localDir, 'upload', 'probe.txt')).mtimeMs).toBe(set * 1000 + BEHIND_MS);
    await client.delete('/demo/upload/probe.txt');
  });

  it('refuses an offset beyond a year', async () => {
    await expect(startSandbox({ root: path.join(work, 'other'), interval: 0, clockOffsetSeconds: 400 * 86_400 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
