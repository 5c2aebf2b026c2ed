import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { appRoot } from '../../host/paths';
import { ensureRendererBuilt } from '../../host/renderer-build';
import type { CliIo, GlobalOptions } from '../cli-io';
import { cliText } from '../cli-text';
import { serveCommand } from './serve-command';

/** Path of the Electron binary, or undefined when it was never downloaded (offline install). */
export function electronBinary(): string | undefined {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Runs a build script as its own process (shipped code never imports `main/build/`). */
function runBuild(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(appRoot(), 'main', 'build', 'build-app.mjs'), ...args], { cwd: appRoot(), stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('exit', (code) => resolve(code ?? 1));
    child.once('error', () => resolve(1));
  });
}

/**
 * `npm start`: the desktop app against the embedded sandbox. Where no Electron binary exists
 * (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1) it says so and serves the browser host.
 */
export async function startCommand(argv: string[], options: GlobalOptions, io: CliIo): Promise<number> {
  const binary = electronBinary();
  if (!binary) {
    io.out(cliText(options.lang).t('cli.start.noElectron'));
    return serveCommand(argv, options, io);
  }
  await ensureRendererBuilt(io.out, options.lang);
  if (existsSync(join(appRoot(), 'main', 'build', 'build-app.mjs'))) {
    const code = await runBuild(['--electron-only']);
    if (code !== 0) return code;
  }
  const child = spawn(binary, [join(appRoot(), 'dist/electron/main.mjs'), '--data-dir', options.dataDir, ...argv], { stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}
