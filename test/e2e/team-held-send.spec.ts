import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Send } from '../../shared/contract/sends';
import { formatWallClock, wallClockAt } from '../../shared/zoned-time';
import { expect, startServe, test, type ServedHost } from './fixtures';
import { englishOnScreen, overflowing } from './i18n-check';
import { shootBoth } from './shots';
import { go, startTeamHost, workstationCli, type TeamHost } from './team-host';

/** The words this walk waits for, per language. */
const WORDS = {
  de: {
    send: 'Versand',
    timeline: 'Verlauf',
    badge: 'Angehalten',
    title: 'Auf dem Arbeitsplatz a angehalten',
    wrote: 'Meldung von Arbeitsplatz a:',
    step: 'Vor dem Upload angehalten: Auf dem Server liegt bereits',
    waits: 'Dieser Versand wartet auf eine Antwort auf dem Arbeitsplatz a',
    explain: 'Es wird nichts hochgeladen, bis auf dem Arbeitsplatz a entschieden wird.',
    decides: 'Es wird nichts hochgeladen, bis auf dem Arbeitsplatz a entschieden wird, ob diese Datei dieser Versand ist.',
    answered: (file: string) => `Auf dem Arbeitsplatz a wurde bestätigt, dass ${file} auf dem Server dieser Versand ist: Loopdesk verfolgt ihn dort und lädt nichts erneut hoch.`,
    you: /\bSie\b/,
    grid: 'Aktivitätseinträge',
    clockA: 'Arbeitsplatz a',
    clocksTeam: 'Steht dort ein Arbeitsplatz, hat dieser Arbeitsplatz den Schritt ausgeführt; die Zeit stammt von seiner Uhr.',
    heldEntry: (id: string) => `Versand ${id} ist auf dem Arbeitsplatz a angehalten:`,
  },
  en: {
    send: 'Send',
    timeline: 'Timeline',
    badge: 'Held',
    title: 'Held on workstation a',
    wrote: 'Workstation a wrote:',
    step: 'Held before the upload: the server already has',
    waits: 'This send waits for an answer on workstation a',
    explain: 'Nothing is uploaded until an operator answers on workstation a.',
    decides: 'Nothing is uploaded until the operator at workstation a decides whether that file is this send.',
    answered: (file: string) => `The operator at workstation a confirmed that ${file} on the server is this send: Loopdesk follows it there and uploads nothing again.`,
    you: /\b[Yy]ou\b/,
    grid: 'Activity entries',
    clockA: 'workstation a',
    clocksTeam: "A workstation's name marks a step that workstation took, at its clock.",
    heldEntry: (id: string) => `Send ${id} is held on workstation a:`,
  },
} as const;

/**
 * Team mode: A's send is held before its upload, because the server already has a file under its
 * own name that may be this very send. The team's state stays `uploading` (it only moves forward);
 * B's Sends screen (`loopdesk serve` on B) still shows that the send is held, A's step that says
 * why, marked as A's, and that only A can answer (no buttons on B). After A answers, B shows the
 * answer without a reload.
 */
