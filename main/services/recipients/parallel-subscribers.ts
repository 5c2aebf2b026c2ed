import { rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../../../shared/contract/result';
import type { ClosedLoopEncoding, WriteResult } from './closed-loop-writer';
import type { FieldMapping, MappingContext } from './mapping';
import type { SheetRow } from './types';
import { prepareWorkerSpec } from './worker-url';

/**
 * Files at least this big are prepared with a second thread. Below it, starting the worker costs
 * about what it saves (measured from sources, where the worker compiles its TypeScript first:
 * 12 MB 0.05 s slower, 25 MB 0.03 s faster, 100 MB 0.5 s faster).
 */
export const PARALLEL_MIN_BYTES = 20 * 1024 * 1024;

/**
 * Whether a second thread pays off for a file of `bytes`: big enough and two cores or more.
 * The two threads share the single thread's work (plus a copy of the text between them), so the
 * second thread costs little extra CPU.
 */
export function worthAWorker(bytes: number, cores: number): boolean {
  return bytes >= PARALLEL_MIN_BYTES && cores >= 2;
}

/** What the worker needs to read the file as the main thread's reader does and write the rows. */
export interface WorkerJob {
  readonly path: string;
  readonly encoding: string;
  readonly bomLength: number;
  readonly delimiter: string;
  readonly mapping: readonly FieldMapping[];
  readonly ctx: MappingContext;
  readonly outPath: string;
  readonly writeEncoding: ClosedLoopEncoding;
  readonly fieldCount: number;
}

/**
 * The next valid rows, in file order. Each row is two numbers in `spans`: the record's range in the
 * file's decoded text (cut, split and mapped again by the worker), or -1, -1 for "the next entry of
 * `patches`" (a value the validator fixed, one the operator overrode, a quoted record).
 */
export interface RowsBatch {
  readonly kind: 'rows';
  readonly spans: Float64Array;
  readonly patches: readonly (readonly string[])[];
}

/** Main thread → worker: rows to write, then the end of them. */
export type ToWorker = RowsBatch | { readonly kind: 'end' };

/** Worker → main thread: a batch of rows taken (flow control), then the write result or the error (rebuilt as an AppError here). */
export type FromWorker =
  | { readonly kind: 'taken' }
  | { readonly kind: 'done'; readonly rows: number; readonly bytes: number }
  | {
      readonly kind: 'failed';
      readonly code?: ErrorCode;
      readonly message: string;
      readonly messageId?: string;
      readonly values?: Readonly<Record<string, string | number>>;
      readonly details?: unknown;
    };

/** Rows per message to the worker (one message per read batch cost more than the rows, with small batches). */
const ROWS_PER_MESSAGE = 1024;

/** Messages posted but not yet taken by the worker before `flush` waits (bounds the memory in between). */
const MAX_IN_FLIGHT = 8;

/**
 * Prepares a CSV's subscribers file in two threads. The caller reads the file, splits it into rows
 * and validates them, and passes, per valid row, where its record is in the file's decoded text;
 * the worker reads and decodes the same file itself (two readers of one file agree on character
 * offsets, see decodedChunks), cuts the record from its own copy, maps, formats, encodes and writes
 * it. Neither thread waits for the other's reading (passing the text over made the caller wait for
 * every piece while the worker was writing), and split rows never cross (a million small strings
 * cost more to pass than to format). Rows whose values differ from their text (fixed, overridden)
 * or that have no range (quoted records) go over as values.
 * Everything that decides what is written (validation, duplicates, the suppression list) stays with
 * the caller, so the file is the one the single-threaded path writes, byte for byte.
 */
export class ParallelSubscribersWriter {
  private readonly worker: Worker;
  private readonly done: Promise<WriteResult>;
  private settle!: { resolve: (r: WriteResult) => void; reject: (e: Error) => void };
  private failure: Error | undefined;
  private finished = false;
  private inFlight = 0;
  private wake: (() => void) | undefined;
  // The batch being built.
  private spans = new Float64Array(2 * ROWS_PER_MESSAGE);
  private count = 0;
  private patches: (readonly string[])[] = [];

  constructor(private readonly job: WorkerJob) {
    const spec = prepareWorkerSpec();
    this.done = new Promise<WriteResult>((resolve, reject) => (this.settle = { resolve, reject }));
    // Rejections are taken by finish() or dropped by abort(); never unhandled.
    this.done.catch(() => undefined);
    this.worker = new Worker(spec.entry, { eval: spec.eval, workerData: job });
    this.worker.on('message', (m: FromWorker) => {
      if (m.kind === 'taken') this.inFlight--;
      else if (m.kind === 'done') this.settle.resolve({ path: job.outPath, rows: m.rows, bytes: m.bytes });
      else this.fail(m.code ? AppError.fromInfo({ code: m.code, message: m.message, messageId: m.messageId, values: m.values, details: m.details }) : new Error(`Preparing the subscribers file failed in its worker thread: ${m.message}`));
      this.poke();
    });
    this.worker.once('error', (e) => this.fail(new Error(`The subscribers worker thread failed: ${e.message}`)));
    this.worker.once('exit', (code) => this.fail(new Error(`The subscribers worker thread stopped (exit code ${code}) before it finished.`)));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.settle.reject(e);
    this.poke();
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /**
   * Adds a valid row. Without `values` the worker cuts the row from the file (the row must have a
   * range, and its mapped values must be what mapping that record gives); with `values` they are
   * written as given.
   */
  add(row: SheetRow, values?: readonly string[]): void {
    const at = 2 * this.count++;
    if (values === undefined) {
      if (row.start === undefined || row.end === undefined) throw new Error(`Row ${row.line} has no range in the file and no values for the writer thread.`);
      this.spans[at] = row.start;
      this.spans[at + 1] = row.end;
    } else {
      this.spans[at] = -1;
      this.spans[at + 1] = -1;
      this.patches.push(values);
    }
    if (this.count === ROWS_PER_MESSAGE) this.post();
  }

  /** Hands the rows added since the last message to the worker. */
  private post(): void {
    if (this.count === 0) return;
    const spans = this.spans.slice(0, 2 * this.count);
    const batch: RowsBatch = { kind: 'rows', spans, patches: this.patches };
    this.worker.postMessage(batch satisfies ToWorker, [spans.buffer as ArrayBuffer]);
    this.inFlight++;
    this.count = 0;
    this.patches = [];
  }

  /** Waits while the worker is far behind; throws its error. */
  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    while (this.inFlight >= MAX_IN_FLIGHT && !this.failure) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.failure) throw this.failure;
  }

  /** Writes the last rows and waits for the file to be complete under its final name. */
  async finish(): Promise<WriteResult> {
    try {
      this.post();
      await this.flush();
      this.worker.postMessage({ kind: 'end' } satisfies ToWorker);
      return await this.done;
    } catch (e) {
      await rm(`${this.job.outPath}.tmp`, { force: true });
      throw e;
    } finally {
      this.finished = true;
      await this.worker.terminate();
    }
  }

  /** Stops the worker and removes its partial file (after an error on the caller's side). */
  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.worker.terminate();
    await rm(`${this.job.outPath}.tmp`, { force: true });
  }
}
