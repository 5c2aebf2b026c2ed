import { expect, startServe, test, type ServedHost } from './fixtures';
import { shootBoth } from './shots';
import { go, startTeamHost, workstationCli, type TeamHost } from './team-host';

/**
 * Shared profiles (#16) on the Connections screen of workstation B (`loopdesk serve` on a data
 * dir in a team on a real PostgreSQL): a profile added on A arrives shared, with its switch and
 * state; a save over A's newer change is refused and opens the comparison: cancel, take the
 * team's, or keep mine (confirmed; refused and compared anew when A saved once more meanwhile).
 */
for (const locale of ['en-GB', 'de-DE'] as const) {
  const german = locale === 'de-DE';
  const de = german ? '-de' : '';
  test.describe(`team: shared profiles (${locale})`, () => {
    test.use({ locale });
    let host: { team: TeamHost; stop(): Promise<void> };
    let served: { host: ServedHost; stop(): Promise<void> };
    let env: NodeJS.ProcessEnv;
    /** Workstation A, through the CLI. */
    const a = (...args: string[]) => workstationCli(host.team.dataDirs.a, env, args);

    test.beforeAll(async () => {
      test.setTimeout(120_000);
      host = await startTeamHost(`profiles-${locale}`);
      env = { ...process.env, ...host.team.env };
      served = await startServe({ sandbox: false, dataDir: host.team.dataDirs.b, env });
    });
    test.afterAll(async () => {
      await served?.stop();
      await host?.stop();
    });

    test('B sees the profile A shared, with its share switch; a save over A’s newer change is refused and compared: cancel, take the team’s, keep mine (refused once when A saved again)', async ({ page }) => {
      // A adds a profile: in team mode it is shared by default.
      await a('profile', 'add', '--name', 'acme', '--host', '127.0.0.1', '--user', 'acme', '--password-env', 'ACME_SFTP_PASSWORD', '--client', 'Main', '--upload-dir', 'upload', '--log-dir', 'logs', '--response-dir', 'responses');
      await page.goto(served.host.url);
      await go(page, 'connections');
      const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'acme', exact: true }) });
      const share = card.getByLabel(german ? 'Mit dem Team teilen' : 'Share with the team');
      await expect(share).toBeChecked();
      await expect(card.getByTestId('team-state')).toHaveText(german ? 'Geteilt, Fassung 1 (zuletzt geändert von a).' : 'Shared, version 1 (last changed by a).');
      await shootBoth(page, `team-profile-card${de}`, card);

      // A source mailing A adds shows on B's Mailings screen by itself (no reload).
      await go(page, 'mailings');
      await expect(page.getByText('Spring sale')).toHaveCount(0);
      await a('mailing', 'add', '--profile', 'acme', '--id', '900001', '--name', 'Spring sale');
      await expect(page.getByText('Spring sale')).toBeVisible();
      await go(page, 'connections');

      // B opens the form at version 1; meanwhile A changes the profile.
      await card.getByRole('button', { name: german ? 'acme bearbeiten' : 'Edit acme' }).click();
      await a('profile', 'set', 'acme', '--poll-minutes', '3');
      await page.getByLabel('Port', { exact: true }).fill('2222');
      await page.getByRole('button', { name: german ? 'Verbindung speichern' : 'Save connection' }).click();
      // The save is refused, and the comparison opens at once: B's edit beside A's newer version.
      const dialog = page.getByRole('dialog');
      await expect(dialog.getByRole('heading', { name: german ? '„acme“ wurde von a geändert' : '“acme” was changed by a' })).toBeVisible();
      const row = (label: string) => dialog.getByRole('row').filter({ has: page.getByRole('rowheader', { name: label, exact: true }) });
      await expect(row('Port').getByRole('cell')).toHaveText(['2222', '22']);
      await expect(row(german ? 'Intervall der Statusprüfung (Minuten)' : 'Status check interval (minutes)').getByRole('cell')).toHaveText(['10', '3']);
      await expect(dialog.getByRole('columnheader', { name: german ? 'Team (Fassung 3, a)' : 'Team’s (version 3, a)' })).toBeVisible();
      await shootBoth(page, `team-profile-conflict${de}`);

      // Cancel changes nothing: the form keeps B's edit and the refusal, with the way back to the comparison.
      await dialog.getByRole('button', { name: german ? 'Abbrechen' : 'Cancel' }).click();
      await expect(dialog).toHaveCount(0);
      const problems = page.getByRole('alert');
      await expect(problems).toContainText(
        german ? 'Ein anderes Teammitglied (a) hat das Profil „acme“ geändert, nachdem diese Fassung geladen wurde.' : 'Another team member (a) changed profile “acme” after this copy was loaded',
      );
      await expect(page.getByLabel('Port', { exact: true })).toHaveValue('2222');
      await problems.getByRole('button', { name: german ? 'Mit der Fassung des Teams vergleichen…' : 'Compare with the team’s version…' }).click();

      // "Take the team's" puts A's version into the form; then B's change goes through on top of it.
      await dialog.getByRole('button', { name: german ? 'Die des Teams übernehmen' : 'Take the team’s' }).click();
      await expect(page.getByRole('status').filter({ hasText: german ? 'aus dem Team neu geladen' : 'reloaded from the team' })).toBeVisible();
      await expect(page.getByLabel(german ? 'Intervall der Statusprüfung (Minuten)' : 'Status check interval (minutes)')).toHaveValue('3');
      await page.getByLabel('Port', { exact: true }).fill('2222');
      await page.getByRole('button', { name: german ? 'Verbindung speichern' : 'Save connection' }).click();
      await expect(card.getByTestId('team-state')).toHaveText(german ? 'Geteilt, Fassung 4 (zuletzt geändert von b).' : 'Shared, version 4 (last changed by b).');
      // A got B's change.
      expect(await a('profile', 'show', 'acme')).toContain(':2222');

      // "Keep mine": B edits at version 4 while A changes the interval (version 5).
      await card.getByRole('button', { name: german ? 'acme bearbeiten' : 'Edit acme' }).click();
      await a('profile', 'set', 'acme', '--poll-minutes', '5');
      await page.getByLabel('Port', { exact: true }).fill('2223');
      await page.getByRole('button', { name: german ? 'Verbindung speichern' : 'Save connection' }).click();
      await expect(row('Port').getByRole('cell')).toHaveText(['2223', '2222']);
      // A saves once more while B decides (version 6): B's confirmation was about version 5.
      await a('profile', 'set', 'acme', '--retries', '6');
      await dialog.getByRole('button', { name: german ? 'Meine behalten' : 'Keep mine' }).click();
      await expect(dialog.getByRole('heading', { name: german ? 'Änderung von a überschreiben?' : 'Overwrite the change by a?' })).toBeVisible();
      await expect(dialog).toContainText(german ? 'Ihre Fassung ersetzt Fassung 5 von a für das ganze Team' : 'Your version replaces version 5 by a for the whole team');
      await shootBoth(page, `team-profile-keep-mine-confirm${de}`);
      await dialog.getByRole('button', { name: german ? 'Mit meiner überschreiben' : 'Overwrite with mine' }).click();
      // Refused, nothing overwritten: the comparison is shown again against version 6.
      await expect(dialog.getByRole('alert')).toContainText(
        german ? 'Die Fassung des Teams hat sich inzwischen erneut geändert (jetzt Fassung 6 von a).' : 'The team’s version changed again meanwhile (now version 6 by a).',
      );
      await expect(row(german ? 'Wiederholungen' : 'Retries').getByRole('cell')).toHaveText(['3', '6']);
      await shootBoth(page, `team-profile-moved-again${de}`);
      expect(await a('profile', 'show', 'acme')).toContain(':2222');
      await dialog.getByRole('button', { name: german ? 'Meine behalten' : 'Keep mine' }).click();
      await dialog.getByRole('button', { name: german ? 'Mit meiner überschreiben' : 'Overwrite with mine' }).click();
      await expect(page.getByRole('status').filter({ hasText: german ? '„acme“: Ihre Fassung ist jetzt die des Teams.' : '“acme”: your version is now the team’s.' })).toBeVisible();
      await expect(card.getByTestId('team-state')).toHaveText(german ? 'Geteilt, Fassung 7 (zuletzt geändert von b).' : 'Shared, version 7 (last changed by b).');
      const onA = await a('profile', 'show', 'acme');
      expect(onA).toContain(':2223');
      expect(onA).toContain('retries=3');

      // The switch: B stops sharing it here; the team keeps its copy for A.
      await share.click();
      await expect(share).not.toBeChecked();
      await expect(card.getByTestId('team-state')).toHaveText(german ? 'Nur auf diesem Arbeitsplatz.' : 'Only on this workstation.');
      expect(await a('profile', 'show', 'acme')).toContain('Team: shared, version 7');
    });
  });
}
