/**
 * Long fuzz runs outside Vitest: `npx tsx test/fuzz/run-fuzz.ts [--heavy] [--only=ID,ID]`.
 * LOOPDESK_FUZZ_ITERATIONS sets the random corpus size (default 300), LOOPDESK_FUZZ_SEED its seed.
 * Prints each failing input with how to regenerate it; exits 1 when any input failed.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { heavyCases, randomCases, regressionCases, structuralCases } from '../helpers/fuzz-inputs';
import { DEFAULT_LIMITS, isFailure, runFuzzCases } from '../helpers/fuzz-runner';

const seed = process.env.LOOPDESK_FUZZ_SEED ?? 'loopdesk-fuzz-1';
const n = Number(process.env.LOOPDESK_FUZZ_ITERATIONS ?? 300);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
let cases = [...structuralCases(), ...randomCases(seed, n), ...regressionCases(), ...(process.argv.includes('--heavy') || only ? heavyCases() : [])];
if (only) cases = cases.filter((c) => only.includes(c.id));
const work = join(tmpdir(), `loopdesk-fuzz-${process.pid}`);
const started = Date.now();
const results = await runFuzzCases(cases, work, DEFAULT_LIMITS);
rmSync(work, { recursive: true, force: true });
const by: Record<string, number> = {};
for (const r of results) by[r.outcome] = (by[r.outcome] ?? 0) + 1;
for (const r of results) {
  if (isFailure(r) || process.argv.includes('--verbose')) console.log(`${r.outcome.padEnd(13)} ${r.id} (${r.op} ${r.fileName}, ${r.bytes} B, ${r.ms} ms, ${r.peakRssMb} MB) ${r.code ?? ''} ${r.problem ?? ''}\n    ${(r.message ?? r.summary ?? '').split('\n').join('\n    ')}`);
}
const slow = [...results].sort((a, b) => b.ms - a.ms).slice(0, 8);
console.log('slowest:', slow.map((r) => `${r.id} ${r.ms}ms ${r.peakRssMb}MB`).join(', '));
console.log(`${results.length} inputs (seed ${seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s:`, by);
process.exit(results.some(isFailure) ? 1 : 0);
