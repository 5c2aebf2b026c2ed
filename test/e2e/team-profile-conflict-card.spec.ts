import { startSwitchRelay, type SwitchRelay } from '../helpers/switch-relay';
import { expect, startServe, test, type ServedHost } from './fixtures';
import { shootBoth } from './shots';
import { go, startTeamHost, workstationCli, type TeamHost } from './team-host';

/**
 * A change to a shared profile made on workstation B while the team database was away, which
 * lost to A's change meanwhile: B's Connections card keeps it, names who changed the profile,
 * and the comparison settles it ("Keep mine" here). B reaches the database through a link the
 * test cuts and restores.
 */
for (const locale of ['en-GB', 'de-DE'] as const) {
  const german = locale === 'de-DE';
  const de = german ? '-de' : '';
  test.describe(`team: a change that lost while the database was away (${locale})`, () => {
    test.use({ locale });
    let host: { team: TeamHost; stop(): Promise<void> };
    let served: { host: ServedHost; stop(): Promise<void> };
    let relay: SwitchRelay;
    let env: NodeJS.ProcessEnv;
    const cli = (dataDir: string, ...args: string[]) => workstationCli(dataDir, env, args);
    /** Workstation A, through the CLI. */
    const a = (...args: string[]) => cli(host.team.dataDirs.a, ...args);

    test.beforeAll(async () => {
      test.setTimeout(120_000);
      host = await startTeamHost(`conflict-card-${locale}`);
      env = { ...process.env, ...host.team.env };
      const url = new URL(host.team.url);
      relay = await startSwitchRelay(Number(url.port));
      url.port = String(relay.port);
      // B joins again through the relay, under the same name.
      await cli(host.team.dataDirs.b, 'team', 'join', '--url', url.toString(), '--name', 'b');
      served = await startServe({ sandbox: false, dataDir: host.team.dataDirs.b, env });
    });
    test.afterAll(async () => {
      await served?.stop();
      await relay?.stop();
      await host?.stop();
    });

    test('B’s card keeps the change that lost, names who changed it, and “Keep mine” shares it after a confirmation', async ({ page }) => {
      test.setTimeout(90_000);
      await a('profile', 'add', '--name', 'acme', '--host', '127.0.0.1', '--user', 'acme', '--password-env', 'ACME_SFTP_PASSWORD', '--client', 'Main');
      await page.goto(served.host.url);
      await go(page, 'connections');
      const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'acme', exact: true }) });
      const state = card.getByTestId('team-state');
      await expect(state).toHaveText(german ? 'Geteilt, Fassung 1 (zuletzt geändert von a).' : 'Shared, version 1 (last changed by a).');

      // Off the network, B changes the port; A changes the interval meanwhile.
      relay.cut();
      await card.getByRole('button', { name: german ? 'acme bearbeiten' : 'Edit acme' }).click();
      await page.getByLabel('Port', { exact: true }).fill('2222');
      await page.getByRole('button', { name: german ? 'Verbindung speichern' : 'Save connection' }).click();
      await expect(state).toContainText(german ? 'Hier geändert, noch nicht geteilt' : 'Changed here, not shared yet');
      await a('profile', 'set', 'acme', '--poll-minutes', '3');

      // Back on the network: B's change is not pushed over A's, and not dropped either.
      relay.restore();
      await expect(state).toHaveText(
        german
          ? 'Nicht geteilt: inzwischen von a geändert. Ihre Änderung bleibt hier erhalten, bis Sie beide Fassungen vergleichen und Ihre behalten oder die des Teams übernehmen.'
          : 'Not shared: changed by a meanwhile. Your change is kept here until you compare both versions and keep yours or take the team’s.',
        { timeout: 30_000 },
      );
      await expect(card.getByText(':2222')).toBeVisible();
      await shootBoth(page, `team-profile-conflict-card${de}`, card);

      await card.getByRole('button', { name: german ? 'Vergleichen und entscheiden…' : 'Compare and choose…' }).click();
      const dialog = page.getByRole('dialog');
      const row = (label: string) => dialog.getByRole('row').filter({ has: page.getByRole('rowheader', { name: label, exact: true }) });
      await expect(dialog).toContainText(german ? 'während Ihre Änderung auf diesem Arbeitsplatz wartete' : 'while your change waited on this workstation');
      await expect(row('Port').getByRole('cell')).toHaveText(['2222', '22']);
      await expect(row(german ? 'Intervall der Statusprüfung (Minuten)' : 'Status check interval (minutes)').getByRole('cell')).toHaveText(['10', '3']);
      await shootBoth(page, `team-profile-conflict-card-dialog${de}`);
      await dialog.getByRole('button', { name: german ? 'Meine behalten' : 'Keep mine' }).click();
      await dialog.getByRole('button', { name: german ? 'Mit meiner überschreiben' : 'Overwrite with mine' }).click();
      await expect(page.getByRole('status').filter({ hasText: german ? '„acme“: Ihre Fassung ist jetzt die des Teams.' : '“acme”: your version is now the team’s.' })).toBeVisible();
      await expect(state).toHaveText(german ? 'Geteilt, Fassung 3 (zuletzt geändert von b).' : 'Shared, version 3 (last changed by b).');
      const onA = await a('profile', 'show', 'acme');
      expect(onA).toContain(':2222');
      expect(onA).toContain('pollMinutes=10');
    });
  });
}
