import { spawnCli } from '../helpers/cli-loop';
import { expect, startServe, test, type ServedHost } from './fixtures';
import { shootBoth } from './shots';
import { go, startTeamHost, type TeamHost } from './team-host';

/**
 * Shared profiles (#16) on the Connections screen of workstation B (`loopdesk serve` on a data
 * dir in a team on a real PostgreSQL): a profile added on A arrives shared, with its switch and
 * state; a save over A's newer change is refused with "changed by another member" and a reload.
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
    const a = async (...args: string[]) => {
      const run = await spawnCli(host.team.dataDirs.a, args, env);
      expect(run.code, run.err).toBe(0);
      return run.out;
    };

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

    test('B sees the profile A shared, with its share switch; a save over A’s newer change is refused and reloads', async ({ page }) => {
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
      const problems = page.getByRole('alert');
      await expect(problems).toContainText(
        german ? 'Ein anderes Teammitglied (a) hat das Profil „acme“ geändert, nachdem diese Fassung geladen wurde.' : 'Another team member (a) changed profile “acme” after this copy was loaded',
      );
      await shootBoth(page, `team-profile-conflict${de}`, problems);

      // Reload takes A's version into the form; then B's change goes through.
      await problems.getByRole('button', { name: german ? 'Fassung des Teams laden' : 'Reload the team’s version' }).click();
      await expect(page.getByRole('status').filter({ hasText: german ? 'aus dem Team neu geladen' : 'reloaded from the team' })).toBeVisible();
      await expect(page.getByLabel(german ? 'Intervall der Statusprüfung (Minuten)' : 'Status check interval (minutes)')).toHaveValue('3');
      await page.getByLabel('Port', { exact: true }).fill('2222');
      await page.getByRole('button', { name: german ? 'Verbindung speichern' : 'Save connection' }).click();
      await expect(card.getByTestId('team-state')).toHaveText(german ? 'Geteilt, Fassung 4 (zuletzt geändert von b).' : 'Shared, version 4 (last changed by b).');
      // A got B's change.
      expect(await a('profile', 'show', 'acme')).toContain(':2222');

      // The switch: B stops sharing it here; the team keeps its copy for A.
      await share.click();
      await expect(share).not.toBeChecked();
      await expect(card.getByTestId('team-state')).toHaveText(german ? 'Nur auf diesem Arbeitsplatz.' : 'Only on this workstation.');
      expect(await a('profile', 'show', 'acme')).toContain('Team: shared, version 4');
    });
  });
}
