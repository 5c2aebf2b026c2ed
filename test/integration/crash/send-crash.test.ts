import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditLane, blockStamps, planKills, restartAndSettle, runKillPoint, runSendChild, type Calibration, type KillOutcome, type LaneState } from '../../helpers/crash-harness';
import { startCrashRig } from '../../helpers/crash-rig';
import { tempDir } from '../../helpers/temp-dir';

/** Replays the same kill plan; override with CRASH_SEED to explore others. */
const SEED = process.env.CRASH_SEED ?? 'crash-2026';
/** Kill points; the issue asks for at least 30. */
const KILL_POINTS = Number(process.env.CRASH_POINTS ?? 32);
/** Independent rigs (sandbox + proxy + data dir) working side by side; child start-up dominates, so two halve the time. */
const LANES = 2;
/** ~3 500 rows make a ~330 KB recipient file: about one second through the throttle. */
const RECIPIENTS = 3_500;
const BYTES_PER_SECOND = 330_000;

const RESULTS = join(process.cwd(), 'test-results', 'reliability', 'crashes.json');

const data = tempDir('loopdesk-crash-');
const lanes: LaneState[] = [];

afterAll(async () => {
  for (const lane of lanes) await lane.rig.stop().catch(() => undefined);
  data.cleanup();
});

