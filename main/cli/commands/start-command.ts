import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { CliIo, GlobalOptions } from '../cli-io';

/** Path of the Electron binary, or undefined when it was never downloaded (offline install). */
export function electronBinary(): string | undefined {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `npm start`: the desktop app against the embedded sandbox. Where no Electron binary exists
 * (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1) it says so and serves the browser host
 * through `serve` (main.ts's, handed in so the two modules do not import each other).
 */
export async function startCommand(argv: string[], options: GlobalOptions, io: CliIo, serve: (argv: string[], options: GlobalOptions, io: CliIo) => Promise<number>): Promise<number> {
  const { buildRenderer, buildElectron } = await import('../../build/build-app.mjs' as string);
  const { rendererIsStale } = await import('../../build/renderer-freshness.mjs' as string);
  const binary = electronBinary();
  if (rendererIsStale()) {
    io.out('Building the Loopdesk UI…');
    await buildRenderer();
  }
  if (!binary) {
    io.out('No Electron binary is installed (it was skipped with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or could not be downloaded),');
    io.out('so Loopdesk starts as a browser host instead: same app, same services, opened in your browser.');
    return serve(argv, options, io);
  }
  await buildElectron();
  const child = spawn(binary, ['dist/electron/main.mjs', '--data-dir', options.dataDir, ...argv], { stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}
