import { expect, startServe, test, type ServedHost } from './fixtures';
import { englishOnScreen } from './i18n-check';
import { shootBoth } from './shots';
import { go, startTeamHost, workstationCli, type TeamHost } from './team-host';

/**
 * Team mode on workstation B's Connections screen (real PostgreSQL): a shared profile A removes
 * leaves B's list and shows under "Recently removed" with who removed it; "Restore" on B brings it
 * back on every workstation (A's command line has it again).
 */
for (const locale of ['en-GB', 'de-DE'] as const) {
  const german = locale === 'de-DE';
  const de = german ? '-de' : '-en';
  test.describe(`team: restoring a removed shared profile (${locale})`, () => {
    test.use({ locale, viewport: { width: 1024, height: 700 } });
    let host: { team: TeamHost; stop(): Promise<void> };
    let served: { host: ServedHost; stop(): Promise<void> };
    let env: NodeJS.ProcessEnv;
    const a = (...args: string[]) => workstationCli(host.team.dataDirs.a, env, args);

    test.beforeAll(async () => {
      test.setTimeout(120_000);
      host = await startTeamHost(`restore-${locale}`);
      env = { ...process.env, ...host.team.env };
      served = await startServe({ sandbox: false, dataDir: host.team.dataDirs.b, env });
    });
    test.afterAll(async () => {
      await served?.stop();
      await host?.stop();
    });

    test('A removes a shared profile: B lists it under Recently removed with who removed it; Restore on B brings it back on A too', async ({ page }) => {
      await a('profile', 'add', '--name', 'acme', '--host', '127.0.0.1', '--user', 'acme', '--password-env', 'ACME_SFTP_PASSWORD', '--client', 'Main', '--upload-dir', 'upload', '--log-dir', 'logs', '--response-dir', 'responses');
      await page.goto(served.host.url);
      await go(page, 'connections');
      const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name: 'acme', exact: true }) });
      await expect(card).toBeVisible();

      await a('profile', 'remove', 'acme', '--yes');
      // B hears of it at once: the card goes, the removal shows with who made it.
      await expect(card).toHaveCount(0);
      const removed = page.getByRole('list', { name: german ? 'Kürzlich entfernt' : 'Recently removed' }).getByRole('listitem');
      await expect(removed).toHaveCount(1);
      await expect(removed).toContainText(german ? 'Mit dem Team geteilt' : 'Shared with the team');
      await expect(removed).toContainText(german ? /Entfernt von a am/ : /Removed by a on/);
      await expect(page.getByText(german ? 'Eine geteilte Verbindung wird beim Wiederherstellen auf allen Arbeitsplätzen' : 'Restoring a shared connection brings it back on every workstation')).toBeVisible();
      if (german) expect(await englishOnScreen(page, ['connections'], ['upload', 'logs', 'responses'])).toEqual([]);
      await shootBoth(page, `team-recently-removed${de}`, page.getByRole('heading', { level: 2, name: german ? 'Kürzlich entfernt' : 'Recently removed' }));

      await removed.getByRole('button', { name: german ? 'acme wiederherstellen' : 'Restore acme' }).click();
      await expect(page.getByRole('status').filter({ hasText: german ? 'Verbindung „acme“ auf allen Arbeitsplätzen des Teams wiederhergestellt.' : 'Connection “acme” restored on every workstation of the team.' })).toBeVisible();
      await expect(card).toBeVisible();
      await expect(removed).toHaveCount(0);
      // A has it again (its command line pulls the team's version), shared.
      await expect.poll(async () => a('profile', 'show', 'acme'), { timeout: 15_000 }).toContain('Team: shared, version 3');
    });
  });
}
