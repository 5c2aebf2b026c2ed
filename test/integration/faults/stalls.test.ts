import { existsSync, readdirSync } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../../shared/contract/result';
import { isTransientError, openSftp, type SftpSession } from '../../../main/services/sftp';
import type { FaultPlan } from '../../helpers/fault-proxy';
import { tempDir } from '../../helpers/temp-dir';
import { startFaultBench, type FaultBench } from './fault-servers';
import { appErrorOf, FAULT_SEED, randomFile, recordFaults, sha256Of } from './fault-support';

/**
 * Operation timeout one second: long enough for loopback, short enough that a test of "no hang"
 * stays quick. The connect limit is wider: on a loaded machine (a CI run with other work going
 * on) the key exchange and login alone can take more than a second, and a connect that times out
 * before it reaches the planned stall point proves nothing about that stall.
 */
const STALL_OPTIONS = { connectTimeoutSeconds: 5, operationTimeoutSeconds: 1 } as const;
/** Upper bound for a stalled operation to end, clean-up over a fresh connection included. */
const MAX_SECONDS = 8;
const FILE_BYTES = 1024 * 1024;

describe('a stalled server ends in a clear TIMEOUT, never a hang (sshd behind the proxy)', () => {
  const local = tempDir('loopdesk-stalls-');
  const source = join(local.path, 'source.bin');
  let digest = '';
  let bench: FaultBench;
  /** Bytes each way of a bare connect (banner, key exchange, login, SFTP version). */
  let connectBytes = { toServer: 0, toClient: 0 };
  const counts = { planned: 0, injected: 0, survived: 0 };
  const timings: Record<string, number> = {};
  /** Seconds the last `stalled` call took until its error. */
  let lastSeconds = 0;

  /** Runs `work` against a connection whose fault is `plan`; returns the error and the seconds it took. */
  const stalled = async (label: string, plan: FaultPlan, work: (connect: () => Promise<SftpSession>) => Promise<unknown>, maxSeconds = MAX_SECONDS): Promise<AppError> => {
    counts.planned += 1;
    const index = bench.proxy.connections().length;
    bench.proxy.planNext(plan);
    const started = Date.now();
    const err = await appErrorOf(work(() => openSftp(bench.target(STALL_OPTIONS))));
    const seconds = (Date.now() - started) / 1000;
    timings[label] = Math.round(seconds * 100) / 100;
    lastSeconds = seconds;
    const fired = bench.proxy.connections()[index]?.injected === 'stall';
    expect(fired).toBe(true);
    counts.injected += 1;
    expect(seconds).toBeLessThan(maxSeconds);
    expect(isTransientError(err)).toBe(true);
    expect(err.message).not.toMatch(/undefined|\[object/);
    return err;
  };
  const survived = () => (counts.survived += 1);

  beforeAll(async () => {
    digest = await randomFile(source, FILE_BYTES);
    bench = await startFaultBench('sshd', FAULT_SEED);
    const before = bench.proxy.connections().length;
    const setup = await openSftp(bench.target());
    const conn = bench.proxy.connections()[before];
    connectBytes = { toServer: conn.bytesToServer, toClient: conn.bytesToClient };
    await setup.mkdirp(bench.remoteDir);
    await setup.end();
    await copyFile(source, join(bench.diskDir, 'download-me.bin'));
  });

  afterAll(async () => {
    await bench?.stop();
    local.cleanup();
    await recordFaults('stalls.sshd', { ...counts, notes: { operationTimeoutSeconds: STALL_OPTIONS.operationTimeoutSeconds, secondsToError: timings } });
  });

  it('connect: the server never sends its banner', async () => {
    const err = await stalled('connect-no-banner', { kind: 'stall', direction: 'toClient', afterBytes: 0 }, (connect) => connect());
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toMatch(/in time|took longer/);
    survived();
  });

  it('connect: the server stops in the middle of the key exchange', async () => {
    const err = await stalled('connect-mid-kex', { kind: 'stall', direction: 'toClient', afterBytes: Math.floor(connectBytes.toClient / 4) }, (connect) => connect());
    expect(err.code).toBe('TIMEOUT');
    survived();
  });

  it('connect: the server stops after the login, while the SFTP subsystem opens', async () => {
    // Everything but the server's last packet (the SFTP version reply) gets through; `stalled`
    // checks that the stall point was reached, i.e. the login was done before the connect ended.
    // Bounded by connect + operation timeout, not by a fixed grace (5 s) on top.
    const { connectTimeoutSeconds, operationTimeoutSeconds } = STALL_OPTIONS;
    const limit = connectTimeoutSeconds + operationTimeoutSeconds;
    const err = await stalled('connect-subsystem', { kind: 'stall', direction: 'toClient', afterBytes: connectBytes.toClient - 1 }, (connect) => connect(), limit + 2);
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toContain('Connecting to');
    // The overall connect bound ended it (the stall held it that long), not an earlier failure.
    expect(lastSeconds).toBeGreaterThanOrEqual(limit);
    survived();
  });

  it('a request on an open connection: the server stops answering', async () => {
    const err = await stalled('stat', { kind: 'stall', direction: 'toClient', afterBytes: connectBytes.toClient }, async (connect) => {
      const session = await connect();
      try {
        await session.stat(`${bench.remoteDir}/download-me.bin`);
      } finally {
        await session.end();
      }
    });
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toMatch(/stat of .* took longer than 1 s/);
    survived();
  });

  for (const [label, plan] of [
    ['upload: the server stops reading', { kind: 'stall', direction: 'toServer', afterBytes: 0 }],
    ['upload: the server stops acknowledging', { kind: 'stall', direction: 'toClient', afterBytes: 0 }],
  ] as const) {
    for (const mode of ['fast', 'plain'] as const) {
      it(`${label} (${mode})`, async () => {
        const name = `stall-${label.includes('reading') ? 'r' : 'a'}-${mode}.bin`;
        // Stall half-way through the file, counted from the end of the connect.
        const afterBytes = plan.direction === 'toServer' ? connectBytes.toServer + FILE_BYTES / 2 : connectBytes.toClient + 600;
        const err = await stalled(`upload-${plan.direction}-${mode}`, { ...plan, afterBytes }, async (connect) => {
          const session = await connect();
          try {
            await session.uploadAtomic(source, bench.remoteDir, name, { mode });
          } finally {
            await session.end();
          }
        });
        expect(err.code).toBe('TRANSFER_FAILED');
        expect(err.details).toMatchObject({ cause: 'TIMEOUT', transient: true });
        expect(err.message).toMatch(/no progress for 1 s|took longer than 1 s/);
        expect(existsSync(join(bench.diskDir, name))).toBe(false);
        // The stalled link was dropped and the `.part` removed over a fresh one.
        expect(err.details).toMatchObject({ partRemoved: true });
        expect(readdirSync(bench.diskDir).filter((n) => n.endsWith('.part'))).toEqual([]);
        survived();
      });
    }
  }

  for (const mode of ['fast', 'plain'] as const) {
    it(`download: the server stops sending half-way (${mode})`, async () => {
      const out = join(local.path, `stalled-${mode}.bin`);
      const err = await stalled(`download-${mode}`, { kind: 'stall', direction: 'toClient', afterBytes: connectBytes.toClient + FILE_BYTES / 2 }, async () => {
        const session = await openSftp(bench.target({ ...STALL_OPTIONS, transferMode: mode }));
        try {
          await session.download(`${bench.remoteDir}/download-me.bin`, out);
        } finally {
          await session.end();
        }
      });
      expect(err.code).toBe('TRANSFER_FAILED');
      expect(err.details).toMatchObject({ cause: 'TIMEOUT', transient: true });
      expect(existsSync(out)).toBe(false);
      survived();
    });
  }

  it('a slow but moving link is not a stall: throttled transfers finish', async () => {
    bench.proxy.planNext({ kind: 'throttle', bytesPerSecond: 768 * 1024 }, { kind: 'throttle', bytesPerSecond: 768 * 1024 });
    const started = Date.now();
    const up = await openSftp(bench.target(STALL_OPTIONS));
    try {
      await up.uploadAtomic(source, bench.remoteDir, 'throttled.bin');
    } finally {
      await up.end();
    }
    const out = join(local.path, 'throttled-back.bin');
    const down = await openSftp(bench.target(STALL_OPTIONS));
    try {
      await down.download(`${bench.remoteDir}/throttled.bin`, out);
    } finally {
      await down.end();
    }
    const seconds = (Date.now() - started) / 1000;
    timings['throttled-up-and-down'] = Math.round(seconds * 100) / 100;
    // Two MiB at 768 KiB/s: clearly longer than the 1 s operation timeout, yet no TIMEOUT.
    expect(seconds).toBeGreaterThan(2);
    expect(await sha256Of(out)).toBe(digest);
    expect(await sha256Of(join(bench.diskDir, 'throttled.bin'))).toBe(digest);
    await rm(out);
  });
});
