/**
 * Benchmark of the suppression check right before a real send's upload (upload-recheck.ts) on a
 * prepared 100,000-row recipient file with a 100,000-address suppression list: the usual case,
 * where nobody new is suppressed, reads the file once and writes nothing. Baseline: papaparse
 * streaming the same file once (what any reading of it costs). Also the rare case: 1,000 rows
 * suppressed, file written again. And the whole check as the runner does it: the list read from
 * a real DuckDB file into memory (the same load validation does; most of this figure), then the scan. Run:
 * `npx tsx test/bench/upload-recheck-bench.ts`.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { BenchResult } from './run-bench';
import { ALL_MIGRATIONS } from '../../main/app/app-migrations';
import { Database } from '../../main/services/store/database';
import { SuppressionList } from '../../main/services/suppression/suppression-list';
import { writeClosedLoopFile } from '../../main/services/recipients/closed-loop-writer';
import { findSuppressed, writeWithout } from '../../main/services/sends/suppressed-since-prepare';

const ROWS = 100_000;
const REPEATS = 5;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

async function papaparseOnce(path: string): Promise<number> {
  let rows = 0;
  await new Promise<void>((resolve, reject) => {
    const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { delimiter: ';', quoteChar: '"' }) as unknown as NodeJS.ReadWriteStream;
    parser.on('data', () => rows++);
    parser.on('end', () => resolve());
    parser.on('error', reject);
    createReadStream(path).on('error', reject).pipe(parser);
  });
  return rows;
}

/** The bench file's fields: the address first, eight in all (as DEFAULT_MASTER_FIELDS plus two). */
const EMAIL_FIRST = { emailIndex: 0, fieldCount: 8 };

/** The check's figures: the usual case against the baseline, and the rewrite of the rare case. */
export async function runUploadRecheckBench(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'loopdesk-recheck-bench-'));
  try {
    const file = join(dir, '20261206090000_subscribers.csv');
    const row = (i: number) => [`user${i}@example.com`, '82213773168', '14333443077721930', i % 2 ? 'Herr' : 'Frau', 'Jürgen', `Müller ${i}`, `Kunde ${i}`, '2024-01-01'];
    await writeClosedLoopFile((function* () {
      for (let i = 0; i < ROWS; i++) yield row(i);
    })(), file, { fieldCount: 8 });
    const listed = new Map(Array.from({ length: ROWS }, (_, i) => [`other${i}@example.org`, 'unsubscribed']));
    const none = (email: string) => listed.get(email.trim().toLowerCase());
    const some = (email: string) => (/^user\d*00@/.test(email) ? 'unsubscribed' : listed.get(email));
    const base: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      base.push(await timed(() => papaparseOnce(file)));
      ours.push(await timed(() => findSuppressed(file, 'utf-8', none, EMAIL_FIRST)));
    }
    const found = await findSuppressed(file, 'utf-8', some, EMAIL_FIRST);
    const rewrite = await timed(() => writeWithout(file, new Set(found.suppressed.map((r) => r.index)), join(dir, 'kept.tmp')));
    // The whole check: the suppression list loaded from the data file, then the scan.
    const db = await Database.open(join(dir, 'data.duckdb'), ALL_MIGRATIONS);
    let whole: number;
    try {
      const list = new SuppressionList(db);
      await list.add(Array.from({ length: ROWS }, (_, i) => ({ email: `other${i}@example.org`, reason: 'unsubscribed', source: 'bench' })));
      const runs: number[] = [];
      for (let i = 0; i < REPEATS; i++) runs.push(await timed(async () => findSuppressed(file, 'utf-8', await list.lookup(), EMAIL_FIRST)));
      whole = median(runs);
    } finally {
      await db.close();
    }
    const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
    const b = median(base);
    const o = median(ours);
    return [
      { bench: 'upload recheck, 100k rows, nobody new suppressed (ms)', value: Math.round(o), unit: 'ms', baseline: Math.round(b), ratio: Number((o / b).toFixed(2)), target: 'ratio <= 1', peakRssMB },
      { bench: 'upload recheck, 100k rows, 100k-address list read from the data file, then the scan (ms)', value: Math.round(whole), unit: 'ms', baseline: Math.round(b), ratio: Number((whole / b).toFixed(2)), target: 'ratio <= 4', peakRssMB },
      { bench: `upload recheck, 100k rows, ${found.suppressed.length} suppressed: file written again (ms)`, value: Math.round(rewrite), unit: 'ms', baseline: Math.round(b), ratio: Number((rewrite / b).toFixed(2)), target: 'ratio <= 2', peakRssMB },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await runUploadRecheckBench()) process.stdout.write(`${JSON.stringify(r)}\n`);
}
