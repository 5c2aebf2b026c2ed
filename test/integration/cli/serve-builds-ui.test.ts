import { spawn } from 'node:child_process';
import { cpSync, existsSync, realpathSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rendererIsStale } from '../../../main/host/renderer-build';
import { tempDir } from '../../helpers/temp-dir';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const data = tempDir();
/** A checkout right after `npm install`: sources and packages, nothing built. Other tests keep using the repo's own dist/. */
const checkout = join(data.path, 'checkout');

beforeAll(() => {
  for (const part of ['main', 'shared', 'renderer', 'assets', 'package.json', 'tsconfig.json']) cpSync(join(repo, part), join(checkout, part), { recursive: true });
  symlinkSync(realpathSync(join(repo, 'node_modules')), join(checkout, 'node_modules'), 'dir');
});
afterAll(() => data.cleanup());

/** Starts `loopdesk serve` of the checkout, returns its first page and what it said on stderr. */
async function serveOnce(): Promise<{ status: number; body: string; err: string }> {
  const child = spawn(process.execPath, [join(checkout, 'main/cli/bin.mjs'), '--data-dir', join(data.path, 'home'), '--json', 'serve', '--port', '0', '--no-sandbox'], {
    cwd: checkout,
    // English on every machine (the progress line is asserted in English).
    env: { ...process.env, LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  try {
    await expect.poll(() => out, { timeout: 180_000, interval: 250 }).toMatch(/"url":/);
    // Progress went to stderr, so stdout stays one JSON document.
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const page = await fetch((JSON.parse(lines[0]) as { url: string }).url);
    return { status: page.status, body: await page.text(), err };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
  }
}

describe('loopdesk serve after npm install', () => {
  it('builds the missing UI before serving it (instead of answering 503)', async () => {
    expect(existsSync(join(checkout, 'dist', 'renderer', 'index.html'))).toBe(false);
    const first = await serveOnce();
    expect(first.err).toContain('Building the Loopdesk UI');
    expect(first.status).toBe(200);
    expect(first.body).toContain('<div id="root">');
    expect(rendererIsStale(checkout)).toBe(false);
  }, 240_000);

  it('rebuilds it when a source is newer than the build (after a pull or an edit), and not otherwise', async () => {
    const built = statSync(join(checkout, 'dist', 'renderer', 'index.html')).mtimeMs;
    const later = new Date(built + 1_000);
    utimesSync(join(checkout, 'renderer', 'index.html'), later, later);
    expect(rendererIsStale(checkout)).toBe(true);
    // The rebuild must start after that edit, or its output could still be older than the source
    // (on a fast machine the whole rebuild fits in the second the edit is dated ahead).
    while (Date.now() <= later.getTime() + 50) await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await serveOnce();
    expect(again.err).toContain('Building the Loopdesk UI');
    expect(again.status).toBe(200);
    expect(statSync(join(checkout, 'dist', 'renderer', 'index.html')).mtimeMs).toBeGreaterThan(built);
    const current = await serveOnce();
    expect(current.err).not.toContain('Building the Loopdesk UI');
  }, 360_000);
});
