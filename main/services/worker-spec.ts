import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** How to start a worker thread: `new Worker(spec.entry, { eval: spec.eval, … })`. */
export interface WorkerSpec {
  /** The entry file, or (from sources) a bootstrap script that loads the `.ts` entry through tsx. */
  readonly entry: string | URL;
  readonly eval: boolean;
  /** The worker's module (for messages and tests). */
  readonly url: URL;
}

/**
 * Where a worker thread's code is, the one place that decides it.
 *
 * - From sources (tsx, Vitest, the CLI) the caller is a `.ts` module and the worker is
 *   `<name>.ts` beside it, loaded by a small eval bootstrap through tsx's require hook: a
 *   worker does not inherit Vitest's transform, and on Node 20 `--import tsx` does not reach
 *   a worker's `.ts` entry.
 * - From the esbuild bundle (`dist/electron/main.mjs`) the worker is the sibling bundle
 *   `<name>.mjs`; inside a packaged app it is read from `app.asar.unpacked`, because a worker
 *   cannot start from inside the archive.
 *
 * @param callerUrl the caller's `import.meta.url`
 * @param name the worker's file name without extension, e.g. `excel-worker`
 */
export function workerSpec(callerUrl: string, name: string): WorkerSpec {
  if (/\.[cm]?ts$/.test(new URL(callerUrl).pathname)) {
    const url = new URL(`./${name}.ts`, callerUrl);
    const api = fileURLToPath(new URL('./cjs/api/index.cjs', pathToFileURL(createRequire(callerUrl).resolve('tsx'))));
    const entry = `require(${JSON.stringify(api)}).register(); require(${JSON.stringify(fileURLToPath(url))});`;
    return { entry, eval: true, url };
  }
  const url = new URL(`./${name}.mjs`, callerUrl.replace(/\/app\.asar\//, '/app.asar.unpacked/'));
  return { entry: url, eval: false, url };
}
