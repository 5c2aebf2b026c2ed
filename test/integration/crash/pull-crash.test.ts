import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrationOf, planPullKills, runPullKillPoint, runReference, type PullCalibration, type PullKillOutcome, type PullLane, type PullReference } from '../../helpers/pull-crash-harness';
import { downloadDirOf, localFiles, readSnapshot, startPullCrashRig } from '../../helpers/pull-crash-rig';
import { tempDir } from '../../helpers/temp-dir';

/** Replays the same kill plan; override with PULL_CRASH_SEED to explore others. */
const SEED = process.env.PULL_CRASH_SEED ?? 'pull-crash-2026';
/** Kill points; the issue asks for at least 15. 24, because the window between a download and its commit is narrow on a fast machine and 16 points missed it once in four runs. */
const KILL_POINTS = Number(process.env.PULL_CRASH_POINTS ?? 24);
/** Child start-up (tsx) dominates each point, so two rigs side by side halve the time on two cores. */
const LANES = 2;
/** One day of seven files, ~650 KB: 1.5-2 s of downloads through the throttle. */
const ROWS_PER_DAY = 2_000;
const DAYS = 1;
const BYTES_PER_SECOND = 1_000_000;

// A file of its own: the send crash test runs at the same time and writes crashes.json.
const RESULTS = join(process.cwd(), 'test-results', 'reliability', 'pull-crashes.json');

const data = tempDir('loopdesk-pull-crash-');
const lanes: PullLane[] = [];

afterAll(async () => {
  for (const lane of lanes) await lane.rig.stop().catch(() => undefined);
  data.cleanup();
});

describe('a response pull survives SIGKILL at any point', () => {
  it(`${KILL_POINTS} seeded kills of \`loopdesk pull\`: nothing half applied, and a second pull completes the data exactly`, async () => {
    const started = Date.now();
    // Both lanes serve the same files (same seed), so one reference fits both.
    const rigs = await Promise.all(
      Array.from({ length: LANES }, (_, i) => startPullCrashRig({ dir: join(data.path, `lane-${i}`), seed: SEED, rowsPerDay: ROWS_PER_DAY, days: DAYS, bytesPerSecond: BYTES_PER_SECOND })),
    );
    // The clean reference pull into a fresh data dir on each lane; it also measures the windows.
    const references = await Promise.all(
      rigs.map(async (rig, i) => {
        const dir = join(data.path, `lane-${i}`);
        const dataDir = rig.dataDirFrom('fresh', join(dir, 'reference'));
        const { child, exit } = await runReference(rig, dataDir);
        expect(exit.code, child.stderr()).toBe(0);
        const snap = await readSnapshot(dataDir);
        expect(snap.ledger.map((e) => [e.name, e.status, e.rows])).toEqual(rig.files.map((f) => [f.name, 'ingested', f.rows]));
        expect(localFiles(downloadDirOf(dataDir, rig.rig.sandbox.clients[0].name)).parts).toEqual([]);
        lanes.push({ rig, dir, calibration: calibrationOf(rig.files, child.events, exit.at) });
        return { tables: snap.tables, suppression: snap.suppression } satisfies PullReference;
      }),
    );
    expect(references[1] ?? references[0]).toEqual(references[0]);
    const reference = references[0]!;
    // Every row the server has arrived: the reference is the files, not whatever Loopdesk made of them.
    const files = rigs[0]!.files;
    expect(Object.values(reference.tables).reduce((a, b) => a + b, 0)).toBe(files.reduce((a, f) => a + f.rows, 0));
    const calibrations = lanes.map((l) => l.calibration);
    const referenceMs = Date.now() - started;

    const plan = planPullKills(SEED, KILL_POINTS, LANES, files);
    const outcomes: PullKillOutcome[] = [];
    await Promise.all(
      lanes.map(async (lane, i) => {
        for (const point of plan.filter((p) => p.lane === i)) outcomes.push(await runPullKillPoint(lane, point, reference));
      }),
    );
    outcomes.sort((a, b) => a.index - b.index);

    const count = (keys: string[]) => keys.reduce<Record<string, number>>((m, k) => ((m[k] = (m[k] ?? 0) + 1), m), {});
    const killed = outcomes.filter((o) => o.phase !== 'exited-before-kill');
    const failed = outcomes.filter((o) => o.violations.length > 0);
    const summary = {
      seed: SEED,
      lanes: LANES,
      files: files.map((f) => ({ name: f.name, size: f.size, rows: f.rows })),
      throttleBytesPerSecond: BYTES_PER_SECOND,
      calibrations: calibrations.map((c: PullCalibration) => ({ firstPartMs: c.firstPartMs, downloadsMs: c.finalMs.at(-1)! - c.firstPartMs, exitMs: c.exitMs })),
      reference,
      killPoints: outcomes.length,
      killsDelivered: killed.length,
      phases: count(outcomes.map((o) => o.phase)),
      anchors: count(outcomes.map((o) => o.anchor)),
      starts: count(outcomes.map((o) => o.start)),
      survived: outcomes.length - failed.length,
      referenceMs,
      durationMs: Date.now() - started,
      outcomes,
    };
    mkdirSync(join(RESULTS, '..'), { recursive: true });
    writeFileSync(RESULTS, JSON.stringify(summary, null, 2) + '\n');

    expect(failed.map((o) => ({ index: o.index, anchor: o.anchor, file: o.file, phase: o.phase, violations: o.violations }))).toEqual([]);
    expect(killed.length).toBeGreaterThanOrEqual(15);
    // The plan must really reach the windows it is about; which exact phase a kill lands in
    // depends on the machine's speed, so only the wide groups are required.
    const hit = new Set(killed.map((o) => o.phase));
    const groups = {
      'during start-up or the listing': ['startup-or-listing'],
      'mid-download': ['mid-download'],
      'between download and commit (before or inside the ingest transaction)': ['downloaded-not-ingested', 'mid-ingest'],
      'after an ingest, before the next file': ['ingested-before-next-file', 'all-ingested-before-exit'],
    };
    for (const [what, phases] of Object.entries(groups)) expect(phases.some((p) => hit.has(p as never)), `no kill landed ${what}; phases hit: ${[...hit].join(', ')}`).toBe(true);
    // Kills mid-download left `.part` files behind, and the restart did not ingest them.
    expect(killed.some((o) => o.partsLeft > 0)).toBe(true);
    // Both starting points were hit: first ingests and replacements of older versions.
    expect(new Set(killed.map((o) => o.start))).toEqual(new Set(['fresh', 'stale']));
  }, 300_000);
});
