import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli } from '../helpers/cli-loop';
import { formatWallClock, wallClockAt } from '../../shared/zoned-time';
import { expect, test } from './fixtures';
import { englishOnScreen, overflowing } from './i18n-check';
import { shootBoth } from './shots';

/** The words this walk clicks or waits for, per language. */
const WORDS = {
  de: {
    send: 'Versand',
    checkNow: 'Jetzt prüfen',
    badge: 'Angehalten',
    title: 'Ist die Datei auf dem Server dieser Versand?',
    follow: 'Ist dieser Versand: verfolgen',
    newName: 'Unter neuem Namen hochladen…',
    confirm: 'Unter neuem Namen hochladen',
    keep: 'Angehalten lassen',
    step: 'Vor dem Upload angehalten: Auf dem Server liegt bereits',
    answered: 'nicht dieser Versand ist: Dieser Versand wird unter dem nächsten freien Namen hochgeladen.',
  },
  en: {
    send: 'Send',
    checkNow: 'Check now',
    badge: 'Held',
    title: 'Is the file on the server this send?',
    follow: 'It is this send: follow it',
    newName: 'Upload under a new name…',
    confirm: 'Upload under a new name',
    keep: 'Keep it held',
    step: 'Held before the upload: the server already has',
    answered: 'is not this send: this send is uploaded under the next free name.',
  },
} as const;

function doc<T>(run: { code: number; out: string; err: string }, what: string): T {
  expect(run.code, `${what}: ${run.err}`).toBe(0);
  return JSON.parse(run.out) as T;
}

/** The sandbox client's log folder on disk, where the server's status files are. */
function sandboxLogDir(dataDir: string): string {
  const config = JSON.parse(readFileSync(join(dataDir, 'sandbox', 'sandbox.json'), 'utf8')) as { clients: { name: string }[] };
  return join(dataDir, 'sandbox', 'sftp', config.clients[0]!.name, 'logs');
}

for (const [locale, lang] of [
  ['de-DE', 'de'],
  ['en-GB', 'en'],
] as const) {
  test.describe(`a send held because the server already has its name (${locale})`, () => {
    test.use({ locale, sandbox: true, sandboxInterval: 1 });

    test(`the Sends screen says why and asks; "upload under a new name" is confirmed first, by keyboard (${lang})`, async ({ app: page, host }) => {
      test.setTimeout(120_000);
      const w = WORDS[lang];
      const work = mkdtempSync(join(tmpdir(), `loopdesk-held-${lang}-`));
      try {
        const cli = (...args: string[]) => spawnCli(host.dataDir, args, process.env);
        const mailings = doc<{ id: string }[]>(await cli('--json', 'mailing', 'list', '--profile', 'Sandbox'), 'mailing list');
        const list = join(work, 'list.csv');
        writeFileSync(list, 'E-Mail;Vorname;Nachname\nanna@example.com;Anna;Schmidt\nbernd@example.com;Bernd;Meier\n');
        const at = new Date(Date.now() + 4_000).toISOString();
        const send = doc<{ id: string; fileName: string }>(await cli('--json', 'send', list, '--profile', 'Sandbox', '--client', 'demo', '--mailing', mailings[0].id, '--at', at, '--yes'), 'send');
        // The server's log under this send's own name, written now: as after a restore of an older data folder (or another system's file of the same second).
        const now = formatWallClock(wallClockAt(Date.now(), ''));
        writeFileSync(join(sandboxLogDir(host.dataDir), send.fileName.replace(/\.csv$/, '.log')), `timestamp;event;file;mailingId;records;message\n${now};received;${send.fileName};;;\n${now};mailing_created;${send.fileName};51100000001;2;\n`);

        await page.goto(`${host.url}#/sends/${send.id}`);
        const detail = page.getByRole('region', { name: `${w.send} ${send.id}` });
        const panel = detail.getByTestId('held-panel');
        await expect(async () => {
          await detail.getByRole('button', { name: w.checkNow }).click();
          await expect(panel).toBeVisible({ timeout: 1_500 });
        }).toPass({ timeout: 60_000, intervals: [1000, 2000] });
        await expect(detail.getByTestId('send-state')).toHaveText(w.badge);
        await expect(panel.getByRole('heading', { name: w.title })).toBeVisible();
        await expect(panel).toContainText(send.fileName);
        await expect(detail.getByRole('list', { name: lang === 'de' ? 'Verlauf' : 'Timeline' })).toContainText(w.step);
        await page.setViewportSize({ width: 1024, height: 700 });
        if (lang === 'de') expect(await englishOnScreen(page, ['sends', 'error-sends'], [send.fileName, send.id]), 'English on the German held panel').toEqual([]);
        expect(await overflowing(page), 'text overflowing its box on the held panel').toEqual([]);
        await page.setViewportSize({ width: 1280, height: 860 });
        await shootBoth(page, `held-${lang}-panel`, panel);

        // By keyboard: from the first answer, Tab to "upload under a new name", Enter opens the confirmation; Escape keeps it held.
        await panel.getByRole('button', { name: w.follow }).focus();
        await page.keyboard.press('Tab');
        await expect(panel.getByRole('button', { name: w.newName })).toBeFocused();
        await page.keyboard.press('Enter');
        const dialog = page.getByRole('dialog');
        await expect(dialog).toContainText(send.fileName);
        await expect(dialog.getByRole('button', { name: w.keep }), 'the safe answer has the focus').toBeFocused();
        await shootBoth(page, `held-${lang}-confirm`, dialog);
        await page.keyboard.press('Escape');
        await expect(dialog).toBeHidden();
        await expect(panel).toBeVisible();

        await panel.getByRole('button', { name: w.newName }).click();
        await dialog.getByRole('button', { name: w.confirm }).focus();
        await page.keyboard.press('Enter');
        await expect(panel).toBeHidden();
        await expect(detail.getByRole('list', { name: lang === 'de' ? 'Verlauf' : 'Timeline' })).toContainText(w.answered);
        await shootBoth(page, `held-${lang}-answered`, detail.getByRole('list', { name: lang === 'de' ? 'Verlauf' : 'Timeline' }));
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  });
}
