import { expect, startServe, test, type ServedHost } from './fixtures';
import { shootBoth } from './shots';
import { go, startTeamHost, workstationCli, type TeamHost } from './team-host';

/**
 * The team's activity log in the browser host: workstation B runs `loopdesk serve`; workstation
 * A (a CLI process on its own data dir) pulls responses. B's Activity screen, already open,
 * shows A's entries as they arrive, marked with A, in B's language; "this workstation only"
 * hides them.
 */
for (const locale of ['en-GB', 'de-DE'] as const) {
  const german = locale === 'de-DE';
  test.describe(`team activity (${locale})`, () => {
    test.use({ locale });
    let host: { team: TeamHost; stop(): Promise<void> };
    let served: { host: ServedHost; stop(): Promise<void> };
    let env: NodeJS.ProcessEnv;
    const cli = (dataDir: string, ...args: string[]) => workstationCli(dataDir, env, args);

    test.beforeAll(async () => {
      test.setTimeout(120_000);
      host = await startTeamHost(`activity-${locale}`);
      env = { ...process.env, ...host.team.env };
      // B's own entries, from before it serves: a connection test.
      await cli(host.team.dataDirs.b, 'profile', 'test', 'team');
      served = await startServe({ sandbox: false, dataDir: host.team.dataDirs.b, env });
    });
    test.afterAll(async () => {
      await served?.stop();
      await host?.stop();
    });

    test('B’s Activity screen shows A’s entries live, marked with A, and filters to this workstation', async ({ page }) => {
      await page.goto(served.host.url);
      await go(page, 'activity');
      const grid = page.getByLabel(german ? 'Aktivitätseinträge' : 'Activity entries');
      const rows = grid.locator('[row-index]');
      const badges = grid.getByTestId('activity-origin');
      await expect(rows.first()).toBeVisible();
      // B's own entries carry no mark.
      await expect(badges).toHaveCount(0);

      // No reload: A's entries arrive through the team database's NOTIFY and the host's events.
      await cli(host.team.dataDirs.a, 'pull', '--profile', 'team');
      // A's pull, marked as A's: B pulls on its own too once its daily pull time (07:00) has passed.
      const pulled = rows.filter({ hasText: german ? /Abruf der Reaktionsdaten: \d+ neu/ : /Response pull: \d+ new/ }).filter({ has: page.getByTestId('activity-origin') });
      await expect(pulled).toHaveCount(1);
      await expect(pulled.getByTestId('activity-origin')).toHaveText(german ? 'von a' : 'from a');
      await expect(pulled.locator('[col-id="kind"]')).toHaveText(german ? 'Abruf' : 'Response pull');
      await expect(page.getByRole('status').filter({ hasText: german ? /Einträge/ : /entries/ })).toBeVisible();
      await shootBoth(page, `team-activity${german ? '-de' : ''}`);

      const only = page.getByRole('checkbox', { name: german ? 'Nur dieser Arbeitsplatz (b)' : 'This workstation only (b)' });
      await only.check();
      await expect(pulled).toHaveCount(0);
      await expect(rows.first()).toBeVisible();
      await expect(badges).toHaveCount(0);
      await shootBoth(page, `team-activity-mine${german ? '-de' : ''}`);
      await only.uncheck();
      await expect(pulled).toHaveCount(1);

      // The team database refuses B (a wrong password here): B's own entries, and a clear word why A's are missing.
      await served.stop();
      served = await startServe({ sandbox: false, dataDir: host.team.dataDirs.b, env: { ...env, LOOPDESK_TEAM_PASSWORD: 'not-the-password' } });
      await page.goto(served.host.url);
      await go(page, 'activity');
      const missing = page.getByTestId('activity-team-missing');
      await expect(missing).toHaveText(
        german
          ? 'Die Team-Datenbank ist gerade nicht erreichbar, daher werden nur die Einträge dieses Arbeitsplatzes angezeigt; die Einstellungen zeigen den Grund. Die Einträge der anderen Arbeitsplätze erscheinen wieder, sobald sie erreichbar ist.'
          : "The team database cannot be reached right now, so only this workstation's entries are shown; Settings shows why. The other workstations' entries appear again once it is back.",
      );
      await expect(rows.first()).toBeVisible();
      await expect(badges).toHaveCount(0);
      await shootBoth(page, `team-activity-unreachable${german ? '-de' : ''}`);
    });
  });
}
