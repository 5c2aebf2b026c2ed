import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSftp, type SftpSession } from '../../../main/services/sftp';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { sha256Of, writeRandomFile } from '../../helpers/random-file';
import { sshdTarget } from '../../helpers/sshd-target';

/** OpenSSH sftp-server's READ/WRITE limit, as its limits@openssh.com answer states it. */
const OPENSSH_MAX_LEN = 255 * 1024;
const FILE_BYTES = 3 * 1024 * 1024 + 12345;

/** Lengths of the READ or WRITE requests sftp-server logged (at DEBUG) for `path`, in log order. */
function requestLengths(logs: string, kind: 'read' | 'write', path: string): number[] {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...logs.matchAll(new RegExp(`request \\d+: ${kind} "${escaped}" \\(handle \\d+\\) off \\d+ len (\\d+)`, 'g'))].map((m) => Number(m[1]));
}

describe('fast transfers use the largest request OpenSSH accepts (real sshd)', () => {
  let local: string;
  let sshd: SshdHandle;
  let logFile: string;
  let session: SftpSession;

  beforeAll(async () => {
    local = await mkdtemp(join(tmpdir(), 'loopdesk-reqsize-'));
    await chmod(local, 0o755); // the test user's sftp-server reaches its log below
    const logDir = join(local, 'log');
    await mkdir(logDir);
    await chmod(logDir, 0o777); // sftp-server runs as the test user
    logFile = join(logDir, 'sftp.log');
    sshd = await startSshd({ extraConfig: ['Match User *', `  ForceCommand exec /usr/lib/openssh/sftp-server -e -l DEBUG 2>>${logFile}`] });
    session = await openSftp(sshdTarget(sshd, { auth: 'key', options: { transferMode: 'fast' } }));
  });

  afterAll(async () => {
    await session?.end();
    await sshd?.stop();
    await rm(local, { recursive: true, force: true });
  });

  it('uploads and downloads in 255 KiB requests (one server call each), and the file arrives whole', async () => {
    const source = join(local, 'source.bin');
    await writeRandomFile(source, FILE_BYTES);
    const dir = `${sshd.root}/in`;
    await session.mkdirp(dir);

    await session.uploadAtomic(source, dir, 'f.bin', { mode: 'fast' });
    const back = join(local, 'back.bin');
    await session.download(`${dir}/f.bin`, back);
    expect(await sha256Of(back)).toBe(await sha256Of(source));

    const logs = await readFile(logFile, 'utf8');
    const full = Math.floor(FILE_BYTES / OPENSSH_MAX_LEN);
    const expected = [...Array<number>(full).fill(OPENSSH_MAX_LEN), FILE_BYTES - full * OPENSSH_MAX_LEN];
    // Requests are answered in any order but logged as they arrive: compare sorted lengths.
    const sorted = (xs: number[]) => [...xs].sort((a, b) => b - a);
    expect(sorted(requestLengths(logs, 'write', `${dir}/f.bin.part`))).toEqual(sorted(expected));
    expect(sorted(requestLengths(logs, 'read', `${dir}/f.bin`))).toEqual(sorted(expected));
  });
});
