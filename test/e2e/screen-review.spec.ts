import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createIntl } from '@formatjs/intl';
import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures';
import { e2eFixture } from './flow-helpers';
import { checkUntil, nav } from './helpers';
import { overflowing } from './i18n-check';
import { SHOT_SIZES } from './shots';

/**
 * An operator's review of every screen (first run, Connections, Mailings, New send with its five
 * steps and both confirmations, Sends list and detail, Responses with KPIs, charts, grid and Excel
 * report, Activity, Settings), in English and in German. Each state is asserted on what the
 * operator relies on (a heading, a button's name, where the focus is) and photographed at both
 * {@link SHOT_SIZES} into test-results/screen-review/<lang>-<nn>-<state>-<w>x<h>.png, so a
 * person can look at every screen in both languages side by side.
 */
const OUT = fileURLToPath(new URL('../../test-results/screen-review', import.meta.url));
const CATALOG = fileURLToPath(new URL('../../shared/i18n/catalog', import.meta.url));

type Lang = 'en' | 'de';

/** The catalog of one language as FormatJS formats it (read as JSON: Playwright's loader imports no JSON modules). */
function catalogText(lang: Lang): (id: string, values?: Record<string, string | number>) => string {
  const messages: Record<string, string> = {};
  for (const file of readdirSync(join(CATALOG, lang)).filter((f) => f.endsWith('.json'))) Object.assign(messages, JSON.parse(readFileSync(join(CATALOG, lang, file), 'utf8')));
  const intl = createIntl({
    locale: lang === 'de' ? 'de-DE' : 'en-GB',
    messages,
    // A message this spec formats wrongly (a value missing) fails at once, with the key in the message.
    onError: (e) => {
      throw new Error(e.message.split('\n')[0]);
    },
  });
  // The catalog's key type is the app's own (MessageId); here a key is any string the catalog holds.
  const format = intl.formatMessage as (descriptor: { id: string }, values?: Record<string, string | number>) => string;
  return (id, values) => {
    expect(messages[id], `catalog key ${id}`).toBeDefined();
    return format({ id }, values);
  };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A message as a pattern: formatted with the given values, each number in it standing for any number. */
function pattern(t: ReturnType<typeof catalogText>, id: string, values: Record<string, string | number>): RegExp {
  return new RegExp(`^${escape(t(id, values)).replace(/\d+/g, '\\d+')}`);
}

for (const lang of ['en', 'de'] as const) {
  test.describe(`screen review (${lang})`, () => {
    // Sends unfold an hour a second, so the export right after a send already holds opens and clicks.
    test.use({ sandbox: true, sandboxInterval: 1, sandboxExportInterval: 2, sandboxTimeScale: 3600, locale: lang === 'de' ? 'de-DE' : 'en-GB', viewport: SHOT_SIZES[0] });

    test(`every screen as an operator walks it, at ${SHOT_SIZES.map((s) => `${s.width}×${s.height}`).join(' and ')} (${lang})`, async ({ app: page, host }) => {
      test.setTimeout(180_000);
      const t = catalogText(lang);
      const h1 = (id: string) => page.getByRole('heading', { level: 1, name: t(id), exact: true });
      const button = (id: string, values?: Record<string, string | number>) => page.getByRole('button', { name: t(id, values), exact: true });
      /** Text wider than its box, per state and size (clipped or spilling over a neighbour). */
      const overflow: string[] = [];
      /** Controls a screen reader announces without a name (“button”, “combobox”), per state. */
      const unnamed: string[] = [];
      let shot = 0;
      /** Screenshots of the state at each size (light), scrolled to `focus` when given. */
      const shoot = async (state: string, focus?: Locator) => {
        mkdirSync(OUT, { recursive: true });
        shot += 1;
        const before = page.viewportSize()!;
        for (const size of SHOT_SIZES) {
          await page.setViewportSize(size);
          if (focus) await focus.evaluate((el) => el.scrollIntoView({ block: 'center' }));
          await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
          await page.screenshot({ path: join(OUT, `${lang}-${String(shot).padStart(2, '0')}-${state}-${size.width}x${size.height}.png`), animations: 'disabled', caret: 'hide' });
          for (const o of await overflowing(page)) overflow.push(`${state} ${size.width}x${size.height}: ${o}`);
        }
        await page.setViewportSize(before);
        for (const line of (await page.locator('body').ariaSnapshot()).split('\n')) {
          if (/^\s*- (button|link|textbox|combobox|checkbox|radio|spinbutton|searchbox|slider|switch|tab)( \[[^\]]*\])?:?\s*$/.test(line)) unnamed.push(`${state}: ${line.trim()}`);
        }
      };

      /** Runs `check` with the window at the small laptop size (1024×700), then gives the window its size back. */
      const atSmall = async (check: () => Promise<void>) => {
        const before = page.viewportSize()!;
        await page.setViewportSize(SHOT_SIZES[1]);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        await check();
        await page.setViewportSize(before);
      };

      // 1 First run: the guide says where to start; the first Tab reaches the skip link, which moves focus to the screen.
      await expect(page.locator('html')).toHaveAttribute('lang', lang === 'de' ? 'de-DE' : 'en-GB');
      const guide = page.getByRole('region', { name: t('shell.firstRun.title') });
      await expect(guide).toBeVisible();
      await expect(guide.getByRole('button', { name: t('shell.firstRun.sandbox.send') })).toBeVisible();
      await expect(guide.getByRole('link', { name: t('shell.firstRun.own.add') })).toBeVisible();
      await page.keyboard.press('Tab');
      await expect(page.getByRole('link', { name: t('shell.skipLink') })).toBeFocused();
      await shoot('first-run');
      // Hiding the guide from the keyboard: the focus stays on the screen (the button it was on is gone).
      await guide.getByRole('button', { name: t('shell.firstRun.hide') }).focus();
      await page.keyboard.press('Enter');
      await expect(guide).toHaveCount(0);
      await expect(page.getByRole('main')).toBeFocused();

      // 2 Connections: the sandbox profile is there.
      await expect(h1('connections.title')).toBeVisible();
      await expect(button('connections.add')).toBeVisible();
      await shoot('connections');

      // 3 Mailings: the sandbox client's source mailings.
      await nav(page, t('shell.nav.mailings')).click();
      await expect(h1('mailings.title')).toBeVisible();
      await expect(page.getByRole('region', { name: t('mailings.client.region', { client: 'demo', profile: 'Sandbox' }) })).toBeVisible();
      await shoot('mailings');
      // At 1024 a mailing's actions stand on one line (stacked, they made each row three buttons tall).
      await atSmall(async () => {
        const actions = page.getByRole('table').first().getByRole('row').nth(1).getByRole('button');
        await expect(actions).toHaveCount(3);
        const tops = await actions.evaluateAll((els) => els.map((el) => Math.round(el.getBoundingClientRect().top)));
        expect.soft(new Set(tops).size, `tops of the three actions: ${tops.join(', ')}`).toBe(1);
      });

      // 4 Sends and Responses before anything was sent: each empty state says what to do and links there.
      await nav(page, t('shell.nav.sends')).click();
      await expect(h1('sends.title')).toBeVisible();
      await expect(page.getByText(t('sends.empty.title'), { exact: true })).toBeVisible();
      await expect(page.getByRole('main').getByRole('link', { name: t('shell.nav.newSend'), exact: true })).toHaveCount(2);
      await shoot('sends-empty');
      await nav(page, t('shell.nav.responses')).click();
      await expect(h1('responses.title')).toBeVisible();
      await expect(button('responses.pull.now')).toBeVisible();
      await shoot('responses-empty');
      // Browse before any pull: the empty grid offers the same pull as "Pull now" above the tabs, from the keyboard too.
      await page.getByRole('tab', { name: t('responses.tab.data') }).click();
      const emptyBrowse = page.getByRole('region', { name: t('responses.grid.region') });
      await expect(emptyBrowse.getByText(t('responses.grid.noRows'))).toBeVisible();
      const pullHere = emptyBrowse.getByRole('button', { name: t('responses.pull.now'), exact: true });
      await shoot('responses-grid-empty', pullHere);
      await pullHere.focus();
      await page.keyboard.press('Enter');
      const summary = pattern(t, 'responses.pull.summary', { count: 2, ingested: 0, replaced: 0, skipped: 0, rejected: 0 }).source.slice(1);
      await expect(page.getByRole('status').filter({ hasText: new RegExp(`^(${escape(t('responses.pull.noFiles'))}|${summary})`) })).toBeVisible({ timeout: 20_000 });

      // 5 New send, file step: connection, client, source mailing and a German Excel CSV.
      await nav(page, t('shell.nav.newSend')).click();
      await expect(h1('newSend.title')).toBeVisible();
      const steps = page.getByRole('navigation', { name: t('newSend.steps') });
      await expect(steps.getByRole('button', { name: new RegExp(t('newSend.step.file')) })).toHaveAttribute('aria-current', 'step');
      await expect(page.getByLabel(t('newSend.connection'), { exact: true })).toHaveValue('Sandbox');
      const mailing = page.getByLabel(t('newSend.sourceMailing'), { exact: true });
      await mailing.selectOption({ label: (await mailing.locator('option', { hasText: 'Weekly newsletter' }).textContent())! });
      await shoot('new-send-file-empty');
      await page.getByLabel(t('newSend.file.choose'), { exact: true }).setInputFiles(e2eFixture('empfaenger.csv'));
      await expect(page.getByTestId('detected-separator')).toBeVisible();
      await shoot('new-send-file', page.getByTestId('detected-separator'));

      // 6 Mapping: the step heading takes the focus, so a screen reader and the keyboard start there.
      await button('newSend.file.continue').click();
      await expect(page.getByRole('heading', { name: t('newSend.stepHeading', { n: 2, total: 5, label: t('newSend.step.mapping') }) })).toBeFocused();
      await shoot('new-send-mapping');
      // At 1024 px the whole table fits its card (the first row's value was cut at the card's edge, with no sign
      // that it scrolls), and no confidence badge takes more than two lines.
      await page.setViewportSize(SHOT_SIZES[1]);
      const mappingTable = page.locator('.mapping-table');
      const fit = await mappingTable.evaluate((table) => {
        const box = table.parentElement!;
        const badges = [...table.querySelectorAll<HTMLElement>('.badge')].map((b) => {
          const style = getComputedStyle(b);
          const lines = (b.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)) / parseFloat(style.lineHeight);
          return { text: b.textContent, lines: Math.round(lines * 10) / 10 };
        });
        return { scroll: box.scrollWidth - box.clientWidth, tall: badges.filter((b) => b.lines > 2.2) };
      });
      expect(fit, 'mapping table at 1024 px').toEqual({ scroll: 0, tall: [] });
      await page.setViewportSize(SHOT_SIZES[0]);

      // 7 Check: one row cannot be sent, and the table says which.
      await button('newSend.mapping.continue').click();
      await expect(page.getByRole('heading', { name: t('newSend.stepHeading', { n: 3, total: 5, label: t('newSend.step.check') }) })).toBeFocused();
      await expect(page.getByTestId('count-rows')).toHaveText('4');
      const problems = page.getByRole('table', { name: t('check.problems.title') });
      await expect(problems.getByRole('row')).toHaveCount(2);
      await shoot('new-send-check');
      await shoot('new-send-check-problems', problems);

      // 8 Products: a catalog that holds every product ID.
      await button('check.addProducts').click();
      await expect(page.getByRole('heading', { name: t('newSend.stepHeading', { n: 4, total: 5, label: t('newSend.step.products') }) })).toBeFocused();
      await shoot('new-send-products-empty');
      await page.getByLabel(t('newSend.products.choose'), { exact: true }).setInputFiles(e2eFixture('produkte.csv'));
      await button('newSend.products.check').click();
      const complete = page.getByRole('status').filter({ hasText: t('newSend.products.complete', { count: 3 }) });
      await expect(complete).toBeVisible();
      await shoot('new-send-products', complete);

      // 9 Send step and the test-send confirmation: focus in the dialog, Escape closes it and gives the focus back.
      await button('newSend.toSend').click();
      await expect(page.getByRole('heading', { name: t('newSend.stepHeading', { n: 5, total: 5, label: t('newSend.step.send') }) })).toBeFocused();
      await shoot('new-send-send');
      const openTest = button('newSend.send.test.open');
      await openTest.click();
      let dialog = page.getByRole('dialog', { name: t('newSend.confirm.testTitle') });
      await expect(dialog).toBeVisible();
      await expect(dialog.locator(':focus')).toHaveCount(1);
      // "When" is asked once (the radios), not also stated in a fact row above them.
      await expect.soft(dialog.getByText(t('newSend.confirm.when'), { exact: true })).toHaveCount(1);
      await shoot('new-send-test-confirm');
      await page.keyboard.press('Escape');
      await expect(dialog).toHaveCount(0);
      await expect(openTest).toBeFocused();
      await openTest.click();
      await dialog.getByRole('button', { name: t('newSend.confirm.testNow') }).click();

      // 10 Sends: the test send, followed to "Sent".
      await expect(h1('sends.title')).toBeVisible();
      const testDetail = page.getByRole('region', { name: new RegExp(`^${escape(t('sends.detail.titleTest', { id: 'X' })).replace('X', '\\d{8}-[0-9a-f]+')}$`) });
      await checkUntil(page, testDetail, t('sends.state.sent'), 40_000, t('sends.checkNow'));
      await shoot('sends-test-sent');

      // 11 The real send: its confirmation says it cannot be undone; Cancel leaves everything as it was.
      await nav(page, t('shell.nav.newSend')).click();
      const openReal = button('newSend.send.real.open');
      await openReal.click();
      dialog = page.getByRole('dialog', { name: t('newSend.confirm.realTitle') });
      await expect(dialog.getByRole('button', { name: t('newSend.confirm.realNow') })).toBeVisible();
      await expect.soft(dialog.getByText(t('newSend.confirm.when'), { exact: true })).toHaveCount(1);
      await shoot('new-send-real-confirm');
      await dialog.getByRole('button', { name: t('newSend.cancel'), exact: true }).click();
      await expect(openReal).toBeFocused();
      await openReal.click();
      await dialog.getByRole('button', { name: t('newSend.confirm.realNow') }).click();

      // 12 Sends list and detail: followed until the server's log names the mailing ID.
      const detail = page.getByRole('region', { name: new RegExp(`^${escape(t('sends.detail.title', { id: 'X' })).replace('X', '\\d{8}-[0-9a-f]+')}$`) });
      await checkUntil(page, detail, t('sends.state.sent'), 40_000, t('sends.checkNow'));
      const mailingId = (await detail.getByTestId('mailing-id').textContent())!.trim();
      expect(mailingId).toMatch(/^\d+$/);
      await expect(page.getByRole('table', { name: t('sends.table.label') }).getByRole('row')).toHaveCount(3);
      // The send's two files read as two names, one per line (they ran together into one long name).
      await expect(detail.getByRole('definition').filter({ hasText: '_subscribers.csv' })).toHaveText(/_subscribers\.csv\n\d+_products\.csv$/, { useInnerText: true });
      await shoot('sends-detail');
      // The "Uploading" step says more than its title.
      const uploading = detail.getByRole('list', { name: t('sends.timeline.title') }).getByRole('listitem').filter({ has: page.getByText(t('sends.state.uploading'), { exact: true }) });
      await expect(uploading.locator('.timeline-message')).toHaveCount(1);
      expect.soft((await uploading.locator('.timeline-message').innerText()).trim()).not.toMatch(new RegExp(`^${escape(t('sends.state.uploading'))}\\b`, 'i'));
      await shoot('sends-timeline', detail.getByRole('list', { name: t('sends.timeline.title') }));
      // From the sent mailing to its responses in one keypress (the first-run guide names Responses as the next step).
      await detail.getByRole('button', { name: t('sends.showResponses'), exact: true }).focus();
      await page.keyboard.press('Enter');
      await expect(h1('responses.title')).toBeVisible();
      await expect(page.getByRole('region', { name: t('responses.report.titleOne', { id: mailingId }) })).toBeVisible();
      await shoot('responses-from-send');

      // 13 Responses: pull until the mailing is listed, then its KPIs (a few recipients: the counts may still be zero).
      await nav(page, t('shell.nav.responses')).click();
      const mailings = page.getByRole('table', { name: t('responses.mailings.table') });
      const report = page.getByRole('region', { name: t('responses.report.titleOne', { id: mailingId }) });
      const pulled = page.getByRole('status').filter({ hasText: pattern(t, 'responses.pull.summary', { count: 2, ingested: 0, replaced: 0, skipped: 0, rejected: 0 }) });
      await expect(async () => {
        await page.goto(`${host.url}#/responses`);
        await button('responses.pull.now').click();
        await expect(pulled).toBeVisible({ timeout: 5_000 });
        await mailings.getByRole('row', { name: new RegExp(mailingId) }).getByRole('button', { name: t('responses.mailings.showKpisOf', { id: mailingId }) }).click({ timeout: 1_000 });
      }).toPass({ timeout: 40_000, intervals: [2_000] });
      await expect(report.getByTestId('kpi-openRate')).toBeVisible();
      await shoot('responses-kpis', report);

      // 14 The charts (or, before the first open, the line that says so) and the Excel report in one action.
      const chart = report.getByRole('figure', { name: t('responses.chart.timeline') });
      await expect(chart.locator('canvas').first().or(chart.getByText(t('responses.chart.empty')))).toBeVisible();
      await shoot('responses-chart', chart);
      const download = page.waitForEvent('download');
      await report.getByRole('button', { name: t('responses.report.download') }).click();
      expect((await download).suggestedFilename()).toMatch(/\.xlsx$/);
      const written = report.getByRole('status').filter({ hasText: mailingId });
      await expect(written).toBeVisible();
      await shoot('responses-excel', written);

      // 15 The clicks in the grid.
      await report.getByRole('link', { name: t('responses.report.browseClicks') }).click();
      const browse = page.getByRole('region', { name: t('responses.grid.region') });
      await expect(browse.getByLabel(t('responses.grid.limitMailing'))).toHaveValue(mailingId);
      const rows = (count: number) => t('responses.grid.rows', { count }).replace(/^\d+ /, '');
      await expect(browse.getByTestId('row-count')).toHaveText(new RegExp(`^\\d+ (${rows(1)}|${rows(2)})$`));
      await shoot('responses-grid', browse);
      await page.evaluate(() => window.scrollTo(0, 0));
      await shoot('responses-grid-top');

      // 16 Activity: what happened, newest first.
      await nav(page, t('shell.nav.activity')).click();
      await expect(h1('activity.title')).toBeVisible();
      await expect(page.getByLabel(t('activity.grid.label'))).toBeVisible();
      await shoot('activity');
      // At 1024 the message, the column an operator reads, is shown whole (it wraps rather than ending in "…").
      await atSmall(async () => {
        const messages = page.getByLabel(t('activity.grid.label')).locator('[role="gridcell"][col-id="message"]');
        await expect(messages.first()).toBeVisible();
        // A cell, or the value box inside it, narrower (or lower) than its text: cut short with "…".
        const cut = await messages.evaluateAll((els) =>
          els.filter((el) => [el, ...el.querySelectorAll('*')].some((e) => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)).map((el) => el.textContent),
        );
        expect.soft(cut, 'activity messages cut short at 1024×700').toEqual([]);
      });

      // 17 Settings: the navigation says that the language is chosen there; the chooser names both languages.
      await expect(nav(page, t('shell.nav.settings'))).toContainText(t('settings.language.title'));
      await nav(page, t('shell.nav.settings')).click();
      await expect(h1('settings.title')).toBeVisible();
      await expect(page.getByRole('region', { name: t('settings.language.title') }).getByRole('radio', { name: t('settings.language.german') })).toBeVisible();
      await shoot('settings');
      // The guide hidden at the start comes back from Settings, on Connections, even after the first sends.
      await shoot('settings-guide', button('settings.guide.show'));
      await button('settings.guide.show').click();
      await expect(h1('connections.title')).toBeVisible();
      await expect(guide).toBeVisible();
      await shoot('first-run-again');

      // Checked last, so every state is photographed first and a failure can be looked at.
      expect(unnamed, 'controls without an accessible name').toEqual([]);
      expect(overflow, 'text wider than its box').toEqual([]);
    });
  });
}
