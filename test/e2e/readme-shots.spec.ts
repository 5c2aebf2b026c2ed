import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { e2eFixture } from './flow-helpers';
import { checkUntil, nav } from './helpers';

/**
 * The README's screenshots (section "Screens"). They are written to docs/screenshots/ only with
 * `LOOPDESK_README_SHOTS=1`, so `npm test` never changes the repository; without it the same walk
 * runs and its pictures go to test-results/readme-shots/.
 */
const OUT = process.env.LOOPDESK_README_SHOTS === '1' ? fileURLToPath(new URL('../../docs/screenshots', import.meta.url)) : fileURLToPath(new URL('../../test-results/readme-shots', import.meta.url));

/** What the window shows at 1440×900 in light mode, scrolled to `focus` when given: `<OUT>/<name>.png`. */
async function shoot(page: Page, name: string, focus?: Locator): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  if (focus) await focus.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  // Charts and grids settle on the next frames.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.screenshot({ path: join(OUT, `${name}.png`), animations: 'disabled', caret: 'hide' });
}

test.describe('README screenshots', () => {
  // As `npm start` shows it: the sandbox with its ~60 days of demo history; sends unfold an hour a second.
  test.use({ sandbox: true, sandboxHistory: true, sandboxInterval: 1, sandboxExportInterval: 2, sandboxTimeScale: 3600, viewport: { width: 1440, height: 900 } });

  test('first run, check step, send confirmation, Sends timeline, KPIs, a chart, Browse grid and Settings (in German)', async ({ app: page }) => {
    test.setTimeout(240_000);
    await page.emulateMedia({ colorScheme: 'light' });

    // 1 First run: where to start.
    await expect(page.getByRole('region', { name: 'Where to start' })).toBeVisible();
    await shoot(page, '01-first-run');

    // 2 New send, Check step: one row cannot be sent.
    await nav(page, 'New send').click();
    await expect(page.getByLabel('Connection', { exact: true })).toHaveValue('Sandbox');
    const mailing = page.getByLabel('Source mailing', { exact: true });
    await mailing.selectOption({ label: (await mailing.locator('option', { hasText: 'Weekly newsletter' }).textContent())! });
    await page.getByLabel('Choose a recipient file', { exact: true }).setInputFiles(e2eFixture('empfaenger.csv'));
    await page.getByRole('button', { name: 'Continue to mapping' }).click();
    await page.getByRole('button', { name: 'Continue to check' }).click();
    await expect(page.getByTestId('count-rows')).toHaveText('4');
    const problems = page.getByRole('table', { name: 'Rows that cannot be sent' });
    await expect(problems).toBeVisible();
    await shoot(page, '02-new-send-check', page.getByRole('heading', { name: /^Step 3 of 5/ }));

    // 3 The send confirmation.
    await page.getByRole('button', { name: 'Continue to send' }).click();
    await page.getByRole('button', { name: 'Send for real…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send for real?' });
    await expect(dialog).toBeVisible();
    await shoot(page, '03-send-confirm');
    await dialog.getByRole('button', { name: 'Send now' }).click();

    // 4 Sends: the send followed to its mailing ID, with the timeline.
    const detail = page.getByRole('region', { name: /^Send \d{8}-[0-9a-f]+$/ });
    await checkUntil(page, detail, 'Sent', 40_000);
    await expect(detail.getByTestId('mailing-id')).toHaveText(/^\d+$/);
    await shoot(page, '04-sends-timeline');

    // 5 Responses: a demo mailing about two weeks old, its KPIs and its time chart.
    await nav(page, 'Responses').click();
    const mailings = page.getByRole('table', { name: 'Response mailings' });
    await expect(async () => {
      await page.reload();
      await expect(mailings.getByRole('row').nth(25)).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 90_000, intervals: [2_000, 3_000] });
    await mailings.getByRole('row').nth(7).getByRole('button', { name: /^Show KPIs of mailing \d+$/ }).click();
    const report = page.getByRole('region', { name: /^KPIs of mailing \d+$/ });
    await expect(report.getByTestId('kpi-openRate')).toHaveText(/^\d+(\.\d)?%$/);
    await expect(report.getByRole('figure', { name: 'Opens and clicks over time' }).locator('canvas').first()).toBeVisible();
    await shoot(page, '05-responses-kpis', report);
    await shoot(page, '06-responses-chart', report.getByRole('figure', { name: 'Opens and clicks over time' }));

    // 6 Browse: the mailing's clicks in the grid.
    await report.getByRole('link', { name: 'Browse the clicks' }).click();
    const browse = page.getByRole('region', { name: 'Browse response data' });
    await expect(browse.getByTestId('row-count')).toHaveText(/^[\d,]+ rows?$/);
    await expect(browse.getByRole('gridcell').first()).toBeVisible();
    await shoot(page, '07-browse-grid', browse);

    // 7 Settings, switched to German there: the one German picture.
    await nav(page, 'Settings').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    await page.getByRole('region', { name: 'Language' }).getByRole('radio', { name: 'Deutsch' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Einstellungen' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Sprache' }).getByRole('radio', { name: 'Deutsch' })).toBeChecked();
    await shoot(page, '08-settings-de');
  });
});
