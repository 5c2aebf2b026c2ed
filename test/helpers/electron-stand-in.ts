import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The marker @electron/fuses searches for in an Electron binary; the fuse wire follows it. */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/**
 * Electron 41's fuse wire in its shipped (default) state, one ASCII '0'/'1' per fuse.
 *
 * Why spelled out: the real binary cannot be downloaded here, so the stand-in must carry the
 * same wire for electron-builder's fuse flipping to be tested for real. Order is Electron's
 * build/fuses/fuses.json5: runAsNode 1, cookieEncryption 0, nodeOptions 1, nodeCliInspect 1,
 * embeddedAsarIntegrityValidation 0, onlyLoadAppFromAsar 0,
 * loadBrowserProcessSpecificV8Snapshot 0, grantFileProtocolExtraPrivileges 1,
 * wasmTrapHandlers 1 (the ninth fuse, added in early 2026 and present from Electron 41 on;
 * @electron/fuses 1.8 has no name for it and leaves it untouched).
 */
export const ELECTRON_DEFAULT_FUSE_WIRE = '101100011';

/** Fuse schema version byte that precedes the wire length (FuseVersion.V1). */
const FUSE_WIRE_VERSION = 1;

/** What {@link createElectronStandIn} made. */
export interface ElectronStandIn {
  /** Folder to pass as electron-builder's `electronDist`. */
  readonly dir: string;
  /** The Electron version written into the stand-in's `version` file. */
  readonly version: string;
}

/**
 * Reads the Electron version the project depends on from node_modules/electron.
 *
 * Why: electron-builder must package for the same version the app is developed against, and
 * the installed package is the one source of truth for it (package.json holds only a range).
 */
export function installedElectronVersion(projectRoot: string): string {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'node_modules/electron/package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Builds the fake Electron executable: a shell script that carries the fuse sentinel and wire.
 *
 * Why a script: it keeps the stand-in executable (electron-builder checks it exists and
 * renames it) while still holding the bytes @electron/fuses patches, exactly where a real
 * binary holds them (sentinel, version byte, length byte, one byte per fuse).
 */
export function standInExecutable(fuseWire: string = ELECTRON_DEFAULT_FUSE_WIRE): Buffer {
  if (!/^[01r]+$/.test(fuseWire)) throw new Error(`fuse wire must be '0', '1' or 'r' characters, got "${fuseWire}"`);
  const head = Buffer.from('#!/bin/sh\necho "Electron stand-in for packaging tests: not a runnable Electron" >&2\nexit 1\n# ', 'latin1');
  const wire = Buffer.concat([
    Buffer.from(FUSE_SENTINEL, 'latin1'),
    Buffer.from([FUSE_WIRE_VERSION, fuseWire.length]),
    Buffer.from(fuseWire, 'latin1'),
  ]);
  return Buffer.concat([head, wire, Buffer.from('\n', 'latin1')]);
}

/**
 * Creates an unpacked Linux Electron distribution good enough for `electron-builder --dir`.
 *
 * Why: CI and this machine cannot download the Electron binary (ELECTRON_SKIP_BINARY_DOWNLOAD),
 * yet packaging (file selection, asar, unpacked natives, fuses) must still be proven. The
 * layout mirrors electron-v<version>-linux-x64.zip: the `electron` executable, `resources/`
 * (default_app.asar is left out: electron-builder only deletes it), `locales/`, `LICENSE`,
 * `LICENSES.chromium.html`, `version` and `chrome-sandbox`.
 */
export function createElectronStandIn(dir: string, version: string, fuseWire: string = ELECTRON_DEFAULT_FUSE_WIRE): ElectronStandIn {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  mkdirSync(join(dir, 'locales'), { recursive: true });
  const executable = join(dir, 'electron');
  writeFileSync(executable, standInExecutable(fuseWire));
  chmodSync(executable, 0o755);
  const sandbox = join(dir, 'chrome-sandbox');
  writeFileSync(sandbox, '#!/bin/sh\nexit 1\n');
  chmodSync(sandbox, 0o755);
  writeFileSync(join(dir, 'version'), version);
  writeFileSync(join(dir, 'LICENSE'), 'Stand-in for the Electron MIT licence (packaging test only).\n');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<!doctype html><title>Stand-in</title>\n');
  writeFileSync(join(dir, 'locales', 'en-US.pak'), '');
  return { dir, version };
}
