import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator } from '@playwright/test';
import { spawnCli } from '../helpers/cli-loop';
import { expect, test } from './fixtures';
import { englishOnScreen, overflowing } from './i18n-check';
import { shootBoth } from './shots';
import { importSuppressionOnScreen } from './suppression-import';

/** The words this walk clicks or waits for, per language. */
const WORDS = {
  de: {
    send: 'Versand',
    checkNow: 'Jetzt prüfen',
    failed: 'Fehlgeschlagen',
    timeline: 'Verlauf',
    leftOut: '1 Empfänger wurde nach der Vorbereitung dieses Versands auf die Sperrliste gesetzt und ausgelassen; 2 Empfänger bleiben.',
    allLeftOut: 'Nicht hochgeladen: Alle 2 Empfänger wurden nach der Vorbereitung dieses Versands auf die Sperrliste gesetzt.',
    download: 'Ausgelassene Zeilen herunterladen',
  },
  en: {
    send: 'Send',
    checkNow: 'Check now',
    failed: 'Failed',
    timeline: 'Timeline',
    leftOut: '1 recipient was put on the suppression list after this send was prepared and left out; 2 recipients remain.',
    allLeftOut: 'Not uploaded: all 2 recipients were put on the suppression list after this send was prepared.',
    download: 'Download left-out rows',
  },
} as const;

function doc<T>(run: { code: number; out: string; err: string }, what: string): T {
  expect(run.code, `${what}: ${run.err}`).toBe(0);
  return JSON.parse(run.out) as T;
}

for (const [locale, lang] of [
  ['de-DE', 'de'],
  ['en-GB', 'en'],
] as const) {
  test.describe(`rows suppressed after a send was prepared (${locale})`, () => {
    test.use({ locale, sandbox: true, sandboxInterval: 1 });

    test(`the Sends timeline says how many recipients were left out at upload and offers their rows, and a send with nobody left fails saying why (${lang})`, async ({ app: page, host }) => {
      test.setTimeout(120_000);
      const w = WORDS[lang];
      const work = mkdtempSync(join(tmpdir(), `loopdesk-supup-${lang}-`));
      try {
        const cli = (...args: string[]) => spawnCli(host.dataDir, args, process.env);
        const mailings = doc<{ id: string; name: string }[]>(await cli('--json', 'mailing', 'list', '--profile', 'Sandbox'), 'mailing list');
        const list = join(work, 'list.csv');
        writeFileSync(list, 'E-Mail;Vorname;Nachname\nanna@example.com;Anna;Schmidt\nbernd@example.com;Bernd;Meier\nclara@example.com;Clara;Wolf\n');
        const gone = join(work, 'gone.csv');
        writeFileSync(gone, 'E-Mail;Vorname;Nachname\nanna@example.com;Anna;Schmidt\ndora@example.com;Dora;Klein\n');
        // Two real sends for later; the addresses are suppressed before that time comes.
        const at = new Date(Date.now() + 25_000).toISOString();
        const send = async (file: string, mailing: string) => doc<{ id: string }>(await cli('--json', 'send', file, '--profile', 'Sandbox', '--client', 'demo', '--mailing', mailing, '--at', at, '--yes'), 'send').id;
        const partId = await send(list, mailings[0].id);
        const allId = await send(gone, mailings[1].id);

        // An operator imports two unsubscribes on the Suppression list tab.
        await importSuppressionOnScreen(page, host.url, lang, work, ['anna@example.com', 'dora@example.com']);
        expect(Date.now(), 'the suppression was imported before the sends were due').toBeLessThan(new Date(at).getTime());

        const detailOf = (id: string) => page.getByRole('region', { name: `${w.send} ${id}` });
        const until = async (detail: Locator, check: () => Promise<void>) => {
          await expect(async () => {
            await detail.getByRole('button', { name: w.checkNow }).click();
            await expect(detail.getByRole('button', { name: w.checkNow })).toBeEnabled();
            await check();
          }).toPass({ timeout: 60_000, intervals: [1000, 2000] });
        };
        const check = async (what: string) => {
          await page.setViewportSize({ width: 1024, height: 700 });
          if (lang === 'de') expect(await englishOnScreen(page, ['sends', 'error-sends']), `English on the German ${what}`).toEqual([]);
          expect(await overflowing(page), `text overflowing its box on ${what}`).toEqual([]);
          await page.setViewportSize({ width: 1280, height: 860 });
        };

        // 1 Some left out: the step in the timeline, the rest uploaded.
        await page.goto(`${host.url}#/sends/${partId}`);
        const part = detailOf(partId);
        const timeline = part.getByRole('list', { name: w.timeline });
        await until(part, () => expect(timeline).toContainText(w.leftOut, { timeout: 1_500 }));
        await check('timeline with rows left out at upload');
        const step = timeline.getByRole('listitem').filter({ hasText: w.leftOut });
        await shootBoth(page, `supup-${lang}-left-out-timeline`, step);
        // The left-out rows are on this workstation: the step downloads them (the browser host's way for files Loopdesk wrote).
        const fileName = `send-${partId}-rejected.csv`;
        const downloadOf = async (where: Locator, id: string) => {
          const [file] = await Promise.all([page.waitForEvent('download'), where.getByRole('link', { name: w.download }).click()]);
          expect(file.suggestedFilename()).toBe(`send-${id}-rejected.csv`);
          return readFileSync(await file.path(), 'utf8');
        };
        const rows = await downloadOf(step, partId);
        expect(rows).toContain('"anna@example.com"');
        expect(rows).not.toContain('bernd@example.com');
        await expect(step).toContainText(fileName);
        // The CLI on this workstation prints the file's full path in the same step.
        const status = await cli('status', partId);
        expect(status.code, status.err).toBe(0);
        expect(status.out).toContain(join(host.dataDir, 'rejected', fileName));

        // 2 Nobody left: failed, nothing uploaded, the reason in the error box and the timeline.
        await page.goto(`${host.url}#/sends/${allId}`);
        const all = detailOf(allId);
        await until(all, () => expect(all.getByTestId('send-state')).toHaveText(w.failed, { timeout: 1_500 }));
        await expect(all.getByRole('alert')).toContainText(w.allLeftOut);
        await expect(all.getByRole('list', { name: w.timeline })).toContainText(w.allLeftOut);
        await check('failed send with every recipient suppressed');
        await shootBoth(page, `supup-${lang}-all-left-out`, all.getByRole('alert'));
        const allRows = await downloadOf(all.getByRole('alert'), allId);
        expect(allRows).toContain('"anna@example.com"');
        expect(allRows).toContain('"dora@example.com"');
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  });
}
