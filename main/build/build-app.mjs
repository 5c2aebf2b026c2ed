// Builds what the Electron app and the browser host load: the renderer (Vite) into
// dist/renderer, and the Electron main process and preload (esbuild) into dist/electron.
// and the `loopdesk` CLI bundle (build-cli.mjs) into dist/cli.
// Usage: node main/build/build-app.mjs [--renderer-only | --electron-only]
// --electron-only leaves dist/renderer alone, so tests that serve it are not disturbed.
import { build as esbuild } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build as viteBuild } from 'vite';
import { buildCli } from './build-cli.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const rendererOnly = process.argv.includes('--renderer-only');
const electronOnly = process.argv.includes('--electron-only');

/** Native or binary-shipping packages stay outside the bundle (electron-builder unpacks them). */
const external = ['electron', '@duckdb/node-api', '@duckdb/node-bindings', '@duckdb/node-bindings-*', 'ssh2', 'cpu-features', '@napi-rs/keyring', 'exceljs'];

export async function buildRenderer() {
  await viteBuild({ configFile: `${root}renderer/vite.config.ts`, logLevel: 'warn' });
}

export async function buildElectron() {
  // Main process and its worker threads (prepare pipeline, Excel writer): ESM for Electron
  // 41's Node; the workers sit next to main.mjs, where main/services/worker-spec.ts finds them.
  // A worker thread cannot load packages from inside app.asar (Electron resolves modules in the
  // archive for the main thread only), and the workers run from app.asar.unpacked: each worker
  // bundle carries every package it uses.
  for (const [entry, out, outside] of [
    ['main/host/electron/electron-main.ts', 'main.mjs', external],
    ['main/services/recipients/prepare-worker.ts', 'prepare-worker.mjs', ['electron']],
    ['main/services/responses/excel-worker.ts', 'excel-worker.mjs', ['electron']],
  ]) {
    await esbuild({
      entryPoints: [`${root}${entry}`],
      outfile: `${root}dist/electron/${out}`,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      external: outside,
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      logLevel: 'warning',
    });
  }
  // The tray icon (the window keeps running there while sends wait).
  mkdirSync(`${root}dist/electron`, { recursive: true });
  copyFileSync(`${root}assets/icon.png`, `${root}dist/electron/tray.png`);
  // A sandboxed preload cannot require packages: one self-contained CommonJS file.
  await esbuild({
    entryPoints: [`${root}main/host/electron/preload.ts`],
    outfile: `${root}dist/electron/preload.cjs`,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['electron'],
    logLevel: 'warning',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!electronOnly) await buildRenderer();
  if (!rendererOnly) await buildElectron();
  if (!rendererOnly && !electronOnly) await buildCli();
  console.log(`built ${rendererOnly ? 'the renderer' : electronOnly ? 'Electron main/preload' : 'renderer, Electron main/preload and the CLI'} into dist/`);
}
