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
  responses: async () => (await import('./responses-bench')).runResponsesBench(),
  startup: async () => (await import('./startup-bench')).runStartupBench(),
};

/** `loopdesk bench [suite…]`: runs the benchmarks and prints one JSON line per result. */
export async function benchCommand(argv: string[], io: CliIo): Promise<number> {
  const names = argv.length > 0 ? argv : Object.keys(SUITES);
  for (const name of names) {
    const suite = SUITES[name];
    if (!suite) {
      io.err(`Unknown benchmark "${name}". Known: ${Object.keys(SUITES).join(', ')}`);
      return 2;
    }
    for (const result of await suite()) io.out(JSON.stringify(result));
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await benchCommand(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
}
