import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli } from '../helpers/cli-loop';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { startSshd, type SshdHandle } from '../helpers/sshd';
import { expect, startServe, test, type ServedHost } from './fixtures';
import { englishOnScreen, overflowing } from './i18n-check';
import { shootBoth } from './shots';

/** A clicks file; each version has its own rows (and size), so a download of a mix shows. */
function clicks(version: number): string {
  const lines = ['"linkId";"mailingId";"mailingToUserId";"mailingGroupId";"userId";"created";"click.browser";"click.platform";"click.device"'];
  for (let i = 0; i < 1500 + version * 7; i++) lines.push(`"901";"51106527231";"${i + 1}";"44018617813";"v${version}-${i}@changing.example";"2026-12-04 10:00:00";"Firefox";"Linux";"Desktop"`);
  return `${lines.join('\n')}\n`;
}

/**
 * A server that is still writing a response file while Loopdesk downloads it: a real OpenSSH
 * server behind a throttling proxy (so each download takes a second or two), the file rewritten
 * on the server's disk each time a download of it starts. The pull panel and the activity log
 * say, in German, that it kept changing and how often it was tried.
 */
test.describe('a response file the server is still writing, in German', () => {
  test.use({ locale: 'de-DE' });
  let sshd: SshdHandle;
  let proxy: FaultProxy;
  let dataDir: string;
  let served: { host: ServedHost; stop(): Promise<void> };
  const name = '20261204_clicks.csv';

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    sshd = await startSshd();
    proxy = await startFaultProxy({ targetPort: sshd.port, seed: 'changing-e2e' });
    proxy.setDefault({ kind: 'throttle', bytesPerSecond: 150_000 });
    for (const d of ['upload', 'logs', 'responses']) mkdirSync(join(sshd.root, d), { recursive: true });
    execFileSync('chown', ['-R', `${sshd.user}:`, sshd.root]);
    dataDir = mkdtempSync(join(tmpdir(), 'loopdesk-e2e-changing-'));
    const env = { ...process.env, CHANGING_PW: sshd.password };
    const add = await spawnCli(dataDir, ['profile', 'add', '--name', 'Schreibender Server', '--host', '127.0.0.1', '--port', String(proxy.port), '--user', sshd.user, '--password-env', 'CHANGING_PW', '--trust', sshd.hostKeyFingerprint, '--client', 'acme', '--upload-dir', join(sshd.root, 'upload'), '--log-dir', join(sshd.root, 'logs'), '--response-dir', join(sshd.root, 'responses')], env);
    expect(add.code, add.err).toBe(0);
    served = await startServe({ sandbox: false, dataDir, env });
  });
  test.afterAll(async () => {
    await served?.stop();
    await proxy?.stop();
    await sshd?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('the pull result and the activity log say it kept changing, with the number of tries', async ({ page }) => {
    test.setTimeout(120_000);
    // The server rewrites the file in place each time Loopdesk starts downloading it (its `.part` appears).
    const serverFile = join(sshd.root, 'responses', name);
    const part = join(dataDir, 'responses', 'Schreibender_Server', 'acme', `${name}.part`);
    let present = false;
    let downloads = 0;
    const watcher = setInterval(() => {
      const now = existsSync(part);
      if (now && !present) {
        downloads++;
        writeFileSync(serverFile, clicks(1 + downloads));
        const at = new Date(Date.UTC(2026, 11, 4, 12, downloads));
        utimesSync(serverFile, at, at);
      }
      present = now;
    }, 2);

    await page.setViewportSize({ width: 1024, height: 700 });
    // The host's daily pull runs once at start (its pull time has passed); the file comes after it.
    await page.goto(`${served.host.url}#/activity`);
    await expect(page.getByRole('gridcell').filter({ hasText: 'Abruf der Reaktionsdaten: 0 neu' })).toBeVisible({ timeout: 30_000 });
    writeFileSync(serverFile, clicks(1));
    await page.goto(`${served.host.url}#/responses`);
    await expect(page.getByRole('heading', { level: 1, name: 'Reaktionsdaten' })).toBeVisible();
    try {
      await page.getByRole('button', { name: 'Jetzt abrufen', exact: true }).click();
      await expect(page.getByRole('status').filter({ hasText: /^\d+ Datei(en)? abgerufen:/ })).toBeVisible({ timeout: 60_000 });
    } finally {
      clearInterval(watcher);
    }
    expect(downloads).toBe(3);

    const item = page.getByRole('list', { name: 'Abgerufene Dateien' }).getByRole('listitem').filter({ hasText: name });
    await expect(item.locator('.error-message')).toHaveText(
      'Die Datei hat sich während des Herunterladens auf dem Server immer wieder geändert (3 Versuche); vermutlich schreibt der Server sie noch. Beim nächsten Abruf wird es erneut versucht.',
    );
    expect(await englishOnScreen(page, ['responses', 'error-responses'], [name, sshd.root])).toEqual([]);
    expect(await overflowing(page)).toEqual([]);
    await shootBoth(page, 'pull-changing-de-10-pull-result', item);

    await page.goto(`${served.host.url}#/activity`);
    const entry = page.getByRole('gridcell').filter({ hasText: 'wurde nicht eingelesen' });
    await expect(entry).toContainText(`${name} (acme) wurde nicht eingelesen: Die Datei hat sich während des Herunterladens auf dem Server immer wieder geändert (3 Versuche)`);
    await entry.hover();
    // Data: the server's paths and user, and the machine kind a kind's tooltip names, "Heruntergeladen (download.done)".
    expect(await englishOnScreen(page, undefined, [name, sshd.root, sshd.user, /\((?:[a-z]+\.)+[a-z]+\)/])).toEqual([]);
    await shootBoth(page, 'pull-changing-de-11-activity', entry);
  });
});
