import type { Send } from '../../shared/contract/sends';
import { expect, startServe, test, type ServedHost } from './fixtures';
import { shootBoth } from './shots';
import { go, startTeamHost, workstationCli, type TeamHost } from './team-host';

/**
 * Team mode in the browser host: workstation B runs `loopdesk serve` on a data dir that joined
 * a team on a real PostgreSQL; workstation A (in this process) starts a send of a four-eyes
 * client. B sees it live, marked as A's, approves it, and Settings shows the team connection.
 */
for (const locale of ['en-GB', 'de-DE'] as const) {
  const german = locale === 'de-DE';
  test.describe(`team mode (${locale})`, () => {
    test.use({ locale });
    let host: { team: TeamHost; stop(): Promise<void> };
    let served: { host: ServedHost; stop(): Promise<void> };
    let env: NodeJS.ProcessEnv;
    /** Workstation A, through the CLI. */
    const a = async <T>(...args: string[]): Promise<T> => JSON.parse(await workstationCli(host.team.dataDirs.a, env, ['--json', ...args])) as T;

    test.beforeAll(async () => {
      test.setTimeout(120_000);
      host = await startTeamHost(`e2e-${locale}`);
      env = { ...process.env, ...host.team.env };
      served = await startServe({ sandbox: false, dataDir: host.team.dataDirs.b, env });
    });
    test.afterAll(async () => {
      await served?.stop();
      await host?.stop();
    });

    test('B sees A’s send waiting for approval, approves it, and Settings shows the team', async ({ page }) => {
      await page.goto(served.host.url);
      await go(page, 'sends');
      const send = await a<Send>('send', host.team.recipients, '--profile', 'team', '--mailing', host.team.mailingIds[0], '--yes');
      expect(send.state).toBe('awaiting_approval');

      // No reload: the send arrives through the team's NOTIFY and the host's events.
      const row = page.getByRole('row').filter({ has: page.getByTestId('send-origin') });
      await expect(row).toHaveCount(1);
      await expect(row.getByTestId('send-origin')).toHaveText(german ? 'von a' : 'from a');
      await row.getByRole('button').first().click();
      const panel = page.getByTestId('approval-panel');
      await expect(panel).toContainText(german ? 'a hat diesen Versand gestartet' : 'a started this send');
      await panel.getByLabel(german ? 'Grund der Ablehnung (für das Team sichtbar)' : 'Reason for rejecting (the team sees it)').fill('');
      await shootBoth(page, `team-approval${german ? '-de' : ''}`, panel);

      await panel.getByRole('button', { name: german ? 'Versand freigeben' : 'Approve send' }).click();
      const dialog = page.getByRole('dialog');
      await expect(dialog).toContainText(german ? 'Empfänger erhalten das Mailing' : 'recipients get mailing');
      await shootBoth(page, `team-approval-confirm${german ? '-de' : ''}`, dialog);
      await dialog.getByRole('button', { name: german ? 'Freigeben und senden' : 'Approve and send' }).click();
      await expect(page.getByTestId('approval-decision')).toContainText(german ? 'Freigegeben von b' : 'Approved by b');
      // A's steps come from the team database (B has none of its files), in the window's language too.
      const steps = page.getByRole('list', { name: german ? 'Verlauf' : 'Timeline' }).locator('.timeline-message');
      await expect(steps).toContainText(german ? ['Gestartet von a.', 'Freigegeben von b.'] : ['Claimed by a.', 'Approved by b.']);
      await steps.last().scrollIntoViewIfNeeded();
      await shootBoth(page, `team-others-steps${german ? '-de' : ''}`, steps.last());

      // A goes on at its next pass (`status` runs one): it never uploaded before the approval.
      const after = await a<Send>('status', send.id);
      const messages = after.timeline.map((t) => t.message);
      expect(messages).toContain('Approved by b.');
      expect(after.timeline.findIndex((t) => t.state === 'uploading')).toBeGreaterThan(messages.indexOf('Approved by b.'));

      await go(page, 'settings');
      const teamPanel = page.getByTestId('team-panel');
      await expect(teamPanel.getByTestId('team-state')).toHaveText(german ? 'Verbunden' : 'Connected');
      await expect(teamPanel.getByTestId('team-url')).toHaveText(host.team.url);
      await expect(teamPanel.getByTestId('team-url')).not.toContainText(host.team.password);
      await expect(teamPanel.getByTestId('team-workstations')).toContainText(german ? 'b (dieser Arbeitsplatz)' : 'b (this workstation)');
      await expect(teamPanel.getByTestId('team-workstations')).toContainText(german ? 'a, zuletzt' : 'a, seen');
      await shootBoth(page, `team-settings${german ? '-de' : ''}`, teamPanel);

      await go(page, 'connections');
      await page.getByRole('button', { name: /^(Edit team|team bearbeiten)$/i }).click();
      const fourEyes = page.getByLabel(german ? 'Vier-Augen-Freigabe für Echtversände' : 'Four-eyes approval for real sends');
      await expect(fourEyes).toBeChecked();
      await fourEyes.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await shootBoth(page, `team-four-eyes-setting${german ? '-de' : ''}`, fourEyes.locator('xpath=..'));
    });
  });
}
