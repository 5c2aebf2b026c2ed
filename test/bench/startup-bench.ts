import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './run-bench';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'main', 'cli', 'bin.mjs');
/** Runs per command; the median is reported, so one hiccup of a busy machine does not decide. */
const REPEATS = 9;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall time of one process from spawn to exit, in ms. */
function timed(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: repo, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/**
 * How fast `loopdesk` starts for scripts: `--version` and `status` (on a fresh data dir: it
 * opens the data file, so it is the cost of every command that touches data), each against a
 * bare `node -e ""` measured in the same run, interleaved so machine load hits both alike.
 * Target (issue 12): under 300 ms each on the team's build machine, from the bundle that
 * `npm install` / `npm run build` leave in dist/cli.
 */
export async function runStartupBench(): Promise<BenchResult[]> {
  // Measure what ships: the bundle as `npm install` / `npm run build` leave it, current with the sources.
  const built = spawnSync(process.execPath, [join(repo, 'main', 'build', 'build-cli.mjs')], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0 || !existsSync(join(repo, 'dist', 'cli', 'main.cjs'))) throw new Error('building the CLI bundle (main/build/build-cli.mjs) failed');
  const dataDir = mkdtempSync(join(tmpdir(), 'loopdesk-startup-'));
  try {
    timed([bin, '--data-dir', dataDir, 'status']); // creates the data file once, like any first start
    const node: number[] = [];
    const version: number[] = [];
    const status: number[] = [];
    const sources: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      node.push(timed(['-e', '']));
      version.push(timed([bin, '--version']));
      status.push(timed([bin, '--data-dir', dataDir, 'status']));
      if (i < 3) sources.push(timed([bin, '--data-dir', dataDir, 'status'], { ...process.env, LOOPDESK_FROM_SOURCES: '1' }));
    }
    const baseline = median(node);
    const rss = Math.round(process.resourceUsage().maxRSS / 1024);
    const result = (bench: string, values: number[], target = 'value < 300'): BenchResult => {
      const value = Math.round(median(values));
      return { bench, value, unit: 'ms', baseline: Math.round(baseline), ratio: Number((value / baseline).toFixed(2)), target, peakRssMB: rss };
    };
    return [result('cli.startup.version', version), result('cli.startup.status', status), result('cli.startup.status-from-sources (tsx, development)', sources, 'informational: the TypeScript path kept for development; ratio = value / node -e ""')];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
