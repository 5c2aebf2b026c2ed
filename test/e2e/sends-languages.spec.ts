import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { spawnCli } from '../helpers/cli-loop';
import { expect, SCREENSHOT_DIR, test } from './fixtures';
import { recordNotifications } from './flow-helpers';
import { englishOnScreen, overflowing } from './i18n-check';

/** The catalog areas of the Sends and Mailings screens, whose English must not show on a German page. */
const AREAS = ['sends', 'mailings', 'error-sends', 'error-sftp'];

/** The few words this walk clicks or waits for, per language (everything else is checked by the catalog list). */
const WORDS = {
  de: { checkNow: 'Jetzt prüfen', sent: 'Versendet', failed: 'Fehlgeschlagen', cancelled: 'Abgebrochen', send: 'Versand', testSend: 'Testversand', cancel: 'Versand abbrechen', confirmCancel: 'Versand abbrechen', timeline: 'Verlauf', rows: 'Vom Server abgelehnte Zeilen', halted: 'Serverschnittstelle angehalten', region: 'Quellmailings von demo über Sandbox', retire: 'Stilllegen' },
  en: { checkNow: 'Check now', sent: 'Sent', failed: 'Failed', cancelled: 'Cancelled', send: 'Send', testSend: 'Test send', cancel: 'Cancel send', confirmCancel: 'Cancel the send', timeline: 'Timeline', rows: 'Rows the server rejected', halted: 'Server interface halted', region: 'Source mailings of demo on Sandbox', retire: 'Retire' },
} as const;

/** One `loopdesk --json …` document, or a failure that shows what the CLI said. */
function doc<T>(run: { code: number; out: string; err: string }, what: string): T {
  expect(run.code, `${what}: ${run.err}`).toBe(0);
  return JSON.parse(run.out) as T;
}

