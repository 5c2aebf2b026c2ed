import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp-dir';

const data = tempDir();
afterAll(() => data.cleanup());

describe('npm start without an Electron binary', () => {
  it('says so and serves the browser host with the sandbox profile', async () => {
    const child = spawn(process.execPath, ['main/cli/bin.mjs', '--data-dir', data.path, 'start', '--port', '0'], { env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      await expect.poll(() => out, { timeout: 90_000, interval: 200 }).toMatch(/running at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/);
      expect(out).toContain('No Electron binary is installed');
      expect(out).toContain('browser host');
      const url = /running at (\S+)/.exec(out)![1];
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    expect(child.exitCode === 0 || child.signalCode === 'SIGTERM').toBe(true);
  });
});
