import { rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../../../shared/contract/result';
import type { ClosedLoopEncoding, WriteResult } from './closed-loop-writer';
import { splitTexts, type TextChunk } from './csv-reader';
import { isEmptyRow } from './empty-row';
import type { FieldMapping, MappingContext } from './mapping';
import type { ProgressCallback, SheetRow } from './types';
import { prepareWorkerSpec } from './worker-url';

/** Files at least this big are prepared with a second thread; below it the start-up cost wins. */
export const PARALLEL_MIN_BYTES = 5 * 1024 * 1024;

/**
 * Whether a second thread pays off for a file of `bytes`: big enough, two cores or more, and one
 * of them to spare (cores minus the 1-minute load average; Windows reports no load).
 * The worker re-reads and re-splits the file, about 40 % more CPU in total, so on a machine whose
 * other core is busy it is slower than one thread (measured: 4.8 s against 3.5 s for 1M rows).
 */
export function worthAWorker(bytes: number, cores: number, load: number): boolean {
  return bytes >= PARALLEL_MIN_BYTES && cores >= 2 && cores - load >= 1;
}

/** What the worker needs to read the file as the main thread's reader would and write its valid rows. */
export interface WorkerJob {
  readonly path: string;
  readonly encoding: string;
  readonly bomLength: number;
  readonly delimiter: string;
  /** Rows up to and including this line are the header (and blank rows before it). */
  readonly headerLine: number;
  readonly mapping: readonly FieldMapping[];
  readonly ctx: MappingContext;
  readonly outPath: string;
  readonly writeEncoding: ClosedLoopEncoding;
  readonly fieldCount: number;
}

/**
 * Verdicts for consecutive data rows, in file order: 0 = not written, 1 = written as mapped,
 * 2 = written with the next entry of `patches` (the validator fixed a value or the operator
 * overrode one).
 */
export interface VerdictBatch {
  readonly kind: 'batch';
  readonly flags: Uint8Array;
  readonly patches: readonly (readonly string[])[];
}

/** Main thread → worker: verdicts, the end of them, and "one more piece of text taken" (flow control). */
export type ToWorker = VerdictBatch | { readonly kind: 'end' } | { readonly kind: 'taken' };

/** Worker → main thread: decoded text, then the write result or the error (rebuilt as an AppError here). */
export type FromWorker =
  | { readonly kind: 'text'; readonly text: string; readonly bytesRead: number }
  | { readonly kind: 'eof' }
  | { readonly kind: 'done'; readonly rows: number; readonly bytes: number }
  | { readonly kind: 'failed'; readonly code?: ErrorCode; readonly message: string; readonly details?: unknown };

/** Row counters of the parallel read, as {@link Spreadsheet.stats} has them. */
export interface ParallelReadStats {
  rows: number;
  emptyRows: number;
}

/**
 * Runs the subscribers file through a worker thread while the caller validates. The worker reads
 * and decodes the file and passes the text over (a string copy is cheap; copying a million split
 * rows would cost more than formatting them), the caller splits and validates it and posts one
 * verdict per data row, and the worker, splitting the same text with the same code, formats,
 * encodes and writes the rows it is told to. Duplicate detection and the suppression list stay with
 * the caller, so "first occurrence wins" is decided in one place and in file order.
 */
export class ParallelSubscribersWriter {
  private readonly worker: Worker;
  private readonly done: Promise<WriteResult>;
  private settle!: { resolve: (r: WriteResult) => void; reject: (e: Error) => void };
  private failure: Error | undefined;
  private readonly texts: (TextChunk | undefined)[] = [];
  private wake: (() => void) | undefined;
  private finished = false;

  constructor(private readonly job: WorkerJob) {
    const spec = prepareWorkerSpec();
    this.done = new Promise<WriteResult>((resolve, reject) => (this.settle = { resolve, reject }));
    // Rejections are taken by finish() or dropped by abort(); never unhandled.
    this.done.catch(() => undefined);
    this.worker = new Worker(spec.entry, { eval: spec.eval, workerData: job });
    this.worker.on('message', (m: FromWorker) => {
      if (m.kind === 'text') this.texts.push({ text: m.text, bytesRead: m.bytesRead });
      else if (m.kind === 'eof') this.texts.push(undefined);
      else if (m.kind === 'done') this.settle.resolve({ path: job.outPath, rows: m.rows, bytes: m.bytes });
      else this.fail(m.code ? new AppError(m.code, m.message, m.details) : new Error(`Writing the subscribers file failed: ${m.message}`));
      this.poke();
    });
    this.worker.once('error', (e) => this.fail(new Error(`The subscribers writer thread failed: ${e.message}`)));
    this.worker.once('exit', (code) => this.fail(new Error(`The subscribers writer thread stopped (exit code ${code}) before it finished.`)));
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

  /** The file's decoded text as the worker reads it; throws the worker's error if it fails first. */
  private async *text(): AsyncGenerator<TextChunk> {
    for (;;) {
      while (this.texts.length === 0) {
        if (this.failure) throw this.failure;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
      const c = this.texts.shift();
      if (c === undefined) return;
      this.worker.postMessage({ kind: 'taken' } satisfies ToWorker);
      yield c;
    }
  }

  /**
   * Data rows in batches, exactly as {@link Spreadsheet.batches} gives them (header and blank rows
   * skipped, blank rows counted in `stats`), split from the worker's text.
   */
  async *batches(headerLine: number, stats: ParallelReadStats, totalBytes: number, onProgress?: ProgressCallback): AsyncGenerator<readonly SheetRow[]> {
    for await (const raw of splitTexts(this.text(), { delimiter: this.job.delimiter, source: this.job.path, flushEachChunk: true })) {
      const out: SheetRow[] = [];
      for (const row of raw.rows) {
        if (row.line <= headerLine) continue;
        if (isEmptyRow(row.values)) stats.emptyRows++;
        else out.push(row);
      }
      stats.rows += out.length;
      onProgress?.({ bytesRead: raw.bytesRead, totalBytes, rows: stats.rows });
      if (out.length > 0) yield out;
    }
    onProgress?.({ bytesRead: totalBytes, totalBytes, rows: stats.rows });
  }

  /** Hands over the verdicts of the next rows (see {@link VerdictBatch}). */
  post(flags: Uint8Array, patches: readonly (readonly string[])[]): void {
    this.worker.postMessage({ kind: 'batch', flags, patches } satisfies ToWorker, [flags.buffer as ArrayBuffer]);
  }

  /** Signals the end of the rows and waits for the file to be complete under its final name. */
  async finish(): Promise<WriteResult> {
    this.worker.postMessage({ kind: 'end' } satisfies ToWorker);
    try {
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
