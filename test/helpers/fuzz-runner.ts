import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FuzzCase } from './fuzz-inputs';
import type { ChildEvent, ChildManifest, FuzzOutcome } from './fuzz-verdict';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = join(REPO, 'test/helpers/fuzz-child.ts');

/** Limits every input is held to. */
export interface FuzzLimits {
  /** Wall time per input (from the child's "start" line to its "done" line). */
  readonly timeMs: number;
  /** V8 heap of each child (`--max-old-space-size`). */
  readonly heapMb: number;
  /** Resident set size at which a child is killed and its input counted as `oom`. */
  readonly rssMb: number;
  /** Inputs per child for the non-isolated ones. */
  readonly batchSize: number;
  /** Children running at once. */
  readonly parallel: number;
}

/** Default limits: 10 s, 256 MB heap, 1 GB RSS (DuckDB's native memory counts there). */
export const DEFAULT_LIMITS: FuzzLimits = { timeMs: 10_000, heapMb: 256, rssMb: 1024, batchSize: 40, parallel: 2 };

/** How one input ended, with what the child said about it. */
export interface CaseResult {
  readonly id: string;
  readonly family: string;
  readonly op: string;
  readonly fileName: string;
  readonly bytes: number;
  readonly outcome: FuzzOutcome;
  readonly ms: number;
  /** Highest RSS seen while this input ran (MB; sampled every 50 ms from /proc). */
  readonly peakRssMb: number;
  readonly code?: string;
  readonly message?: string;
  readonly problem?: string;
  readonly summary?: string;
  readonly detailsBytes?: number;
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

interface Prepared {
  readonly c: FuzzCase;
  readonly path: string;
  readonly bytes: number;
}

/**
 * Runs one child over `items`; returns results for the inputs it finished or broke on, and the
 * inputs it never reached (to be retried in a fresh child).
 */
function runChild(items: readonly Prepared[], workDir: string, limits: FuzzLimits, tag: string): Promise<{ results: CaseResult[]; rest: Prepared[] }> {
  const manifestPath = join(workDir, `manifest-${tag}.json`);
  const manifest: ChildManifest = {
    workDir,
    cases: items.map((p) => ({ id: p.c.id, op: p.c.op, path: p.path, fileName: p.c.fileName, kind: p.c.kind, options: p.c.options })),
  };
  writeFileSync(manifestPath, JSON.stringify(manifest));
  const byId = new Map(items.map((p) => [p.c.id, p]));
  const results: CaseResult[] = [];
  const finished = new Set<string>();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${limits.heapMb}`, '--import', 'tsx', CHILD, manifestPath], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let current: { id: string; started: number; peak: number; budgetMs?: number } | undefined;
    let killedFor: FuzzOutcome | undefined;
    let crash: { id: string; error: string } | undefined;
    let stderr = '';
    let buffered = '';
    const startup = Date.now();
    let ready = false;
    const record = (id: string, outcome: FuzzOutcome, extra: Partial<CaseResult>, ms: number, peak: number): void => {
      const p = byId.get(id);
      if (!p || finished.has(id)) return;
      finished.add(id);
      results.push({ id, family: p.c.family, op: p.c.op, fileName: p.c.fileName, bytes: p.bytes, outcome, ms, peakRssMb: Math.round(peak), ...extra });
    };
    const timer = setInterval(() => {
      const rss = rssOf(child.pid!);
      if (current) {
        current.peak = Math.max(current.peak, rss);
        if (rss > limits.rssMb && !killedFor) {
          killedFor = 'oom';
          child.kill('SIGKILL');
        } else if (Date.now() - current.started > (current.budgetMs ?? limits.timeMs) && !killedFor) {
          killedFor = 'hang';
          child.kill('SIGKILL');
        }
      } else if (!ready && Date.now() - startup > 60_000 && !killedFor) {
        killedFor = 'crash';
        child.kill('SIGKILL');
      }
    }, 50);
    child.stdout!.on('data', (b: Buffer) => {
      buffered += b.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let e: ChildEvent;
        try {
          e = JSON.parse(line) as ChildEvent;
        } catch {
          continue; // a library printing to stdout
        }
        if (e.t === 'ready') ready = true;
        else if (e.t === 'oracle') current = { id: e.id, started: Date.now(), peak: rssOf(child.pid!), budgetMs: limits.timeMs * 3 };
        else if (e.t === 'start') current = { id: e.id, started: Date.now(), peak: Math.max(current?.id === e.id ? current.peak : 0, rssOf(child.pid!)) };
        else if (e.t === 'done') {
          const peak = Math.max(current?.peak ?? 0, e.rssMb ?? 0);
          record(e.id, e.outcome, { code: e.code, message: e.message, problem: e.problem, summary: e.summary, detailsBytes: e.detailsBytes }, e.ms, peak);
          current = undefined;
        } else if (e.t === 'crash') crash = { id: e.id, error: `${e.error}\n${e.stack}` };
      }
    });
    child.stderr!.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-8000);
    });
    child.on('close', (code, signal) => {
      clearInterval(timer);
      rmSync(manifestPath, { force: true });
      const victim = crash?.id ?? current?.id;
      if (victim) {
        const p = current && current.id === victim ? current : undefined;
        const ms = p ? Date.now() - p.started : 0;
        const oomByV8 = /heap out of memory|Allocation failed|Reached heap limit|invalid array length|Invalid string length/i.test(stderr);
        let outcome: FuzzOutcome = killedFor ?? (oomByV8 ? 'oom' : 'crash');
        if (crash && !killedFor) outcome = /heap out of memory|Invalid (string|array) length/i.test(crash.error) ? 'oom' : 'crash';
        const why =
          outcome === 'hang'
            ? `no answer within ${limits.timeMs} ms`
            : outcome === 'oom'
              ? `memory: ${killedFor === 'oom' ? `RSS above ${limits.rssMb} MB` : 'V8 heap exhausted'}`
              : `child died (exit ${code ?? signal})`;
        record(victim, outcome, { problem: why, message: (crash?.error ?? stderr.trim().split('\n').slice(-6).join('\n')).slice(0, 1500) }, ms, p?.peak ?? 0);
      } else if (code !== 0 && !ready) {
        // Did not even start: blame every input, loudly.
        for (const p of items) record(p.c.id, 'crash', { problem: `child failed to start (exit ${code ?? signal})`, message: stderr.slice(-1500) }, 0, 0);
      }
      resolve({ results, rest: items.filter((p) => !finished.has(p.c.id)) });
    });
  });
}

/**
 * Feeds every case to the real readers in child processes and classifies each outcome.
 * Isolated cases get a child each; the rest share children in batches, and a child that hangs
 * or dies is replaced by a fresh one for the inputs it had not reached.
 */
export async function runFuzzCases(cases: readonly FuzzCase[], workDir: string, limits: FuzzLimits = DEFAULT_LIMITS): Promise<CaseResult[]> {
  mkdirSync(workDir, { recursive: true });
  const inputs = join(workDir, 'inputs');
  mkdirSync(inputs, { recursive: true });
  const write = async (c: FuzzCase): Promise<Prepared> => {
    const dir = join(inputs, c.id.replace(/[^\w.-]+/g, '_'));
    mkdirSync(dir, { recursive: true });
    const data = await c.build();
    const path = join(dir, c.fileName);
    writeFileSync(path, data);
    return { c, path, bytes: data.length };
  };
  // Jobs: batches of light cases, then one job per heavy case (built just before it runs,
  // so at most `parallel` big inputs are on disk at once).
  type Job = () => Promise<CaseResult[]>;
  const jobs: Job[] = [];
  const light = cases.filter((c) => !c.isolate);
  let tag = 0;
  for (let i = 0; i < light.length; i += limits.batchSize) {
    const slice = light.slice(i, i + limits.batchSize);
    jobs.push(async () => {
      let pending = await Promise.all(slice.map(write));
      const out: CaseResult[] = [];
      while (pending.length > 0) {
        const { results, rest } = await runChild(pending, workDir, limits, String(tag++));
        out.push(...results);
        if (results.length === 0 && rest.length === pending.length) break; // no progress: avoid looping
        pending = rest;
      }
      for (const p of slice) rmSync(join(inputs, p.id.replace(/[^\w.-]+/g, '_')), { recursive: true, force: true });
      return out;
    });
  }
  for (const c of cases.filter((x) => x.isolate)) {
    jobs.push(async () => {
      const p = await write(c);
      try {
        return (await runChild([p], workDir, limits, String(tag++))).results;
      } finally {
        rmSync(join(inputs, c.id.replace(/[^\w.-]+/g, '_')), { recursive: true, force: true });
      }
    });
  }
  const results: CaseResult[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      results.push(...(await job()));
    }
  };
  await Promise.all(Array.from({ length: limits.parallel }, worker));
  const order = new Map(cases.map((c, i) => [c.id, i]));
  return results.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}

/** Outcomes that fail the run. */
export function isFailure(r: CaseResult): boolean {
  return r.outcome !== 'result' && r.outcome !== 'clear-error';
}
