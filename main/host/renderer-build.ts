import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { appIntl } from '../../shared/i18n/intl';
import type { Locale } from '../../shared/i18n/locale';
import { appRoot, rendererDir } from './paths';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * True when the built UI (`dist/renderer`) is missing, or older than the renderer's or the
 * contract's sources. An installed app without sources is never stale: its UI was built
 * with it.
 */
export function rendererIsStale(root = appRoot()): boolean {
  const built = join(root, 'dist', 'renderer', 'index.html');
  if (!existsSync(join(root, 'renderer'))) return !existsSync(built);
  if (!existsSync(built)) return true;
  const sources = Math.max(newestMtime(join(root, 'renderer')), newestMtime(join(root, 'shared')));
  return sources > statSync(built).mtimeMs;
}

/**
 * Builds the UI when it is missing or stale, as a separate build step: shipped code never
 * imports the build scripts, it runs `main/build/build-app.mjs --renderer-only` as a child
 * process (only a source checkout has it). Progress goes to stderr, so `--json` output stays clean;
 * its lines are in `locale`.
 */
export async function ensureRendererBuilt(say: (line: string) => void, locale: Locale = 'en', root = appRoot()): Promise<void> {
  if (!rendererIsStale(root)) return;
  const intl = appIntl(locale);
  const script = join(root, 'main', 'build', 'build-app.mjs');
  if (!existsSync(script)) {
    say(intl.formatMessage({ id: 'host.build.missing' }, { dir: rendererDir() }));
    return;
  }
  say(intl.formatMessage({ id: 'host.build.building' }));
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [script, '--renderer-only'], { cwd: root, stdio: ['ignore', 2, 2] });
    child.once('exit', (c) => resolve(c ?? 1));
    child.once('error', () => resolve(1));
  });
  if (code !== 0) say(intl.formatMessage({ id: 'host.build.failed' }, { code }));
}
