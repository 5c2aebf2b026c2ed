// Builds the `loopdesk` command as one ESM bundle (dist/cli/main.mjs, with its worker threads
// beside it), so the CLI starts without compiling TypeScript at run time. Run by npm's
// `prepare` (so `npm install` / `npm ci` leave a current bundle) and by `npm run build`.
// main/cli/bin.mjs uses the bundle while every source it was built from is older than the
// build (dist/cli/inputs.json), and the TypeScript sources through tsx otherwise.
// Usage: node main/build/build-cli.mjs
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outdir = `${root}dist/cli`;

/** Native or binary-shipping packages are loaded from node_modules at run time. */
const external = ['electron', '@duckdb/node-api', '@duckdb/node-bindings', '@duckdb/node-bindings-*', 'ssh2', 'cpu-features', '@napi-rs/keyring', 'exceljs', 'tsx', 'vite', 'esbuild'];

/** Builds dist/cli and records its inputs; returns the number of source files in it. */
export async function buildCli() {
  const startedAt = Date.now();
  const { build } = await import('esbuild');
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    // Written below file by file, atomically: a `loopdesk` running meanwhile (a test, a cron
    // job) loads either the old or the new file, never half of one.
    write: false,
    entryPoints: {
      main: `${root}main/cli/main.ts`,
      // Worker threads: main/services/worker-spec.ts finds `<name>.mjs` beside the calling chunk.
      'prepare-worker': `${root}main/services/recipients/prepare-worker.ts`,
      'excel-worker': `${root}main/services/responses/excel-worker.ts`,
    },
    outdir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    external,
    metafile: true,
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  const written = new Set();
  for (const file of result.outputFiles) {
    written.add(file.path);
    if (existsSync(file.path) && Buffer.compare(readFileSync(file.path), Buffer.from(file.contents)) === 0) continue;
    writeFileSync(`${file.path}.${process.pid}.tmp`, file.contents);
    renameSync(`${file.path}.${process.pid}.tmp`, file.path);
  }
  // Chunks of older builds are left for processes still running from them, except old ones.
  for (const name of readdirSync(outdir)) {
    const path = `${outdir}/${name}`;
    if (/^chunk-.*\.mjs$/.test(name) && !written.has(path) && Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { force: true });
  }
  const inputs = Object.keys(result.metafile.inputs)
    .map((p) => relative(root, fileURLToPath(new URL(p, `file://${root}`))).split('\\').join('/'))
    .filter((p) => !p.includes('node_modules/'));
  writeFileSync(`${outdir}/inputs.json.${process.pid}.tmp`, JSON.stringify({ builtAt: startedAt, inputs: [...inputs, 'package.json'] }));
  renameSync(`${outdir}/inputs.json.${process.pid}.tmp`, `${outdir}/inputs.json`);
  return inputs.length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const count = await buildCli();
    console.log(`built the loopdesk CLI bundle from ${count} sources into dist/cli/`);
  } catch (e) {
    // A production-only install (`npm ci --omit=dev`) has no esbuild: the CLI then runs its
    // sources through tsx, so an install must not fail for want of the bundle.
    if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    console.warn('loopdesk: esbuild is not installed, so the CLI is not bundled; it runs from its TypeScript sources (slower start).');
  }
}
