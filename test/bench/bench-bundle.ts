import { join } from 'node:path';

/** Packages the app loads from node_modules at run time (native or shipping binaries), as main/build does. */
const EXTERNAL = ['electron', '@duckdb/node-api', '@duckdb/node-bindings', 'ssh2', 'cpu-features', '@napi-rs/keyring', 'exceljs'];

const built = new Map<string, Promise<string>>();

/**
 * A bench's child script bundled by esbuild the way the app ships (main/build/build-app.mjs and
 * build-cli.mjs), with its worker threads beside it as `<name>.mjs` (where worker-spec.ts looks
 * in a bundle), so the children measure what operators run:
 * - not tsx's loader thread and transpile caches (85 MB of RSS here, 126 MB against 41 MB for
 *   plain node with the same imports);
 * - not a worker thread compiling its TypeScript inside the timed part (140–210 ms of CPU).
 *
 * @param self the bench file (its `fileURLToPath(import.meta.url)`), bundled as `<name>.mjs`
 * @param workers worker entry points by name, e.g. `{ 'prepare-worker': '…/prepare-worker.ts' }`
 * @returns the path of the bundled child, in test-results/bench
 */
export function benchChildScript(self: string, name: string, workers: Readonly<Record<string, string>> = {}): Promise<string> {
  let script = built.get(name);
  if (!script) {
    script = (async () => {
      const { build } = await import('esbuild');
      const outdir = join(process.cwd(), 'test-results', 'bench');
      await build({
        entryPoints: { [name]: self, ...workers },
        outdir,
        outExtension: { '.js': '.mjs' },
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        external: EXTERNAL,
        banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
        logLevel: 'error',
      });
      return join(outdir, `${name}.mjs`);
    })();
    built.set(name, script);
  }
  return script;
}
