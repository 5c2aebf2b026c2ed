import { existsSync, readdirSync } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../main/services/sandbox/prng';
import { isTransientError, openSftp } from '../../../main/services/sftp';
import { tempDir } from '../../helpers/temp-dir';
import { startFaultBench, type FaultBench } from './fault-servers';
import { cutPlan, cutSpecs, FAULT_SEED, outcomeOf, randomFile, recordFaults, sha256Of } from './fault-support';

/** Cut points per server; both servers together give the 50+ the reliability claim rests on. */
const CUTS_PER_SERVER = 28;
const FILE_BYTES = 1536 * 1024;

type Mode = 'fast' | 'plain';

for (const serverName of ['sshd', 'sandbox'] as const) {
  describe(`download under seeded connection cuts (${serverName})`, () => {
    const rng = createRng('download-cuts', FAULT_SEED, serverName);
    const specs = cutSpecs(rng, CUTS_PER_SERVER);
    const local = tempDir('loopdesk-download-cuts-');
    const source = join(local.path, 'source.bin');
    const remoteName = 'download-me.bin';
    let digest = '';
    let bench: FaultBench;
    const calibrated = new Map<Mode, { bytesToServer: number; bytesToClient: number }>();
    const counts = { planned: 0, injected: 0, survived: 0 };
    const outcomes: Record<string, number> = {};
    let started = 0;

    /** Connects, downloads, closes: the failure (or null) as a caller of the SFTP layer sees it. */
    const attempt = (localPath: string, mode: Mode) =>
      outcomeOf(
        (async () => {
          const session = await openSftp(bench.target({ transferMode: mode }));
          try {
            await session.download(`${bench.remoteDir}/${remoteName}`, localPath);
          } finally {
            await session.end();
          }
        })(),
      );

    beforeAll(async () => {
      started = Date.now();
      digest = await randomFile(source, FILE_BYTES);
      bench = await startFaultBench(serverName, FAULT_SEED);
      const setup = await openSftp(bench.target());
      await setup.mkdirp(bench.remoteDir);
      await setup.end();
      // Placed on the server's disk directly: the download side is what is under test here.
      await copyFile(source, join(bench.diskDir, remoteName));
      for (const mode of ['fast', 'plain'] as const) {
        const before = bench.proxy.connections().length;
        const out = join(local.path, `calibrate-${mode}.bin`);
        expect(await attempt(out, mode)).toBeNull();
        expect(await sha256Of(out)).toBe(digest);
        const conn = bench.proxy.connections()[before];
        calibrated.set(mode, { bytesToServer: conn.bytesToServer, bytesToClient: conn.bytesToClient });
        await rm(out);
      }
    });

    afterAll(async () => {
      await bench?.stop();
      local.cleanup();
      await recordFaults(`downloads.${serverName}`, {
        ...counts,
        notes: { fileBytes: FILE_BYTES, calibratedBytes: Object.fromEntries(calibrated), outcomes, seconds: Math.round((Date.now() - started) / 100) / 10 },
      });
    });

    specs.forEach((spec, i) => {
      const mode: Mode = i % 4 < 2 ? 'fast' : 'plain';
      it(`cut #${i} ${spec.direction} at ${spec.fromEnd !== undefined ? `${spec.fromEnd} B before the end` : `${(spec.share * 100).toFixed(1)} %`} (${mode}${spec.reset ? ', RST' : ''})`, async () => {
        const out = join(local.path, `cut-${i}.bin`);
        counts.planned += 1;
        const index = bench.proxy.connections().length;
        bench.proxy.planNext(cutPlan(spec, calibrated.get(mode)!));

        const failure = await attempt(out, mode);
        const fired = bench.proxy.connections()[index]?.injected === 'cut';
        if (fired) counts.injected += 1;

        let kind: string;
        if (failure) {
          expect(fired).toBe(true);
          // Never a complete-looking file after a cut: at most the `.part`.
          expect(existsSync(out)).toBe(false);
          expect(['TRANSFER_FAILED', 'CONNECTION_FAILED', 'TIMEOUT']).toContain(failure.code);
          expect(failure.message.length).toBeGreaterThan(30);
          expect(isTransientError(failure)).toBe(true);
          kind = `${failure.code}:${String((failure.details as { cause?: unknown })?.cause ?? '')}`;
          if (existsSync(`${out}.part`)) outcomes['part-left-after-failure'] = (outcomes['part-left-after-failure'] ?? 0) + 1;
        } else {
          // The cut came after the file was complete (during close or disconnect): it must be whole.
          expect(await sha256Of(out)).toBe(digest);
          kind = 'completed-before-cut';
          await rm(out);
        }
        outcomes[kind] = (outcomes[kind] ?? 0) + 1;

        // The retry on a fresh connection (the proxy passes again) gives the identical file and no `.part`.
        expect(await attempt(out, mode)).toBeNull();
        expect(await sha256Of(out)).toBe(digest);
        expect(readdirSync(local.path).filter((n) => n.endsWith('.part'))).toEqual([]);
        if (fired) counts.survived += 1;
        await rm(out);
      });
    });

    it('injected enough faults to mean something', () => {
      expect(counts.injected).toBeGreaterThanOrEqual(Math.floor(CUTS_PER_SERVER * 0.8));
      expect(counts.survived).toBe(counts.injected);
    });
  });
}
