import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, startServe, test, type ServedHost } from './fixtures';
import { englishOnScreen, overflowing } from './i18n-check';
import { shootBoth } from './shots';
import { go, workstationCli } from './team-host';

/**
 * "Recently removed" on the Connections screen: a removal (confirmed first) puts the connection
 * below the profiles with who removed it and when, whether its password is kept, and when it is
 * deleted for good; "Restore" brings it back with its password. English and German.
 */
for (const locale of ['en-GB', 'de-DE'] as const) {
  const german = locale === 'de-DE';
  const de = german ? '-de' : '-en';
  test.describe(`connections: recently removed (${locale})`, () => {
    test.use({ locale, viewport: { width: 1024, height: 700 } });
    let dataDir: string;
    let served: { host: ServedHost; stop(): Promise<void> };

    test.beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'loopdesk-e2e-removed-'));
      const env = { ...process.env, ACME_PW: 'acme-secret' };
      // Two connections, one of them removed from the command line already.
      const dirs = ['--upload-dir', 'upload', '--log-dir', 'logs', '--response-dir', 'responses'];
      await workstationCli(dataDir, env, ['profile', 'add', '--name', 'Acme production', '--host', 'sftp.acme.example', '--user', 'acme', '--password-env', 'ACME_PW', '--client', 'Acme GmbH', ...dirs]);
      await workstationCli(dataDir, env, ['profile', 'add', '--name', 'Globex staging', '--host', 'sftp.globex.example', '--port', '2222', '--user', 'globex', '--password-env', 'ACME_PW', '--client', 'Globex', ...dirs]);
      await workstationCli(dataDir, env, ['profile', 'remove', 'Globex staging', '--yes']);
      served = await startServe({ sandbox: false, dataDir, env });
    });
    test.afterAll(async () => {
      await served?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('a removal is confirmed, listed under Recently removed with who and when, and restored with its password', async ({ page }) => {
      await page.goto(served.host.url);
      await go(page, 'connections');
      const removedList = page.getByRole('list', { name: german ? 'Kürzlich entfernt' : 'Recently removed' });
      const removedCard = (name: string) => removedList.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
      const profileCard = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name: 'Acme production', exact: true }) });
      await expect(removedCard('Globex staging')).toContainText('globex@sftp.globex.example:2222');
      await expect(removedCard('Globex staging')).toContainText(german ? 'Entfernt von ' : 'Removed by ');

      // Removing asks first, and says it can be undone.
      await profileCard.getByRole('button', { name: german ? 'Acme production entfernen' : 'Remove Acme production' }).click();
      const dialog = page.getByRole('dialog');
      await expect(dialog).toContainText(german ? 'Dort können Sie sie 30 Tage lang wiederherstellen' : 'You can restore it there for 30 days');
      await dialog.getByRole('button', { name: german ? 'Verbindung entfernen' : 'Remove connection' }).click();
      await expect(page.getByRole('status').filter({ hasText: german ? 'Sie bleibt 30 Tage unten unter „Kürzlich entfernt“' : 'It stays under “Recently removed” below for 30 days' })).toBeVisible();
      await expect(page.getByRole('heading', { level: 2, name: german ? 'Noch keine Verbindungen' : 'No connections yet' })).toBeVisible();

      // Both removals, newest first, with what an operator needs to decide.
      await expect(removedList.getByRole('listitem')).toHaveCount(2);
      await expect(removedList.getByRole('heading')).toHaveText(['Acme production', 'Globex staging']);
      const acme = removedCard('Acme production');
      await expect(acme).toContainText(german ? 'Mandant: Acme GmbH' : 'Client: Acme GmbH');
      await expect(acme).toContainText(german ? 'Kein Passwort auf diesem Arbeitsplatz aufbewahrt' : 'No password kept on this workstation');
      await expect(acme).toContainText(german ? /Wird am .+ endgültig gelöscht/ : /Deleted for good on .+/);
      if (german) expect(await englishOnScreen(page, ['connections'], ['upload', 'logs', 'responses'])).toEqual([]);
      expect(await overflowing(page)).toEqual([]);
      await shootBoth(page, `connections-recently-removed${de}`, page.getByRole('heading', { level: 2, name: german ? 'Kürzlich entfernt' : 'Recently removed' }));

      // Restore brings it back; the list keeps the other one.
      await acme.getByRole('button', { name: german ? 'Acme production wiederherstellen' : 'Restore Acme production' }).click();
      await expect(page.getByRole('status').filter({ hasText: german ? 'Verbindung „Acme production“ wiederhergestellt.' : 'Connection “Acme production” restored.' })).toBeVisible();
      await expect(profileCard).toBeVisible();
      await expect(profileCard).toContainText(german ? 'aus einer Umgebungsvariable' : 'from an environment variable');
      await expect(removedList.getByRole('heading')).toHaveText(['Globex staging']);
      await shootBoth(page, `connections-restored${de}`, profileCard);
    });
  });
}