describe('a send survives SIGKILL at any point', () => {
  it(`${KILL_POINTS} seeded kills of \`loopdesk send\`: after restart every recorded send reaches the server exactly once`, async () => {
    const started = Date.now();
    for (let i = 0; i < LANES; i++) {
      const rig = await startCrashRig({ dir: join(data.path, `lane-${i}`), recipients: RECIPIENTS, bytesPerSecond: BYTES_PER_SECOND, seed: `${SEED}-${i}` });
      lanes.push({ rig, known: new Set(), reports: [], next: 0 });
    }

    // One uninterrupted send per lane measures the windows under this machine's load and
    // proves the path without faults; its send must go out like every other.
    const calibrations = await Promise.all(
      lanes.map(async (lane): Promise<Calibration> => {
        const run = await runSendChild(lane.rig, lane.rig.mailingIds[lane.next++ % lane.rig.mailingIds.length]);
        expect(run.exit.code, run.stderr).toBe(0);
        const settled = await restartAndSettle(lane, { restartVia: 'in-process', serverRunFirst: false }, run, new Set());
        expect(settled.violations).toEqual([]);
        expect(settled.finalState).toBe('sent');
        const e = run.events;
        expect(e.productsFinal !== undefined && e.subscribersPart !== undefined && e.subscribersFinal !== undefined, JSON.stringify(e)).toBe(true);
        const summaryMs = run.summaryMs ?? 0;
        return { summaryMs, productsFinalMs: e.productsFinal!, subscribersPartMs: e.subscribersPart!, subscribersFinalMs: e.subscribersFinal!, exitMs: run.exit.at };
      }),
    );
    // The slower lane's windows, so no lane's kills fall short.
    const calibration: Calibration = {
      summaryMs: Math.max(...calibrations.map((c) => c.summaryMs)),
      productsFinalMs: Math.max(...calibrations.map((c) => c.productsFinalMs)),
      subscribersPartMs: Math.max(...calibrations.map((c) => c.subscribersPartMs)),
      subscribersFinalMs: Math.max(...calibrations.map((c) => c.subscribersFinalMs)),
      exitMs: Math.max(...calibrations.map((c) => c.exitMs)),
    };

    const plan = planKills(SEED, KILL_POINTS, LANES);
    const outcomes: KillOutcome[] = [];
    await Promise.all(
      lanes.map(async (lane, i) => {
        for (const point of plan.filter((p) => p.lane === i)) outcomes.push(await runKillPoint(lane, point, calibration));
      }),
    );
    const audits = await Promise.all(lanes.map((lane) => auditLane(lane)));
    outcomes.sort((a, b) => a.index - b.index);

    const count = <K extends string>(keys: K[]) => keys.reduce<Record<string, number>>((m, k) => ((m[k] = (m[k] ?? 0) + 1), m), {});
    const killed = outcomes.filter((o) => o.phase !== 'exited-before-kill');
    const survived = outcomes.filter((o) => o.violations.length === 0);
    const auditViolations = audits.flatMap((a, i) => a.violations.map((v) => `lane ${i}: ${v}`));
    const summary = {
      seed: SEED,
      lanes: LANES,
      recipients: RECIPIENTS,
      throttleBytesPerSecond: BYTES_PER_SECOND,
      calibration,
      laneCalibrationsAtEnd: lanes.map((l) => l.calibration ?? null),
      killPoints: outcomes.length,
      killsDelivered: killed.length,
      phases: count(outcomes.map((o) => o.phase)),
      anchors: count(outcomes.map((o) => o.anchor)),
      restartVia: count(outcomes.map((o) => o.restartVia)),
      serverRunWhileDown: outcomes.filter((o) => o.serverRunFirst).length,
      survived: survived.length,
      sendsRecorded: audits.reduce((s, a) => s + a.sends, 0),
      uploadsProcessed: audits.reduce((s, a) => s + a.processed, 0),
      auditViolations,
      orphanFolders: audits.flatMap((a, i) => a.orphanFolders.map((f) => `lane ${i}: ${f}`)),
      durationMs: Date.now() - started,
      outcomes,
    };
    mkdirSync(join(RESULTS, '..'), { recursive: true });
    writeFileSync(RESULTS, JSON.stringify(summary, null, 2) + '\n');

    expect(outcomes.filter((o) => o.violations.length > 0).map((o) => ({ index: o.index, phase: o.phase, violations: o.violations }))).toEqual([]);
    expect(auditViolations).toEqual([]);
    expect(killed.length).toBeGreaterThanOrEqual(30);
    // Every send the journal knows went out exactly once (calibration sends included).
    expect(summary.uploadsProcessed).toBe(summary.sendsRecorded);
    // The seeded plan must really reach the windows it is about (which exact phase a kill
    // lands in depends on the machine's speed; these groups are wide enough to be stable).
    const hit = new Set(killed.map((o) => o.phase));
    const groups = { 'before the send was recorded': ['before-record', 'prepared-not-recorded'], 'mid-upload': ['uploading-products', 'uploading-subscribers', 'subscribers-before-rename'], 'after the rename, before the journal update': ['renamed-not-journaled'] };
    for (const [what, phases] of Object.entries(groups)) expect(phases.some((p) => hit.has(p as never)), `no kill ${what}; phases hit: ${[...hit].join(', ')}`).toBe(true);
  }, 400_000);

  // The name claim (the upload directory already holds files with this send's timestamp)
  // changes only the journal, never the prepared local files, so a kill around it cannot
  // strand the send: it is finished after the restart under the claimed name, once.
  it('a kill around the name claim is finished after restart, once, under the claimed name', async () => {
    const lane: LaneState = { rig: await startCrashRig({ dir: join(data.path, 'claim'), recipients: 500, bytesPerSecond: BYTES_PER_SECOND, seed: `${SEED}-claim` }), known: new Set(), reports: [], next: 0 };
    lanes.push(lane);
    let outcome: KillOutcome;
    try {
      lane.foreign = blockStamps(lane.rig, 60);
      outcome = await runKillPoint(lane, { index: 0, lane: 0, anchor: 'subscribers-part', fraction: 0, restartVia: 'in-process', serverRunFirst: false }, { summaryMs: 0, productsFinalMs: 0, subscribersPartMs: 0, subscribersFinalMs: 0, exitMs: 0 });
    } catch (e) {
      throw new Error(`the crash harness broke: ${(e as Error).message}`, { cause: e });
    }
    const summary = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : {};
    writeFileSync(RESULTS, JSON.stringify({ ...summary, claimWindow: outcome }, null, 2) + '\n');
    expect(outcome.violations).toEqual([]);
    expect(outcome.sendId).not.toBeNull();
    expect(outcome.finalState).toBe('sent');
  }, 120_000);
});
