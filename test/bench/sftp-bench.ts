import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchResult } from './run-bench';
import { sha256Of, writeRandomFile } from '../helpers/random-file';
import { openSftp } from '../../main/services/sftp';
import { startSshd, type SshdHandle } from '../helpers/sshd';
import { sshdTarget } from '../helpers/sshd-target';
import { startFaultProxy } from '../helpers/fault-proxy';

const run = promisify(execFile);

/** Size of the benchmark file: large enough that connection setup is a small share. */
const FILE_MB = 200;
/** Each side runs this many times; the median is reported, so one hiccup does not decide. */
const REPEATS = 5;
/** Added latency each way for the far-server upload, and its repeats (each is seconds long). */
const LATENCY_MS = 20;
const LATENCY_REPEATS = 3;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function peakRssMB(): number {
  // maxRSS is in kilobytes on Linux and covers the whole run (the peak we care about).
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Runs OpenSSH's own `sftp -b` with key auth and strict host key checking against our known_hosts. */
async function openSshSftp(sshd: SshdHandle, knownHosts: string, batch: string, port = sshd.port): Promise<number> {
  const batchFile = join(sshd.dir, `batch-${Date.now()}`);
  await writeFile(batchFile, `${batch}\n`);
  const started = process.hrtime.bigint();
  await run('sftp', [
    '-q',
    '-F', '/dev/null',
    '-b', batchFile,
    '-i', sshd.clientKeyPath,
    '-P', String(port),
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'BatchMode=yes',
    '-o', 'IdentitiesOnly=yes',
    `${sshd.user}@${sshd.host}`,
  ]);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Seconds for connect + operation + disconnect, as the operator experiences one transfer. */
async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * Measures Loopdesk's upload and download against OpenSSH's `sftp` on the same server and file.
 *
 * Both sides include connection setup and key login, so the ratio is what an operator
 * would feel; the target is Loopdesk at least as fast (ratio >= 1).
 */
export async function runSftpBench(): Promise<BenchResult[]> {
  const sshd = await startSshd();
  const work = await mkdtemp(join(tmpdir(), 'loopdesk-sftp-bench-'));
  try {
    const bytes = FILE_MB * 1024 * 1024;
    const source = join(work, 'source.bin');
    await writeRandomFile(source, bytes);
    const sourceHash = await sha256Of(source);
    const knownHosts = join(work, 'known_hosts');
    const pub = readFileSync(sshd.hostPublicKeyPath, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    await writeFile(knownHosts, `[${sshd.host}]:${sshd.port} ${pub}\n`);
    const target = sshdTarget(sshd, { auth: 'key', options: { transferMode: 'fast' } });
    const remoteDir = `${sshd.root}/bench`;
    const setup = await openSftp(target);
    await setup.mkdirp(remoteDir);
    await setup.end();

    const ours = { up: [] as number[], down: [] as number[] };
    const theirs = { up: [] as number[], down: [] as number[] };
    for (let i = 0; i < REPEATS; i++) {
      // Loopdesk: atomic upload (.part, size check, rename), then verified download.
      const name = `bench-${i}.bin`;
      ours.up.push(
        await timed(async () => {
          const s = await openSftp(target);
          await s.uploadAtomic(source, remoteDir, name, { mode: 'fast' });
          await s.end();
        }),
      );
      if (i === 0 && (await sha256Of(`${remoteDir}/${name}`)) !== sourceHash) throw new Error('Loopdesk upload corrupted the file');
      const back = join(work, `ours-${i}.bin`);
      ours.down.push(
        await timed(async () => {
          const s = await openSftp(target);
          await s.download(`${remoteDir}/${name}`, back);
          await s.end();
        }),
      );
      if (i === 0 && (await sha256Of(back)) !== sourceHash) throw new Error('Loopdesk download corrupted the file');
      await rm(back);
      await rm(`${remoteDir}/${name}`);

      // OpenSSH: the same file, put and get, one process each.
      const theirName = `openssh-${i}.bin`;
      theirs.up.push(await openSshSftp(sshd, knownHosts, `put ${source} ${remoteDir}/${theirName}`));
      const theirBack = join(work, `theirs-${i}.bin`);
      theirs.down.push(await openSshSftp(sshd, knownHosts, `get ${remoteDir}/${theirName} ${theirBack}`));
      if ((await stat(theirBack)).size !== bytes) throw new Error('OpenSSH sftp download has the wrong size');
      await rm(theirBack);
      await rm(`${remoteDir}/${theirName}`);
    }

    const mbps = (seconds: number) => Math.round((FILE_MB / seconds) * 10) / 10;
    const row = (bench: string, ourSeconds: number[], theirSeconds: number[]): BenchResult => {
      const value = mbps(median(ourSeconds));
      const baseline = mbps(median(theirSeconds));
      return { bench, value, unit: 'MB/s', baseline, ratio: Math.round((value / baseline) * 100) / 100, target: 'ratio >= 1', peakRssMB: peakRssMB() };
    };
    // The same upload over a link with LATENCY_MS added each way (through the test fault proxy):
    // what an operator's real server looks like. OpenSSH keeps 64 requests in flight; ours is the
    // fast upload over two SFTP channels (FAST_UPLOAD: the round trip is above its threshold).
    const proxy = await startFaultProxy({ targetPort: sshd.port });
    proxy.setDefault({ kind: 'latency', ms: LATENCY_MS });
    const far = { up: [] as number[], theirUp: [] as number[] };
    try {
      const farTarget = { ...target, port: proxy.port };
      const farKnownHosts = join(work, 'known_hosts_far');
      await writeFile(farKnownHosts, `[${sshd.host}]:${proxy.port} ${pub}\n`);
      for (let i = 0; i < LATENCY_REPEATS; i++) {
        const name = `far-${i}.bin`;
        far.up.push(
          await timed(async () => {
            const s = await openSftp(farTarget);
            await s.uploadAtomic(source, remoteDir, name, { mode: 'fast' });
            await s.end();
          }),
        );
        if ((await stat(`${remoteDir}/${name}`)).size !== bytes) throw new Error('Loopdesk upload over latency has the wrong size');
        await rm(`${remoteDir}/${name}`);
        const theirName = `far-openssh-${i}.bin`;
        far.theirUp.push(await openSshSftp(sshd, farKnownHosts, `put ${source} ${remoteDir}/${theirName}`, proxy.port));
        if ((await stat(`${remoteDir}/${theirName}`)).size !== bytes) throw new Error('OpenSSH upload over latency has the wrong size');
        await rm(`${remoteDir}/${theirName}`);
      }
    } finally {
      await proxy.stop();
    }
    return [
      row(`sftp.upload.${FILE_MB}MB.vs-openssh-sftp`, ours.up, theirs.up),
      row(`sftp.download.${FILE_MB}MB.vs-openssh-sftp`, ours.down, theirs.down),
      row(`sftp.upload.${FILE_MB}MB.latency-${LATENCY_MS}ms-each-way.vs-openssh-sftp`, far.up, far.theirUp),
    ];
  } finally {
    await rm(work, { recursive: true, force: true });
    await sshd.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runSftpBench().then(
    (results) => {
      for (const r of results) console.log(JSON.stringify(r));
    },
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
