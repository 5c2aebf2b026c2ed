import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Send } from '../../shared/contract/sends';
import { expect, startServe, test, type ServedHost } from './fixtures';
import { englishOnScreen, overflowing } from './i18n-check';
import { shootBoth } from './shots';
import { importSuppressionOnScreen } from './suppression-import';
import { startTeamHost, workstationCli, type TeamHost } from './team-host';

/** The words this walk clicks or waits for, per language. */
const WORDS = {
  de: {
    send: 'Versand',
    timeline: 'Verlauf',
    approve: 'Versand freigeben',
    approveAndSend: 'Freigeben und senden',
    approvedBy: 'Freigegeben von b',
    leftOut: '1 Empfänger wurde nach der Vorbereitung dieses Versands auf die Sperrliste gesetzt und ausgelassen; 1 Empfänger bleibt.',
    counts: '1 Empfänger; 1 Zeile ausgelassen',
    elsewhere: (file: string) => `Die ausgelassenen Zeilen stehen in ${file} auf dem Arbeitsplatz a; öffnen Sie die Datei dort.`,
    download: 'Ausgelassene Zeilen herunterladen',
  },
  en: {
    send: 'Send',
    timeline: 'Timeline',
    approve: 'Approve send',
    approveAndSend: 'Approve and send',
    approvedBy: 'Approved by b',
    leftOut: '1 recipient was put on the suppression list after this send was prepared and left out; 1 recipient remains.',
    counts: '1 recipient; 1 row left out',
    elsewhere: (file: string) => `The left-out rows are in ${file}, kept on workstation a; open the file there.`,
    download: 'Download left-out rows',
  },
} as const;

/**
 * Team mode: workstation A prepares a real send (four-eyes), an operator on B (`loopdesk serve`)
 * suppresses one of its addresses and approves it; A (`loopdesk serve` too) leaves that row out
 * right before its upload. B's Sends screen shows A's step in B's language and the counts as they
 * are now, and names the rejected-rows file and the workstation that keeps it (never a path on
 * A's disk); A's own Sends screen offers that file for download.
 */
