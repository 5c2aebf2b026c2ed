import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open as openFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError, isAppError } from '../../../shared/contract/result';
import type { Rng } from '../../../main/services/sandbox/prng';
import { sha256Of, writeRandomFile } from '../../helpers/random-file';
import type { FaultDirection, FaultPlan } from '../../helpers/fault-proxy';

/** Seed of every "random" fault in this folder; change it to explore other cut points. */
export const FAULT_SEED = process.env.LOOPDESK_FAULT_SEED ?? 'loopdesk-faults-1';

/** Where the summary for the README's reliability section goes. */
export const FAULTS_REPORT = join(fileURLToPath(new URL('../../..', import.meta.url)), 'test-results', 'reliability', 'faults.json');

/** Calls `p` and returns the AppError it fails with; anything else fails the test. */
export async function appErrorOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (isAppError(err)) return err;
    throw new Error(`expected an AppError, got ${err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err)}`, { cause: err });
  }
  throw new Error('expected a failure, but the call succeeded');
}

/** Runs `p`; the AppError it fails with, or null on success (non-AppErrors fail the test). */
export async function outcomeOf(p: Promise<unknown>): Promise<AppError | null> {
  try {
    await p;
    return null;
  } catch (err) {
    if (isAppError(err)) return err;
    throw new Error(`expected an AppError, got ${err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err)}`, { cause: err });
  }
}

/** Writes `bytes` of random data; returns its SHA-256. */
export async function randomFile(path: string, bytes: number): Promise<string> {
  await writeRandomFile(path, bytes);
  return sha256Of(path);
}

export { sha256Of };

/** A cut point chosen before the byte counts are known: a share of the stream, or a distance from its end. */
export interface CutSpec {
  readonly direction: FaultDirection;
  /** Position as a share of the calibrated stream (0…1), used when `fromEnd` is absent. */
  readonly share: number;
  /** Bytes before the calibrated end: aims at the last requests (rename, close) and their replies. */
  readonly fromEnd?: number;
  /** TCP RST instead of FIN. */
  readonly reset: boolean;
}

/**
 * Seeded cut points spread over both directions.
 *
 * Most are uniform over the stream (handshake, auth and data alike); one in four sits in
 * the last few hundred bytes, where the rename request and its reply travel: the point at
 * which "published or not?" is hardest to answer.
 */
export function cutSpecs(rng: Rng, count: number): CutSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const direction: FaultDirection = i % 2 === 0 ? 'toServer' : 'toClient';
    return {
      direction,
      share: rng.next(),
      fromEnd: i % 8 >= 6 ? rng.int(1, 400) : undefined,
      reset: rng.chance(0.5),
    };
  });
}

/** Turns a {@link CutSpec} into a proxy plan for a stream measured at `toServer`/`toClient` bytes. */
export function cutPlan(spec: CutSpec, calibrated: { readonly bytesToServer: number; readonly bytesToClient: number }): FaultPlan & { kind: 'cut' } {
  const total = spec.direction === 'toServer' ? calibrated.bytesToServer : calibrated.bytesToClient;
  const afterBytes = spec.fromEnd !== undefined ? Math.max(0, total - spec.fromEnd) : Math.floor(spec.share * total);
  return { kind: 'cut', direction: spec.direction, afterBytes, reset: spec.reset };
}

/** Counts one section of the report collects. */
export interface FaultCounts {
  /** Faults the test planned. */
  readonly planned: number;
  /** Faults that fired (the proxy reached the cut or stall point). */
  readonly injected: number;
  /** Injected faults after which every invariant held and the retry succeeded. */
  readonly survived: number;
  /** Anything else worth reading: outcomes by kind, timings. */
  readonly notes?: Record<string, unknown>;
}

/**
 * Merges one section into `test-results/reliability/faults.json`.
 *
 * The fault test files run in parallel workers; a lock file keeps their read-merge-write
 * cycles apart, and the write goes through a rename so a reader never sees half a file.
 */
export async function recordFaults(section: string, counts: FaultCounts): Promise<void> {
  await mkdir(dirname(FAULTS_REPORT), { recursive: true });
  const lock = `${FAULTS_REPORT}.lock`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await (await openFile(lock, 'wx')).close();
      break;
    } catch {
      if (Date.now() > deadline) await rm(lock, { force: true }); // a crashed run left it behind
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    let current: { sections?: Record<string, unknown> } = {};
    if (existsSync(FAULTS_REPORT)) {
      try {
        current = JSON.parse(readFileSync(FAULTS_REPORT, 'utf8'));
      } catch {
        current = {};
      }
    }
    const sections = { ...(current.sections ?? {}), [section]: { ...counts, at: new Date().toISOString() } } as Record<string, FaultCounts>;
    const values = Object.values(sections);
    const report = {
      seed: FAULT_SEED,
      generatedAt: new Date().toISOString(),
      totals: {
        planned: values.reduce((s, v) => s + v.planned, 0),
        injected: values.reduce((s, v) => s + v.injected, 0),
        survived: values.reduce((s, v) => s + v.survived, 0),
      },
      sections,
    };
    const tmp = `${FAULTS_REPORT}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(report, null, 2)}\n`);
    await rename(tmp, FAULTS_REPORT);
  } finally {
    await rm(lock, { force: true });
  }
}
