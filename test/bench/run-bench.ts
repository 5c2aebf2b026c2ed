// `npm run bench [suite…]`: the benchmarks, run through tsx from the sources (they are not part
// of the shipped CLI). New suites: one line in SUITES below.

/** Where the figures go. */
interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** One benchmark figure, printed as one JSON line (issue: `npm run bench` format). */
export interface BenchResult {
  readonly bench: string;
  readonly value: number;
  readonly unit: string;
  /** The same work done by the baseline tool in the same run. */
  readonly baseline: number;
  /** value / baseline, oriented as the target states. */
  readonly ratio: number;
  /** The target, in words (e.g. "ratio >= 1"). */
  readonly target: string;
  readonly peakRssMB: number;
}

/** The benchmark suites, loaded lazily: each starts its own servers and data. */
const SUITES: Record<string, () => Promise<BenchResult[]>> = {
  sftp: async () => (await import('./sftp-bench')).runSftpBench(),
  prepare: async () => (await import('./prepare-bench')).runPrepareBench(),
  xlsx: async () => (await import('./xlsx-bench')).runXlsxBench(),
  responses: async () => (await import('./responses-bench')).runResponsesBench(),
  startup: async () => (await import('./startup-bench')).runStartupBench(),
  team: async () => (await import('./team-bench')).runTeamBench(),
  recheck: async () => (await import('./upload-recheck-bench')).runUploadRecheckBench(),
};

/**
 * `loopdesk bench [suite…]`: runs the benchmarks, prints one JSON line per result (with `met`:
 * whether its target held), keeps the run and rewrites the README's performance section.
 */
export async function benchCommand(argv: string[], io: CliIo): Promise<number> {
  const names = argv.length > 0 ? argv : Object.keys(SUITES);
  const report = await import('./bench-report');
  const all: BenchResult[] = [];
  for (const name of names) {
    const suite = SUITES[name];
    if (!suite) {
      io.err(`Unknown benchmark "${name}". Known: ${Object.keys(SUITES).join(', ')}`);
      return 2;
    }
    for (const result of await suite()) {
      io.out(report.benchLine(result));
      all.push(result);
    }
  }
  report.recordBenchRun(all, names);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await benchCommand(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
}
