/**
 * Worker-thread half of the parallel `prepare` (see parallel-subscribers.ts): reads and decodes the
 * CSV as the main thread's reader does, takes the valid rows as ranges of that text (or as values),
 * cuts and maps each record again, and formats, encodes and writes the subscribers file. Imports
 * only the reader, the mapping and the writer, so it starts fast.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../../shared/contract/result';
import { writeClosedLoopBatches } from './closed-loop-writer';
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

/** Both threads decode the same bytes, so a range past the text can only come from a bug here: not an AppError. */
function outOfStep(start: number, end: number): Error {
  return new Error(`The subscribers writer could not find characters ${start}–${end} of "${job.path}": it and the validator read the file differently.`);
}

/**
 * The decoded text of the file from the earliest record still to come: read further as ranges
 * reach past it, the part before a record dropped once the record is cut (ranges come in order).
 */
class TextWindow {
  private readonly chunks = decodedChunks(job.path, { encoding: job.encoding, bomLength: job.bomLength });
  private text = '';
  /** Offset of `text` in the whole decoded file. */
  private at = 0;

  /** Offset just past the text read so far. */
  get end(): number {
    return this.at + this.text.length;
  }

  /** Reads on until the text reaches `end`, dropping what lies before `start`. */
  async fill(start: number, end: number): Promise<void> {
    if (start < this.at) throw outOfStep(start, end);
    while (end > this.at + this.text.length) {
      const r = await this.chunks.next();
      if (r.done) throw outOfStep(start, end);
      // Keep only what this record and later ones can need.
      const drop = Math.min(start - this.at, this.text.length);
      this.text = this.text.slice(drop) + r.value.text;
      this.at += drop;
    }
  }

  /** The text of a range that {@link fill} has reached. */
  cut(start: number, end: number): string {
    if (start < this.at || end > this.at + this.text.length) throw outOfStep(start, end);
    return this.text.slice(start - this.at, end - this.at);
  }

  async close(): Promise<void> {
    await this.chunks.return(undefined);
  }
}

async function* rows(): AsyncGenerator<readonly (readonly string[])[]> {
  const apply = compileMapping(job.mapping, job.ctx);
  const d = job.delimiter;
  const window = new TextWindow();
  try {
    for (;;) {
      const m = await next();
      if (m.kind === 'end') return;
      const out: (readonly string[])[] = [];
      const s = m.spans;
      let patch = 0;
      for (let i = 0; i < s.length; i += 2) {
        if (s[i] < 0) out.push(m.patches[patch++]);
        else {
          if (s[i + 1] > window.end) await window.fill(s[i], s[i + 1]);
          out.push(apply(window.cut(s[i], s[i + 1]).split(d)));
        }
      }
      post({ kind: 'taken' });
      yield out;
    }
  } finally {
    await window.close();
  }
}

writeClosedLoopBatches(rows(), job.outPath, { encoding: job.writeEncoding, fieldCount: job.fieldCount }).then(
  (r) => post({ kind: 'done', rows: r.rows, bytes: r.bytes }),
  (e: unknown) =>
    post({
      kind: 'failed',
      code: e instanceof AppError ? e.code : undefined,
      message: e instanceof Error ? e.message : String(e),
      details: e instanceof AppError ? e.details : undefined,
    }),
);
