import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the renderer once: the browser host serves `dist/renderer`, and a stale build would test old code. */
export default async function globalSetup(): Promise<void> {
  const { rendererIsStale } = await import('../../main/host/renderer-build');
  if (!rendererIsStale()) return;
  const vite = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));
  const r = spawnSync(process.execPath, [vite, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
    cwd: repo,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`vite build of the renderer failed (exit ${r.status}); see the output above.`);
  if (!existsSync(`${repo}/dist/renderer/index.html`)) throw new Error('vite build finished but dist/renderer/index.html is missing.');
}
