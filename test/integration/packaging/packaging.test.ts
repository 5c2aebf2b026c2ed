import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElectronStandIn, ELECTRON_DEFAULT_FUSE_WIRE, installedElectronVersion } from '../../helpers/electron-stand-in';
import { tempDir } from '../../helpers/temp-dir';

// Proves `electron-builder --linux dir` turns the built app into a correct package: what goes
// into app.asar, what must stay outside it (native modules), and that the security fuses are
// flipped. The Electron binary cannot be downloaded here, so a stand-in carrying Electron 41's
// fuse wire takes its place (test/helpers/electron-stand-in.ts).

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const DISABLE = '0'.charCodeAt(0);
const ENABLE = '1'.charCodeAt(0);

/** Size of a file recorded in the asar header; fails when the entry is a folder or link. */
function packedSize(asarPath: string, entry: string): number {
  const stat = statFile(asarPath, entry.replace(/^\//, ''));
  if (!('size' in stat)) throw new Error(`${entry} in ${asarPath} is not a file`);
  return stat.size;
}

describe('electron-builder --linux dir with a stand-in Electron', () => {
  const work = tempDir('loopdesk-packaging-');
  const standInDir = join(work.path, 'electron-dist');
  const outputDir = join(work.path, 'release');
  const appOutDir = join(outputDir, 'linux-unpacked');
  const asarPath = join(appOutDir, 'resources', 'app.asar');
  let asarEntries: string[] = [];

  beforeAll(async () => {
    // Always build: the check is about what the current sources produce (about 4 s).
    // The renderer is built once before the tests (npm test); rebuilding it here would empty
    // dist/renderer under the tests that serve it. Build it only when it is missing.
    const rendererBuilt = existsSync(join(root, 'dist', 'renderer', 'index.html'));
    await run(process.execPath, ['main/build/build-app.mjs', ...(rendererBuilt ? ['--electron-only'] : [])], { cwd: root, timeout: 60_000 });
    createElectronStandIn(standInDir, installedElectronVersion(root));
    // npmRebuild=false: rebuilding natives for Electron needs its headers from the network and
    // rewrites node_modules in place under every other test; `npm run dist` still rebuilds.
    const builder = join(root, 'node_modules/.bin/electron-builder');
    const args = ['--linux', 'dir', '--config', 'electron-builder.yml', `-c.electronDist=${standInDir}`, `-c.directories.output=${outputDir}`, '-c.npmRebuild=false', '--publish', 'never'];
    try {
      await run(builder, args, { cwd: root, timeout: 90_000, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', CI: 'true' } });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string; code?: unknown; signal?: unknown };
      throw new Error(`electron-builder failed (exit ${String(e.code)}, signal ${String(e.signal)}): ${e.message}\n--- stdout\n${e.stdout ?? ''}\n--- stderr\n${e.stderr ?? ''}`, { cause: error });
    }
    asarEntries = listPackage(asarPath, { isPack: false });
  }, 150_000);

  afterAll(() => work.cleanup());

  it('lays out the Linux app folder with the product executable and app.asar', () => {
    expect(statSync(join(appOutDir, 'loopdesk')).mode & 0o111).not.toBe(0);
    expect(existsSync(asarPath)).toBe(true);
    // The stand-in's `electron` was renamed, not copied alongside.
    expect(existsSync(join(appOutDir, 'electron'))).toBe(false);
  });

  it('packs the built main, preload and renderer into app.asar', () => {
    for (const file of ['/package.json', '/dist/electron/main.mjs', '/dist/electron/preload.cjs', '/dist/renderer/index.html']) {
      expect(asarEntries, file).toContain(file);
    }
    const pkg = JSON.parse(extractFile(asarPath, 'package.json').toString('utf8')) as { main: string; type: string };
    expect(pkg.main).toBe('dist/electron/main.mjs');
    expect(pkg.type).toBe('module');
    // The packed main is the file just built, byte for byte in size.
    expect(packedSize(asarPath, 'dist/electron/main.mjs')).toBe(statSync(join(root, 'dist/electron/main.mjs')).size);
  });

  it('keeps sources, tests, type declarations and source maps out of app.asar', () => {
    const topLevel = new Set(asarEntries.map((entry) => entry.split('/')[1]));
    expect([...topLevel].sort()).toEqual(['dist', 'node_modules', 'package.json']);
    expect(asarEntries.filter((entry) => /\.(ts|tsx|mts|cts)$/.test(entry))).toEqual([]);
    expect(asarEntries.filter((entry) => entry.endsWith('.map'))).toEqual([]);
    expect(asarEntries.filter((entry) => /\/(test|tests|__tests__)(\/|$)/.test(entry))).toEqual([]);
  });

  it('leaves out packages only the CLI or the Vite bundle need', () => {
    const packaged = (name: string) => asarEntries.includes(`/node_modules/${name}`);
    for (const name of ['tsx', 'esbuild', 'react', 'react-dom', 'ag-grid-community', 'ag-grid-react']) {
      expect(packaged(name), name).toBe(false);
    }
    // The externals of the main bundle must still be there.
    for (const name of ['@duckdb/node-api', 'ssh2', 'exceljs', '@napi-rs/keyring']) {
      expect(packaged(name), name).toBe(true);
    }
  });

  it('puts the DuckDB native module in app.asar.unpacked, not inside the archive', () => {
    const duckdbNatives = asarEntries.filter((entry) => entry.includes('/node_modules/@duckdb/') && entry.endsWith('.node'));
    expect(duckdbNatives.length).toBeGreaterThan(0);
    for (const entry of duckdbNatives) {
      // Listed in the header (so require() finds it) but flagged unpacked, with the bytes on disk.
      expect(statFile(asarPath, entry.slice(1)).unpacked, entry).toBe(true);
      const onDisk = join(appOutDir, 'resources', 'app.asar.unpacked', entry);
      expect(statSync(onDisk).size, onDisk).toBe(packedSize(asarPath, entry));
    }
    const allNatives = asarEntries.filter((entry) => entry.endsWith('.node'));
    expect(allNatives.filter((entry) => statFile(asarPath, entry.slice(1)).unpacked !== true)).toEqual([]);
  });

  it('runs each worker thread from app.asar.unpacked with nothing but what it carries', async () => {
    // Worker threads cannot load packages from inside app.asar, and nothing above the unpacked
    // folder (a temp dir) has node_modules: an import the bundle left outside fails here as it
    // would in the installed app.
    const dir = join(appOutDir, 'resources', 'app.asar.unpacked', 'dist', 'electron');
    expect(readdirSync(dir).filter((n) => n.endsWith('-worker.mjs')).sort()).toEqual(['excel-worker.mjs', 'prepare-worker.mjs']);

    // The prepare worker: is told which records of a CSV to write (by their ranges in its text),
    // reads the CSV itself, writes them.
    const csv = join(work.path, 'two.csv');
    writeFileSync(csv, 'a@example.com;Anna\nb@example.com;Ben\n');
    const outPath = join(work.path, 'subscribers.csv');
    const prepared = new Worker(join(dir, 'prepare-worker.mjs'), {
      workerData: {
        path: csv, encoding: 'utf-8', bomLength: 0, delimiter: ';', outPath, writeEncoding: 'utf-8', fieldCount: 2,
        mapping: [{ field: 'Email', source: { kind: 'column', column: 0 } }, { field: 'Name', source: { kind: 'column', column: 1 } }],
        ctx: { sourceMailingId: '1', waveId: '2' },
      },
    });
    const written = await new Promise<{ rows: number }>((resolve, reject) => {
      prepared.on('error', reject);
      prepared.on('message', (m: { kind: string; rows?: number; message?: string }) => {
        if (m.kind === 'done') resolve({ rows: m.rows! });
        else if (m.kind === 'failed') reject(new Error(m.message));
      });
      // Both records, by their ranges in the text: 0–18 and 19–36.
      prepared.postMessage({ kind: 'rows', spans: new Float64Array([0, 18, 19, 36]), patches: [] });
      prepared.postMessage({ kind: 'end' });
    });
    await prepared.terminate();
    expect(written.rows).toBe(2);
    expect(readFileSync(outPath, 'utf8')).toBe('"a@example.com";"Anna"\n"b@example.com";"Ben"\n');

    // The Excel worker: one sheet, one row, a complete workbook.
    const xlsx = join(work.path, 'one.xlsx');
    const fd = openSync(xlsx, 'w');
    const excel = new Worker(join(dir, 'excel-worker.mjs'), { workerData: { fd } });
    try {
      // Each message is answered by one message (no progress messages: progress is off).
      const ask = async (m: unknown): Promise<{ kind: string; message?: string }> => {
        const answer = once(excel, 'message');
        excel.postMessage(m);
        return (await answer)[0] as { kind: string; message?: string };
      };
      expect((await ask({ kind: 'sheet', name: 'Clicks', maxRows: 1000, columns: [{ colId: 'user_id', title: 'User', type: 'text' }], totalRows: 1, progress: false })).kind).toBe('ack');
      expect((await ask({ kind: 'rows', rows: [['packaged@example.com']] })).kind).toBe('ack');
      expect((await ask({ kind: 'end-sheet' })).kind).toBe('ack');
      expect(await ask({ kind: 'commit' })).toEqual({ kind: 'done' });
    } finally {
      await excel.terminate();
      closeSync(fd);
    }
    const zip = readFileSync(xlsx);
    expect(zip.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(zip.length).toBeGreaterThan(1000);
  });

  it('flips the security fuses in the packaged executable', async () => {
    const wire = await getCurrentFuseWire(join(appOutDir, 'loopdesk'));
    expect(wire.version).toBe('1');
    expect(wire[FuseV1Options.RunAsNode]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ENABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ENABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(DISABLE);
    // Fuses the config does not name keep Electron's defaults (the ninth, WasmTrapHandlers, too).
    expect(wire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBe(ELECTRON_DEFAULT_FUSE_WIRE.charCodeAt(6));
    expect((wire as Record<number, number>)[8]).toBe(ELECTRON_DEFAULT_FUSE_WIRE.charCodeAt(8));
  });
});

describe('Electron stand-in', () => {
  it('starts from Electron default fuses, so the flips above are electron-builder’s doing', async () => {
    const work = tempDir('loopdesk-stand-in-');
    try {
      const standIn = createElectronStandIn(work.path, installedElectronVersion(root));
      const wire = await getCurrentFuseWire(join(standIn.dir, 'electron'));
      const bytes = Array.from({ length: ELECTRON_DEFAULT_FUSE_WIRE.length }, (_, i) => (wire as Record<number, number>)[i]);
      expect(String.fromCharCode(...bytes)).toBe(ELECTRON_DEFAULT_FUSE_WIRE);
      expect(wire[FuseV1Options.RunAsNode]).toBe(ENABLE);
    } finally {
      work.cleanup();
    }
  });
});