for (const [locale, lang] of [
  ['en-GB', 'en'],
  ['de-DE', 'de'],
] as const) {
  test.describe(`team mode: A's held send on B's screen (${locale})`, () => {
    test.use({ locale });
    let host: { team: TeamHost; stop(): Promise<void> };
    let served: { host: ServedHost; stop(): Promise<void> };
    let env: NodeJS.ProcessEnv;
    const a = async <T>(...args: string[]): Promise<T> => JSON.parse(await workstationCli(host.team.dataDirs.a, env, ['--json', ...args])) as T;

    test.beforeAll(async () => {
      test.setTimeout(120_000);
      host = await startTeamHost(`e2e-held-${lang}`);
      env = { ...process.env, ...host.team.env };
      served = await startServe({ sandbox: false, dataDir: host.team.dataDirs.b, env });
    });
    test.afterAll(async () => {
      await served?.stop();
      await host?.stop();
    });

    test(`B sees that A's send is held, why (A's step) and that only A can answer; then A's answer (${lang})`, async ({ page }) => {
      test.setTimeout(120_000);
      const w = WORDS[lang];
      const send = await a<Send>('send', host.team.recipients, '--profile', 'team', '--mailing', host.team.mailingIds[0], '--yes');
      expect(send.state).toBe('awaiting_approval');
      // Another upload under this send's own name, taken by the server just now: it may be this very send.
      const now = formatWallClock(wallClockAt(Date.now(), ''));
      writeFileSync(join(host.team.logDir, send.fileName.replace(/\.csv$/, '.log')), `timestamp;event;file;mailingId;records;message\n${now};received;${send.fileName};;;\n${now};mailing_created;${send.fileName};51100000002;2;\n`);
      // B approves (four-eyes client); A's next passes start the upload, hold it and tell the team.
      await workstationCli(host.team.dataDirs.b, env, ['send', 'approve', send.id]);
      await a<Send>('status', send.id);
      const held = await a<Send>('status', send.id);
      expect(held).toMatchObject({ state: 'queued', held: { file: send.fileName } });

      await page.goto(`${served.host.url}#/sends/${send.id}`);
      const detail = page.getByRole('region', { name: `${w.send} ${send.id}` });
      const panel = detail.getByTestId('held-panel');
      await expect(panel.getByRole('heading', { name: w.title })).toBeVisible();
      await expect(detail.getByTestId('send-state')).toHaveText(w.badge);
      await expect(detail).toContainText(w.explain);
      await expect(panel).toContainText(w.wrote);
      await expect(panel.getByTestId('held-step')).toContainText(`${w.step} ${send.fileName}`);
      // A's step speaks of A's operator, not of the reader ("you"), in the panel and in the timeline.
      await expect(panel.getByTestId('held-step')).toContainText(w.decides);
      await expect(panel.getByTestId('held-step')).not.toContainText(w.you);
      await expect(detail.getByRole('list', { name: w.timeline }).getByRole('listitem').last()).toContainText(w.decides);
      // Its time is A's clock, not this computer's.
      await expect(detail.getByRole('list', { name: w.timeline }).getByRole('listitem').last().locator('.clock-label')).toHaveText(w.clockA);
      await expect(detail.locator('#timeline-clocks')).toContainText(w.clocksTeam);
      await expect(panel.getByTestId('held-waits')).toContainText(w.waits);
      await expect(panel.getByTestId('held-waits')).toContainText(`loopdesk send resolve ${send.id}`);
      // Only A can answer: nothing to click here.
      await expect(panel.getByRole('button')).toHaveCount(0);
      await page.setViewportSize({ width: 1024, height: 700 });
      if (lang === 'de') expect(await englishOnScreen(page, ['sends', 'team'], [/\d{14}_subscribers\.csv/, /loopdesk send resolve \S+/]), 'English on the German screen').toEqual([]);
      expect(await overflowing(page), 'text overflowing its box').toEqual([]);
      await page.setViewportSize({ width: 1280, height: 860 });
      await shootBoth(page, `team-held-on-b-${lang}`, panel);

      // A's operator answers on A: the server's file is this send. B shows it without a reload.
      await a<Send>('send', 'resolve', send.id, '--is-this-send');
      await expect(panel).toHaveCount(0, { timeout: 15_000 });
      await expect(detail.getByRole('list', { name: w.timeline })).toContainText(w.answered(send.fileName));
      await expect(detail.getByRole('list', { name: w.timeline })).not.toContainText(w.you);
      await expect(detail.getByTestId('send-state')).not.toHaveText(w.badge);
      await shootBoth(page, `team-held-answered-on-b-${lang}`, detail.getByRole('list', { name: w.timeline }));

      // B's Activity screen: A's "held" entry says who decides (A), not "decide on the Sends screen".
      await go(page, 'activity');
      const heldEntry = page.getByLabel(w.grid).locator('[row-index]').filter({ hasText: w.heldEntry(send.id) });
      await expect(heldEntry).toHaveCount(1);
      await expect(heldEntry.getByTestId('activity-origin')).toBeVisible();
      await expect(heldEntry).not.toContainText(w.you);
    });
  });
}
