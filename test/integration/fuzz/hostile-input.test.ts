import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp-dir';
import { FUZZ_BUGS } from '../../helpers/fuzz-bugs';
import { heavyCases, randomCases, regressionCases, structuralCases } from '../../helpers/fuzz-inputs';
import { DEFAULT_LIMITS, isFailure, runFuzzCases, type CaseResult } from '../../helpers/fuzz-runner';

// A fixed seeded corpus in CI; LOOPDESK_FUZZ_ITERATIONS / LOOPDESK_FUZZ_SEED for long local runs.
const SEED = process.env.LOOPDESK_FUZZ_SEED ?? 'loopdesk-fuzz-1';
const ITERATIONS = Number(process.env.LOOPDESK_FUZZ_ITERATIONS ?? 300);
const REPORT = join(process.cwd(), 'test-results/reliability/fuzz.json');

function count<K extends string>(results: readonly CaseResult[], key: (r: CaseResult) => K): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const r of results) {
    const k = key(r);
    out[k] ??= {};
    out[k][r.outcome] = (out[k][r.outcome] ?? 0) + 1;
  }
  return out;
}

function describeFailure(r: CaseResult): string {
  return `${r.outcome} ${r.id} (${r.op} ${r.fileName}, ${r.bytes} bytes, ${r.ms} ms, ${r.peakRssMb} MB): ${r.problem ?? ''} ${r.code ?? ''} ${(r.message ?? '').slice(0, 300)}`;
}

describe('hostile input (fuzz)', () => {
  it('every spreadsheet, workbook and response file ends in a result or a clear error, within 10 s and bounded memory', { timeout: 900_000 }, async () => {
    const cases = [...structuralCases(), ...randomCases(SEED, ITERATIONS), ...regressionCases(), ...heavyCases()];
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    const dir = tempDir('loopdesk-fuzz-');
    const started = Date.now();
    let results: CaseResult[];
    try {
      results = await runFuzzCases(cases, dir.path, DEFAULT_LIMITS);
    } finally {
      dir.cleanup();
    }
    const durationMs = Date.now() - started;
    const byOutcome: Record<string, number> = {};
    for (const r of results) byOutcome[r.outcome] = (byOutcome[r.outcome] ?? 0) + 1;
    const failures = results.filter(isFailure);
    const outcomeOf = new Map(results.map((r) => [r.id, r]));
    const bugs = FUZZ_BUGS.map((b) => {
      const seen = b.witnesses.map((w) => outcomeOf.get(w));
      return { ...b, status: seen.every((r) => r && !isFailure(r)) ? 'fixed' : 'open', witnessOutcomes: Object.fromEntries(b.witnesses.map((w, i) => [w, seen[i]?.outcome ?? 'not run'])) };
    });
    mkdirSync(join(REPORT, '..'), { recursive: true });
    writeFileSync(
      REPORT,
      JSON.stringify(
        {
          seed: SEED,
          randomInputs: ITERATIONS,
          limits: DEFAULT_LIMITS,
          inputsTried: results.length,
          durationMs,
          byOutcome,
          byFamily: count(results, (r) => r.family),
          byOp: count(results, (r) => r.op),
          errorCodes: results.reduce<Record<string, number>>((acc, r) => (r.code ? { ...acc, [r.code]: (acc[r.code] ?? 0) + 1 } : acc), {}),
          peakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
          slowest: [...results].sort((a, b) => b.ms - a.ms).slice(0, 10).map((r) => ({ id: r.id, outcome: r.outcome, ms: r.ms, peakRssMb: r.peakRssMb })),
          bugs,
          failures: failures.map((r) => ({ id: r.id, outcome: r.outcome, op: r.op, fileName: r.fileName, bytes: r.bytes, ms: r.ms, peakRssMb: r.peakRssMb, code: r.code, problem: r.problem, message: r.message })),
        },
        null,
        2,
      ) + '\n',
    );
    // Every input was run and classified (none lost between children).
    expect(results.length).toBe(cases.length);
    // The corpus must exercise both acceptable outcomes, or the readers are not being reached.
    expect(byOutcome.result ?? 0).toBeGreaterThan(20);
    expect(byOutcome['clear-error'] ?? 0).toBeGreaterThan(20);
    expect(failures.map(describeFailure)).toEqual([]);
  });
});
