import { spawn } from 'node:child_process';
import { statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { rendererIsStale } from '../../../main/host/renderer-build';
import { CLI_BIN } from '../../helpers/cli-loop';
import { tempDir } from '../../helpers/temp-dir';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const data = tempDir();
afterAll(() => data.cleanup());

describe('loopdesk serve after an install or a source change', () => {
  it('builds the UI when it is older than its sources, then serves it (instead of an old or missing page)', async () => {
    // A renderer source newer than the build, as after `git pull` or an edit.
    const source = join(repo, 'renderer', 'index.html');
    const now = new Date();
    utimesSync(source, now, now);
    expect(rendererIsStale()).toBe(true);
    const child = spawn(process.execPath, [CLI_BIN, '--data-dir', data.path, '--json', 'serve', '--port', '0', '--no-sandbox'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    try {
      await expect.poll(() => out, { timeout: 180_000, interval: 250 }).toMatch(/"url":/);
      // Progress went to stderr, so stdout stays one JSON document.
      expect(err).toContain('Building the Loopdesk UI');
      expect(JSON.parse(out.trim().split('\n')[0])).toHaveProperty('url');
      expect(statSync(join(repo, 'dist', 'renderer', 'index.html')).mtimeMs).toBeGreaterThanOrEqual(now.getTime() - 1000);
      expect(rendererIsStale()).toBe(false);
      const page = await fetch(JSON.parse(out.trim().split('\n')[0]).url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('close', r));
    }
  }, 240_000);
});