/** Shots of what the operator sees at the small laptop size, light and dark: `<name>-<light|dark>-1024x700.png`. */
async function shoot(page: Page, name: string, focus?: Locator): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize();
  await page.setViewportSize({ width: 1024, height: 700 });
  try {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      if (focus) await focus.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${scheme}-1024x700.png`), animations: 'disabled', caret: 'hide' });
    }
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
    if (before) await page.setViewportSize(before);
  }
}

for (const [locale, lang] of [
  ['de-DE', 'de'],
  ['en-GB', 'en'],
] as const) {
  test.describe(`Sends and Mailings in ${locale}`, () => {
    test.use({ locale, sandbox: true, sandboxInterval: 1 });

    test(`a test send, a real send, a cancelled and a failed send, then Mailings: all in the browser's language (${lang})`, async ({ app: page, host }) => {
      test.setTimeout(150_000);
      const w = WORDS[lang];
      /** Asserts the screen as it is now: no English of these areas (German only) and no text wider than its box. */
      const check = async (what: string) => {
        await page.setViewportSize({ width: 1024, height: 700 });
        if (lang === 'de') expect(await englishOnScreen(page, AREAS), `English on the German ${what}`).toEqual([]);
        expect(await overflowing(page), `text overflowing its box on ${what}`).toEqual([]);
        await page.setViewportSize({ width: 1280, height: 860 });
      };
      // Desktop notifications allowed, and each one the page shows noted (the real one is still made).
      const shown = await recordNotifications(page, host.url);
      await expect(page.locator('html')).toHaveAttribute('lang', locale);

      const work = mkdtempSync(join(tmpdir(), `loopdesk-sends-${lang}-`));
      try {
        // Sends are made through the CLI door of the running host, so this walk depends only on the Sends and Mailings screens.
        const cli = (...args: string[]) => spawnCli(host.dataDir, args, process.env);
        const mailings = doc<{ id: string; name: string }[]>(await cli('--json', 'mailing', 'list', '--profile', 'Sandbox'), 'mailing list');
        const weekly = mailings.find((m) => m.name === 'Weekly newsletter')!;
        const other = mailings.find((m) => m.id !== weekly.id)!;
        const list = join(work, 'list.csv');
        writeFileSync(list, 'E-Mail;Vorname;Nachname\nanna@example.com;Anna;Schmidt\nbernd@example.com;Bernd;Meier\nclara@example.com;Clara;Wolf\n');
        const send = async (...extra: string[]) => doc<{ id: string }>(await cli('--json', 'send', list, '--profile', 'Sandbox', '--client', 'demo', ...extra, '--yes'), 'send').id;
        const detailOf = (id: string, test = false) => page.getByRole('region', { name: `${test ? w.testSend : w.send} ${id}` });
        const untilState = async (detail: Locator, state: string) => {
          await expect(async () => {
            await detail.getByRole('button', { name: w.checkNow }).click();
            await expect(detail.getByRole('button', { name: w.checkNow })).toBeEnabled();
            await expect(detail.getByTestId('send-state')).toHaveText(state, { timeout: 1_500 });
          }).toPass({ timeout: 40_000, intervals: [500, 1000] });
        };

        // 1 A test send, followed to its mailing ID.
        const testId = await send('--mailing', weekly.id, '--test');
        await page.goto(`${host.url}#/sends/${testId}`);
        const testDetail = detailOf(testId, true);
        await untilState(testDetail, w.sent);
        await expect(testDetail.getByTestId('mailing-id')).toHaveText(/^\d+$/);
        await check('Sends screen with a sent test send');
        await shoot(page, `sends-${lang}-test-sent`, testDetail.getByRole('list', { name: w.timeline }));

        // 2 The real send on the same source mailing, now free again.
        const realId = await send('--mailing', weekly.id);
        await page.goto(`${host.url}#/sends/${realId}`);
        const realDetail = detailOf(realId);
        await untilState(realDetail, w.sent);
        const timeline = realDetail.getByRole('list', { name: w.timeline });
        await expect(timeline.getByRole('listitem')).not.toHaveCount(0);
        if (lang === 'de') {
          await expect(timeline).toContainText('Die Dateien werden unter einem vorläufigen Namen in das Upload-Verzeichnis des Mandanten geschrieben und erst vollständig umbenannt, damit der Server nie eine halbe Datei importiert.');
          await expect(timeline).toContainText('Serveruhr');
          // Dates and times in the German format.
          await expect(timeline.getByTestId('timeline-time').first()).toHaveText(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2} dieser Computer$/);
        }
        await check('Sends screen with a sent real send');
        await shoot(page, `sends-${lang}-real-sent`);
        await shoot(page, `sends-${lang}-real-timeline`, timeline);

        // 3 A send for later, cancelled on the screen (with its confirmation).
        const laterId = await send('--mailing', other.id, '--at', '2099-01-01T09:30:00Z');
        await page.goto(`${host.url}#/sends/${laterId}`);
        const later = detailOf(laterId);
        await later.getByRole('button', { name: w.cancel }).click();
        const dialog = page.getByRole('dialog');
        await expect(dialog).toBeVisible();
        await check('cancel dialog');
        await shoot(page, `sends-${lang}-cancel-confirm`);
        await dialog.getByRole('button', { name: w.confirmCancel }).click();
        await expect(later.getByTestId('send-state')).toHaveText(w.cancelled);
        await check('Sends screen with a cancelled send');

        // 4 A send the server refuses: its error rows, the halted interface.
        const config = JSON.parse(readFileSync(join(host.dataDir, 'sandbox', 'sandbox.json'), 'utf8')) as { clients: { mailings: { id: string; activated: boolean }[] }[] };
        const activated = config.clients[0].mailings.find((m) => m.activated)!.id;
        doc(await cli('--json', 'mailing', 'add', '--profile', 'Sandbox', '--client', 'demo', '--id', activated, '--name', 'Frühjahrsaktion'), 'mailing add');
        const failedId = await send('--mailing', activated);
        await page.goto(`${host.url}#/sends/${failedId}`);
        const failed = detailOf(failedId);
        await untilState(failed, w.failed);
        await expect(failed.getByRole('alert').filter({ hasText: w.halted })).toBeVisible();
        await expect(failed.getByRole('table', { name: w.rows }).getByRole('row').nth(1)).toBeVisible();
        await check('Sends screen with a failed send');
        // The desktop notification speaks the same language.
        const failedTitle = lang === 'de' ? 'Versand mit Frühjahrsaktion (demo) fehlgeschlagen' : 'Send on Frühjahrsaktion (demo) failed';
        await expect.poll(shown).toContainEqual(expect.objectContaining({ title: failedTitle }));
        const body = (await shown()).find((n) => n.title === failedTitle)!.body!;
        expect(body).toMatch(lang === 'de' ? /^Der Server meldet einen Fehler: / : /^The server reported an error: /);
        expect(await shown()).toContainEqual(expect.objectContaining({ title: lang === 'de' ? 'Testversand mit Weekly newsletter (demo) versendet' : 'Test send on Weekly newsletter (demo) sent' }));
        await shoot(page, `sends-${lang}-failed`, failed.getByRole('table', { name: w.rows }));

        // 5 Mailings: in flight, last used, retired.
        await page.goto(`${host.url}#/mailings`);
        const region = page.getByRole('region', { name: w.region });
        await expect(region.getByRole('row', { name: new RegExp(weekly.id) })).toBeVisible();
        await check('Mailings screen');
        await shoot(page, `mailings-${lang}`);
        await region.getByRole('row', { name: new RegExp(other.id) }).getByRole('button', { name: new RegExp(w.retire, 'i') }).click();
        await expect(page.getByRole('dialog')).toBeVisible();
        await check('retire dialog');
        await shoot(page, `mailings-${lang}-retire-confirm`);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  });
}
