/**
 * Worker-thread half of the parallel `prepare` (see parallel-subscribers.ts): reads and decodes the
 * CSV, hands each decoded piece to the main thread (which splits and validates it), splits the same
 * text itself, and formats, encodes and writes the rows the main thread's verdicts say to write.
 * Imports only the reader, mapping and writer, so it starts fast.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../../shared/contract/result';
import { writeClosedLoopBatches } from './closed-loop-writer';
import { decodedChunks, splitTexts, type TextChunk } from './csv-reader';
import { isEmptyRow } from './empty-row';
import { compileMapping } from './mapping';
import type { FromWorker, ToWorker, VerdictBatch, WorkerJob } from './parallel-subscribers';

const job = workerData as WorkerJob;
const port = parentPort!;
/** Decoded pieces read ahead of this thread's own splitting, so the main thread never waits for text. */
const AHEAD = 16;
/**
 * Pieces posted but not yet taken by the main thread. A file that yields no rows (one endless quoted
 * record) needs no verdicts, so without this bound the whole file could pile up in the main
 * thread's queue.
 */
const MAX_UNTAKEN = 32;

const queue: ToWorker[] = [];
let wake: (() => void) | undefined;
let taken = 0;
let takenWake: (() => void) | undefined;
port.on('message', (m: ToWorker) => {
  if (m.kind === 'taken') {
    taken++;
    const w = takenWake;
    takenWake = undefined;
    w?.();
    return;
  }
  queue.push(m);
  if (wake) {
    const w = wake;
    wake = undefined;
    w();
  }
});

async function next(): Promise<ToWorker> {
  while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
  return queue.shift()!;
}

function post(m: FromWorker): void {
  port.postMessage(m);
}

/** Both threads split the same text, so row counts can only differ through a bug here: not an AppError. */
function changed(): Error {
  return new Error(`The subscribers writer and the validator disagree on the rows of "${job.path}".`);
}

/** The file's text for the local splitter, each piece posted to the main thread first. */
async function* texts(): AsyncGenerator<TextChunk> {
  const source = decodedChunks(job.path, { encoding: job.encoding, bomLength: job.bomLength });
  const ahead: TextChunk[] = [];
  let eof = false;
  let posted = 0;
  try {
    for (;;) {
      while (!eof && ahead.length < AHEAD) {
        while (posted - taken >= MAX_UNTAKEN) await new Promise<void>((resolve) => (takenWake = resolve));
        const r = await source.next();
        if (r.done) {
          eof = true;
          post({ kind: 'eof' });
        } else {
          post({ kind: 'text', text: r.value.text, bytesRead: r.value.bytesRead });
          posted++;
          ahead.push(r.value);
        }
      }
      const c = ahead.shift();
      if (!c) return;
      yield c;
    }
  } finally {
    await source.return(undefined);
  }
}

async function* rows(): AsyncGenerator<readonly (readonly string[])[]> {
  const apply = compileMapping(job.mapping, job.ctx);
  let cur: VerdictBatch | undefined;
  let pos = 0;
  let patch = 0;
  for await (const raw of splitTexts(texts(), { delimiter: job.delimiter, source: job.path, flushEachChunk: true })) {
    const out: (readonly string[])[] = [];
    for (const row of raw.rows) {
      if (row.line <= job.headerLine || isEmptyRow(row.values)) continue;
      while (!cur || pos === cur.flags.length) {
        const m = queue.length > 0 ? queue.shift()! : await next();
        if (m.kind !== 'batch') throw changed();
        cur = m;
        pos = 0;
        patch = 0;
      }
      const f = cur.flags[pos++];
      if (f === 1) out.push(apply(row.values));
      else if (f === 2) out.push(cur.patches[patch++]);
    }
    if (out.length > 0) yield out;
  }
  if (cur && pos !== cur.flags.length) throw changed();
  const end = await next();
  if (end.kind !== 'end') throw changed();
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