for (const [locale, lang] of [
  ['en-GB', 'en'],
  ['de-DE', 'de'],
] as const) {
  test.describe(`team mode: a row A left out at upload, on B's screen (${locale})`, () => {
    test.use({ locale });
    let host: { team: TeamHost; stop(): Promise<void> };
    let served: { host: ServedHost; stop(): Promise<void> };
    let servedA: { host: ServedHost; stop(): Promise<void> };
    let env: NodeJS.ProcessEnv;
    let work: string;
    const a = async <T>(...args: string[]): Promise<T> => JSON.parse(await workstationCli(host.team.dataDirs.a, env, ['--json', ...args])) as T;

    test.beforeAll(async () => {
      test.setTimeout(120_000);
      host = await startTeamHost(`e2e-supstep-${lang}`);
      env = { ...process.env, ...host.team.env };
      served = await startServe({ sandbox: false, dataDir: host.team.dataDirs.b, env });
      // A runs as well, so its Sends screen can be seen; its CLI calls go to that process.
      servedA = await startServe({ sandbox: false, dataDir: host.team.dataDirs.a, env });
      work = mkdtempSync(join(tmpdir(), `loopdesk-teamstep-${lang}-`));
    });
    test.afterAll(async () => {
      await served?.stop();
      await servedA?.stop();
      await host?.stop();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    test(`B's timeline shows the step A wrote when it left a suppressed row out, the new counts and where the left-out rows are; A's offers them (${lang})`, async ({ page, browser }) => {
      test.setTimeout(120_000);
      const w = WORDS[lang];
      const send = await a<Send>('send', host.team.recipients, '--profile', 'team', '--mailing', host.team.mailingIds[0], '--yes');
      expect(send).toMatchObject({ state: 'awaiting_approval', recipients: 2 });

      // On B: c@example.com is suppressed (it reaches the team's list), then B approves A's send.
      await importSuppressionOnScreen(page, served.host.url, lang, work, ['c@example.com']);
      const url = new URL(host.team.url);
      url.password = host.team.password;
      const admin = new pg.Client({ connectionString: url.toString() });
      await admin.connect();
      try {
        await expect(async () => expect((await admin.query("SELECT 1 FROM team_suppression WHERE email = 'c@example.com' AND NOT removed")).rowCount).toBe(1)).toPass({ timeout: 10_000 });
      } finally {
        await admin.end();
      }

      await page.goto(`${served.host.url}#/sends/${send.id}`);
      const detail = page.getByRole('region', { name: `${w.send} ${send.id}` });
      const panel = page.getByTestId('approval-panel');
      await panel.getByRole('button', { name: w.approve }).click();
      await page.getByRole('dialog').getByRole('button', { name: w.approveAndSend }).click();
      // The approval is in the team (the screen shows the decision) before A's pass looks for it:
      // the click alone returns before the host has written it.
      await expect(page.getByTestId('approval-decision')).toContainText(w.approvedBy);

      // A's next pass (`status` runs one) pulls the team's list and leaves c@example.com out before it uploads.
      const after = await a<Send>('status', send.id);
      expect(after).toMatchObject({ recipients: 1, excluded: 1 });

      // No reload: B hears of it through the team's NOTIFY, in its own language.
      const timeline = detail.getByRole('list', { name: w.timeline });
      await expect(timeline).toContainText(w.leftOut);
      await expect(detail).toContainText(w.counts);
      await page.setViewportSize({ width: 1024, height: 700 });
      if (lang === 'de') expect(await englishOnScreen(page, ['sends', 'team'], [/send-[\w-]+-rejected\.csv/]), 'English on the German timeline').toEqual([]);
      expect(await overflowing(page), 'text overflowing its box').toEqual([]);
      await page.setViewportSize({ width: 1280, height: 860 });
      // B: the file by name and the workstation that keeps it; no path on A's disk, nothing to download here.
      const fileName = `send-${send.id}-rejected.csv`;
      const step = timeline.getByRole('listitem').filter({ hasText: w.leftOut });
      await expect(step).toContainText(w.elsewhere(fileName));
      await expect(step.getByRole('link')).toHaveCount(0);
      await expect(step.getByRole('button')).toHaveCount(0);
      expect(await page.locator('main').innerText(), "a path on A's disk on B's screen").not.toContain(host.team.dataDirs.a);
      await shootBoth(page, `team-left-out-step-${lang}`, step);

      // A, the workstation that wrote the file: the same step offers it for download.
      const pageA = await browser.newPage({ locale });
      try {
        await pageA.goto(`${servedA.host.url}#/sends/${send.id}`);
        const stepA = pageA
          .getByRole('region', { name: `${w.send} ${send.id}` })
          .getByRole('list', { name: w.timeline })
          .getByRole('listitem')
          .filter({ hasText: w.leftOut });
        await expect(stepA).not.toContainText(w.elsewhere(fileName));
        const [download] = await Promise.all([pageA.waitForEvent('download'), stepA.getByRole('link', { name: w.download }).click()]);
        expect(download.suggestedFilename()).toBe(fileName);
        const rows = readFileSync(await download.path(), 'utf8');
        expect(rows).toContain('"c@example.com"');
        expect(rows).not.toContain('a@example.com');
        await pageA.setViewportSize({ width: 1024, height: 700 });
        if (lang === 'de') expect(await englishOnScreen(pageA, ['sends', 'team'], [/send-[\w-]+-rejected\.csv/]), "English on A's German timeline").toEqual([]);
        expect(await overflowing(pageA), "text overflowing its box on A's timeline").toEqual([]);
        await pageA.setViewportSize({ width: 1280, height: 860 });
        await shootBoth(pageA, `team-left-out-step-a-${lang}`, stepA);
      } finally {
        await pageA.close();
      }
      // A's command line prints the file's full path in the same step; B's names the file and A.
      const printedA = await workstationCli(host.team.dataDirs.a, env, ['--lang', lang, 'status', send.id]);
      expect(printedA).toContain(join(host.team.dataDirs.a, 'rejected', fileName));
      const printedB = await workstationCli(host.team.dataDirs.b, env, ['--lang', lang, 'status', send.id]);
      expect(printedB).toContain(w.elsewhere(fileName));
      expect(printedB).not.toContain(host.team.dataDirs.a);
    });
  });
}
