// Builds the `loopdesk` command as one bundle (dist/cli/main.cjs, with its worker threads
// beside it), so a command starts without compiling TypeScript at run time. Run by npm's
// `prepare` (so `npm install` / `npm ci` leave a current bundle) and by `npm run build`.
//
// Why CommonJS and one file: main/cli/bin.mjs loads it through `vm.Script` with V8's code
// cache (dist/cli/main.cjs.v8cache), which ES modules cannot use on Node 20. Parsing and
// compiling the 3 MB bundle was most of a command's start-up (about 250 ms of CPU for
// `loopdesk status` here); with the cache it is a fraction of that. The build warms the cache
// with one `status` run on a scratch data dir.
//
// bin.mjs uses the bundle while every source it was built from is older than the build
// (dist/cli/inputs.json), and the TypeScript sources through tsx otherwise.
// Usage: node main/build/build-cli.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outdir = `${root}dist/cli`;

/** Native or binary-shipping packages are loaded from node_modules at run time. */
const external = ['electron', '@duckdb/node-api', '@duckdb/node-bindings', '@duckdb/node-bindings-*', 'ssh2', 'cpu-features', '@napi-rs/keyring', 'exceljs', 'tsx', 'vite', 'esbuild'];

/** Writes a file so a `loopdesk` running meanwhile reads either the old or the new one, never half. */
function writeAtomically(path, contents) {
  if (existsSync(path) && Buffer.compare(readFileSync(path), Buffer.from(contents)) === 0) return false;
  writeFileSync(`${path}.${process.pid}.tmp`, contents);
  renameSync(`${path}.${process.pid}.tmp`, path);
  return true;
}

/** Builds dist/cli and records its inputs; returns the number of source files in it. */
export async function buildCli() {
  const startedAt = Date.now();
  const { build } = await import('esbuild');
  mkdirSync(outdir, { recursive: true });
  const common = { bundle: true, platform: 'node', target: 'node20', external, metafile: true, write: false, logLevel: 'warning' };
  const cli = await build({
    ...common,
    entryPoints: [`${root}main/cli/main.ts`],
    outfile: `${outdir}/main.cjs`,
    format: 'cjs',
    // CommonJS has no import.meta: modules that find files next to themselves get the bundle's URL.
    define: { 'import.meta.url': '__loopdeskBundleUrl' },
    banner: {
      js: [
        "var __loopdeskBundleUrl = require('node:url').pathToFileURL(__filename).href;",
        // See below: `import()` of a package outside the bundle becomes a require.
        'var __loopdeskImport = (id) => Promise.resolve().then(() => { const m = require(id); return m && m.__esModule ? m : Object.assign({}, m, { default: m }); });',
      ].join('\n'),
    },
  });
  // Code compiled from V8's code cache loses Node's dynamic-import callback (Node 20:
  // ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so the few `import()`s of packages left outside
  // the bundle (the OS keyring, ExcelJS, built-ins) load through require; all are CommonJS.
  for (const file of cli.outputFiles) {
    if (!file.path.endsWith('.cjs')) continue;
    const text = file.text.replace(/\bimport\((["'])([^"']+)\1\)/g, (_m, _q, id) => `__loopdeskImport(${JSON.stringify(id)})`);
    if (/\bimport\(/.test(text.replace(/\/\/.*$/gm, ''))) throw new Error('dist/cli/main.cjs still has an import() that the code cache would break');
    file.contents = Buffer.from(text);
  }
  // Worker threads: main/services/worker-spec.ts finds `<name>.mjs` beside the bundle.
  const workers = await build({
    ...common,
    entryPoints: {
      'prepare-worker': `${root}main/services/recipients/prepare-worker.ts`,
      'excel-worker': `${root}main/services/responses/excel-worker.ts`,
    },
    outdir,
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  let changed = false;
  for (const file of [...cli.outputFiles, ...workers.outputFiles]) changed = writeAtomically(file.path, file.contents) || changed;
  // A cache made for other bytes would be rejected by V8 anyway; drop it so the warm-up below makes a fresh one.
  if (changed) rmSync(`${outdir}/main.cjs.v8cache`, { force: true });
  const inputs = [...new Set([...Object.keys(cli.metafile.inputs), ...Object.keys(workers.metafile.inputs)])]
    .map((p) => relative(root, fileURLToPath(new URL(p, `file://${root}`))).split('\\').join('/'))
    .filter((p) => !p.includes('node_modules/'));
  writeAtomically(`${outdir}/inputs.json`, JSON.stringify({ builtAt: startedAt, inputs: [...inputs, 'package.json', 'main/cli/bin.mjs'] }));
  if (!existsSync(`${outdir}/main.cjs.v8cache`)) warmCache();
  return inputs.length;
}

/** One `loopdesk status` on a scratch data dir, so the code cache covers the code every data command runs. */
function warmCache() {
  const scratch = mkdtempSync(join(tmpdir(), 'loopdesk-cache-'));
  try {
    spawnSync(process.execPath, [`${root}main/cli/bin.mjs`, '--data-dir', scratch, 'status'], { cwd: root, stdio: 'ignore', timeout: 60_000 });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
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
