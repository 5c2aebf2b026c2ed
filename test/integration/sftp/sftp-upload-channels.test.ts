import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSftp } from '../../../main/services/sftp';
import { FAST_UPLOAD } from '../../../main/services/sftp/transfer-modes';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { sha256Of, writeRandomFile } from '../../helpers/random-file';
import { sshdTarget } from '../../helpers/sshd-target';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy';

const FILE_BYTES = 8 * 1024 * 1024;

/** Bytes written per closed handle of `path`, from sftp-server's INFO log ("close ... written N"). */
function writesPerHandle(logs: string, path: string): number[] {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...logs.matchAll(new RegExp(`close "${escaped}" bytes read \\d+ written (\\d+)`, 'g'))].map((m) => Number(m[1]));
}

describe('fast uploads over several SFTP channels of one connection (real sshd)', () => {
  let local: string;
  let source: string;
  let digest: string;
  const servers: SshdHandle[] = [];
  const proxies: FaultProxy[] = [];

  /**
   * sshd whose SFTP sessions (OpenSSH's sftp-server, one per channel) log every file they
   * close with the bytes written, into a file the test reads; `extra` adds config lines.
   */
  const start = async (extra: string[] = []) => {
    const logDir = join(local, `log-${servers.length}`);
    await mkdir(logDir);
    await chmod(logDir, 0o777); // sftp-server runs as the test user
    const logFile = join(logDir, 'sftp.log');
    const sshd = await startSshd({ extraConfig: [...extra, 'Match User *', `  ForceCommand exec /usr/lib/openssh/sftp-server -e -l INFO 2>>${logFile}`] });
    servers.push(sshd);
    return { sshd, log: () => readFile(logFile, 'utf8') };
  };
  /** The same server as a far one: 20 ms added each way, as the upload bench does. */
  const far = async (sshd: SshdHandle) => {
    const proxy = await startFaultProxy({ targetPort: sshd.port });
    proxies.push(proxy);
    proxy.setDefault({ kind: 'latency', ms: 20 });
    return { ...sshdTarget(sshd, { options: { transferMode: 'fast' } }), port: proxy.port };
  };

  beforeAll(async () => {
    local = await mkdtemp(join(tmpdir(), 'loopdesk-channels-'));
    await chmod(local, 0o755);
    source = join(local, 'source.bin');
    await writeRandomFile(source, FILE_BYTES);
    digest = await sha256Of(source);
  });

  afterAll(async () => {
    for (const p of proxies) await p.stop();
    for (const s of servers) await s.stop();
    if (local) await rm(local, { recursive: true, force: true });
  });

  it('on a far server writes disjoint shares of the .part through each channel, then publishes one identical file', async () => {
    const { sshd, log } = await start();
    const session = await openSftp(await far(sshd));
    try {
      await session.mkdirp(`${sshd.root}/up`);
      await session.uploadAtomic(source, `${sshd.root}/up`, 'big.bin', { mode: 'fast' });
    } finally {
      await session.end();
    }
    expect(await sha256Of(`${sshd.root}/up/big.bin`)).toBe(digest);
    const written = writesPerHandle(await log(), `${sshd.root}/up/big.bin.part`);
    // One handle per channel, each wrote a real share, together exactly the file.
    expect(written).toHaveLength(FAST_UPLOAD.channels);
    expect(written.every((n) => n > 0)).toBe(true);
    expect(written.reduce((a, b) => a + b, 0)).toBe(FILE_BYTES);
  });

  it('a far server that allows one channel per connection still gets the whole file over that one', async () => {
    const { sshd, log } = await start(['MaxSessions 1']);
    const session = await openSftp(await far(sshd));
    try {
      await session.mkdirp(`${sshd.root}/up`);
      await session.uploadAtomic(source, `${sshd.root}/up`, 'one.bin', { mode: 'fast' });
    } finally {
      await session.end();
    }
    expect(await sha256Of(`${sshd.root}/up/one.bin`)).toBe(digest);
    expect(writesPerHandle(await log(), `${sshd.root}/up/one.bin.part`)).toEqual([FILE_BYTES]);
  });
});
