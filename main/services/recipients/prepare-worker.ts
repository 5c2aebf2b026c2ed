/**
 * Worker-thread half of the parallel `prepare` (see parallel-subscribers.ts): takes the valid rows
 * as ranges of the file's decoded text (or as values), reads and decodes the file itself as far as
 * the ranges need, cuts and maps each record from that text, and formats, encodes and writes the
 * subscribers file. Imports only the reader, the mapping and the writer, so it starts fast.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../../shared/contract/result';
import { plainLine, writeClosedLoopBatches, type ClosedLoopRow } from './closed-loop-writer';
import { decodedChunks } from './csv-reader';
import { compileMapping } from './mapping';
import type { FromWorker, ToWorker, WorkerJob } from './parallel-subscribers';

const job = workerData as WorkerJob;
const port = parentPort!;

const queue: ToWorker[] = [];
let wake: (() => void) | undefined;
port.on('message', (m: ToWorker) => {
  queue.push(m);
  const w = wake;
  wake = undefined;
  w?.();
});

async function next(): Promise<ToWorker> {
  while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
  return queue.shift()!;
}

function post(m: FromWorker): void {
  port.postMessage(m);
}

function failed(e: unknown): void {
  post({
    kind: 'failed',
    code: e instanceof AppError ? e.code : undefined,
    message: e instanceof Error ? e.message : String(e),
    // The catalog key and values travel too, so the client still shows the error in its language.
    messageId: e instanceof AppError ? e.messageId : undefined,
    values: e instanceof AppError ? e.values : undefined,
    details: e instanceof AppError ? e.details : undefined,
  });
}

/** A range the main thread cannot have seen can only come from a bug here: not an AppError. */
function outOfStep(start: number, end: number): Error {
  return new Error(`The subscribers writer has no characters ${start}–${end} of "${job.path}": it and the validator are out of step.`);
}

/**
 * The file's decoded text, read as far as the ranges to cut need, from the earliest record still
 * to be written on. It is the text the main thread splits (the same decoding of the same file),
 * so the ranges it sends are ranges of this text.
 */
class TextWindow {
  private readonly pieces: { at: number; text: string }[] = [];
  private end = 0;
  private readonly source = decodedChunks(job.path, { encoding: job.encoding, bomLength: job.bomLength });

  /** Reads on until the text reaches `end` (or the file ends). */
  async fill(end: number): Promise<void> {
    while (this.end < end) {
      const next = await this.source.next();
      if (next.done) return;
      this.pieces.push({ at: this.end, text: next.value.text });
      this.end += next.value.text.length;
    }
  }

  /** The text of a range (after {@link fill}); ranges come in file order, so the pieces before it are let go. */
  cut(start: number, end: number): string {
    const p = this.pieces;
    while (p.length > 1 && p[0].at + p[0].text.length <= start) p.shift();
    if (p.length === 0 || start < p[0].at || end > this.end) throw outOfStep(start, end);
    const first = p[0];
    if (end <= first.at + first.text.length) return first.text.slice(start - first.at, end - first.at);
    // A record across pieces.
    let s = first.text.slice(start - first.at);
    for (let i = 1; ; i++) {
      const q = p[i];
      if (end <= q.at + q.text.length) return s + q.text.slice(0, end - q.at);
      s += q.text;
    }
  }

  /** Closes the file (after the last row, or a failure). */
  async close(): Promise<void> {
    await this.source.return(undefined);
  }
}

const window = new TextWindow();

async function* rows(): AsyncGenerator<readonly ClosedLoopRow[]> {
  const apply = compileMapping(job.mapping, job.ctx);
  const d = job.delimiter;
  // A record cut from the text has no quote in it (the reader's fast path), so its line needs no
  // escaping unless it holds a CR or a fixed value of the mapping holds a quote or CR.
  const fixedPlain = apply([]).every((v) => !v.includes('"') && !v.includes('\r'));
  for (;;) {
    const m = await next();
    if (m.kind === 'end') return;
    const out: ClosedLoopRow[] = [];
    const s = m.spans;
    // Ranges come in file order: the last one ends furthest.
    for (let i = s.length - 2; i >= 0; i -= 2) {
      if (s[i] < 0) continue;
      await window.fill(s[i + 1]);
      break;
    }
    let patch = 0;
    for (let i = 0; i < s.length; i += 2) {
      if (s[i] < 0) {
        out.push(m.patches[patch++]);
        continue;
      }
      const line = window.cut(s[i], s[i + 1]);
      const values = apply(line.split(d));
      // What formatClosedLoopLine makes of values with nothing to escape.
      out.push(fixedPlain && line.indexOf('\r') === -1 ? plainLine(values) : values);
    }
    post({ kind: 'taken' });
    yield out;
  }
}

writeClosedLoopBatches(rows(), job.outPath, { encoding: job.writeEncoding, fieldCount: job.fieldCount })
  .then((r) => post({ kind: 'done', rows: r.rows, bytes: r.bytes }), failed)
  .finally(() => window.close());
