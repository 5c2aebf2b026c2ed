import type { Page } from '@playwright/test';
import WebSocket from 'ws';
import { breakProfilesList } from './broken-profiles';
import { expect, test, type ServedHost } from './fixtures';
import { nav } from './helpers';
import { englishFragments, englishIn, overflowingText, readableText, withoutData } from './i18n-check';
import { shootLanguage } from './shots';

const SMALL = { width: 1024, height: 700 } as const;
const FRAGMENTS = englishFragments();

/**
 * Another client of the same host (as a second window or the CLI is), calling the contract over
 * its WebSocket (`{type: 'call', id, channel, payload}` → `{type: 'reply', id, result}`).
 */
async function otherClient(host: ServedHost): Promise<{ call(channel: string, payload: unknown): Promise<{ ok: boolean }>; close(): void }> {
  const url = new URL(host.url);
  const socket = new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, { origin: url.origin });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const pending = new Map<number, (result: { ok: boolean }) => void>();
  socket.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { type: string; id?: number; result?: { ok: boolean } };
    if (msg.type === 'reply' && msg.id !== undefined && msg.result) pending.get(msg.id)?.(msg.result);
  });
  let next = 1;
  return {
    call: (channel, payload) =>
      new Promise((resolve) => {
        const id = next++;
        pending.set(id, resolve);
        socket.send(JSON.stringify({ type: 'call', id, channel, payload }));
      }),
    close: () => socket.close(),
  };
}

/** Throws in the page, as a bug in a screen would, so the global handler reports it. */
async function provokeWindowError(page: Page): Promise<void> {
  await page.evaluate(() => {
    setTimeout(() => {
      throw new Error('synthetic failure for the e2e test');
    });
  });
}

test.describe('shell in German', () => {
  test.use({ locale: 'de-DE', viewport: SMALL });

  test('navigation, status bar and title speak German', async ({ app: page }) => {
    const side = page.getByRole('navigation', { name: 'Hauptnavigation' });
    await expect(side.getByRole('link', { name: /^Verbindungen\b/ })).toHaveAttribute('aria-current', 'page');
    await expect(page).toHaveTitle('Verbindungen · Loopdesk');
    await side.getByRole('link', { name: /^Aktivitäten\b/ }).click();
    await expect(page).toHaveTitle('Aktivitäten · Loopdesk');
    await expect(page.getByRole('link', { name: 'Zum Hauptinhalt springen' })).toHaveCount(1);
    const status = page.getByRole('contentinfo', { name: 'Status' });
    await expect(status.getByTestId('status-host')).toHaveText(/Host\s+Browser-Host/);
    await expect(status.getByTestId('status-sandbox')).toHaveText(/Sandbox\s+läuft nicht/);
    await expect(status.getByTestId('status-data-dir')).toContainText('Datenordner');
  });

  test('a window error shows a German banner, and a language switch from another window rewords it at once', async ({ page, host }) => {
    // Not the `app` fixture: the page error is provoked on purpose.
    await page.goto(host.url);
    await expect(page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: /^Verbindungen\b/ })).toHaveAttribute('aria-current', 'page');
    await provokeWindowError(page);
    const banner = page.getByRole('alert').filter({ hasText: 'In diesem Fenster ist etwas schiefgegangen' });
    await expect(banner).toHaveCount(1);
    // The fault's own text stays as it is; what to do is German.
    await expect(banner).toContainText('synthetic failure for the e2e test. Versuchen Sie es erneut');
    await expect(banner.getByRole('button', { name: 'Ausblenden: In diesem Fenster ist etwas schiefgegangen' })).toBeVisible();
    await shootLanguage(page, 'problem-banner', 'de');

    // English chosen in another window: this one follows, and the problem already shown is reworded.
    const other = await otherClient(host);
    try {
      const chosen = await other.call('app.setLanguage', { language: 'en' });
      expect(chosen.ok).toBe(true);
      const english = page.getByRole('alert').filter({ hasText: 'Something went wrong in this window' });
      await expect(english).toHaveCount(1);
      await expect(english).toContainText('synthetic failure for the e2e test. Try the action again');
      await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
      await shootLanguage(page, 'problem-banner', 'en');
      await english.getByRole('button', { name: /^Dismiss/ }).click();
      await expect(english).toHaveCount(0);
    } finally {
      other.close();
    }
  });

  test('a lost connection to the host is announced in German', async ({ page, host }) => {
    await page.goto(host.url);
    await expect(page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: /^Verbindungen\b/ })).toHaveAttribute('aria-current', 'page');
    process.kill(host.pid, 'SIGTERM');
    const banner = page.getByRole('alert').filter({ hasText: 'Verbindung zum Loopdesk-Host unterbrochen' });
    await expect(banner).toBeVisible({ timeout: 15_000 });
    await expect(banner).toContainText('Was Sie jetzt tun, wird nicht gespeichert.');
    expect(englishIn(await banner.innerText(), FRAGMENTS)).toEqual([]);
    await shootLanguage(page, 'connection-lost', 'de');
  });

  test('a page opened without its token explains in German what to open instead', async ({ page, host }) => {
    await page.goto(host.url.replace(/\?token=.*/, ''));
    await expect(page.getByRole('heading', { level: 1, name: 'Loopdesk erreicht seinen Host nicht' })).toBeVisible();
    await expect(page.getByRole('alert')).toContainText('ohne ihr Zugangstoken');
    await expect(page.getByRole('alert')).toContainText('loopdesk serve');
    expect(englishIn(await readableText(page), FRAGMENTS)).toEqual([]);
    await shootLanguage(page, 'connection-failure', 'de');
  });

  test('a screen that fails to render says so in German', async ({ page, host }) => {
    await breakProfilesList(page);
    await page.goto(host.url);
    await expect(page.getByRole('heading', { level: 1, name: 'Diese Ansicht konnte nicht angezeigt werden' })).toBeVisible();
    await expect(page.getByRole('alert').filter({ hasText: 'Ihre Daten und Versände sind nicht betroffen' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Fenster neu laden' })).toBeVisible();
    await shootLanguage(page, 'render-error', 'de');
    await page.getByRole('link', { name: 'Zu den Versänden' }).click();
    await expect(page.getByRole('heading', { name: 'Diese Ansicht konnte nicht angezeigt werden' })).toHaveCount(0);
  });
});

test.describe('screens of the shell in English at 1024×700', () => {
  test.use({ viewport: SMALL });

  test('connection failure, render error and lost connection', async ({ page, host }) => {
    await page.goto(host.url.replace(/\?token=.*/, ''));
    await expect(page.getByRole('heading', { level: 1, name: 'Loopdesk cannot reach its host' })).toBeVisible();
    await shootLanguage(page, 'connection-failure', 'en');
    await page.goto(host.url);
    await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
    process.kill(host.pid, 'SIGTERM');
    await expect(page.getByRole('alert').filter({ hasText: 'Connection to the Loopdesk host lost' })).toBeVisible({ timeout: 15_000 });
    await shootLanguage(page, 'connection-lost', 'en');
  });

  test('render error', async ({ page, host }) => {
    await breakProfilesList(page);
    await page.goto(host.url);
    await expect(page.getByRole('heading', { level: 1, name: 'This screen could not be shown' })).toBeVisible();
    await shootLanguage(page, 'render-error', 'en');
  });
});

test.describe('activity in German', () => {
  test.use({ sandbox: true, locale: 'de-DE', viewport: SMALL });

  test('kinds, levels and times read in German, and search finds entries by German words and by the English text', async ({ app: page, host }) => {
    // Entries of several kinds: a connection test (connect, test) from another client.
    const other = await otherClient(host);
    try {
      const tested = await other.call('profiles.test', { name: 'Sandbox' });
      expect(tested.ok).toBe(true);
    } finally {
      other.close();
    }
    await nav(page, 'Aktivitäten').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Aktivitäten' })).toBeVisible();
    const grid = page.getByLabel('Aktivitätseinträge');
    for (const header of ['Zeit', 'Stufe', 'Vorgang', 'Verbindung', 'Meldung']) await expect(grid.getByRole('columnheader', { name: header })).toBeVisible();
    const kinds = grid.locator('[row-index] [role="gridcell"][col-id="kind"]');
    await expect(kinds.filter({ hasText: /^Verbindungstest$/ })).toHaveCount(1);
    await expect(kinds.filter({ hasText: /^Verbindung$/ }).first()).toBeVisible();
    // Times in the German form (06.12.2026 14:30:05).
    await expect(grid.locator('[row-index] [role="gridcell"][col-id="at"]').first()).toHaveText(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$/);
    await expect(page.getByRole('status').filter({ hasText: /^\d+ Einträge?$/ })).toBeVisible();
    await expect(page.getByLabel('Stufe').locator('option')).toHaveText(['Alle Stufen', 'Info', 'Warnungen', 'Fehler']);
    // The messages are the services' sentences: those still logged in English (profiles, SFTP) turn
    // German as their services move to catalog keys; everything the screen itself says is German now.
    // The machine kind in parentheses in a kind's tooltip ("Verbindungstest (test)") is the log's own key, not a word.
    expect(englishIn(withoutData(await readableText(page, '[col-id="message"]'), [/\([a-z][\w.-]*\)/]), FRAGMENTS)).toEqual([]);
    // Every German cell and header fits its column, or is cut with an ellipsis and its full text as title.
    expect(await overflowingText(page)).toEqual([]);
    await shootLanguage(page, 'activity-entries', 'de');

    const search = page.getByLabel('Aktivitäten durchsuchen');
    // The German word on screen …
    await search.fill('Verbindungstest');
    await expect(kinds).toHaveText(['Verbindungstest']);
    // … the English word of the same kind, as before …
    await search.fill('Connection test');
    await expect(kinds).toHaveText(['Verbindungstest']);
    // … and the machine kind.
    await search.fill('test');
    await expect(kinds.filter({ hasText: /^Verbindungstest$/ })).toHaveCount(1);
    await search.fill('gibt es nicht');
    await expect(kinds).toHaveCount(0);
    await expect(grid).toContainText('Keine Einträge passen zur Suche oder zum Stufenfilter.');

    await search.fill('');
    const routine = page.getByRole('checkbox', { name: /^Routineeinträge zu Verbindungen ausblenden/ });
    await routine.check();
    await expect(kinds.filter({ hasText: /^Verbindung$/ })).toHaveCount(0);
    await expect(kinds.filter({ hasText: /^Verbindungstest$/ })).toHaveCount(1);
  });
});

test.describe('activity in English', () => {
  test.use({ sandbox: true, viewport: SMALL });

  test('the same entries in English, for the screenshots beside the German ones', async ({ app: page, host }) => {
    const other = await otherClient(host);
    try {
      expect((await other.call('profiles.test', { name: 'Sandbox' })).ok).toBe(true);
    } finally {
      other.close();
    }
    await nav(page, 'Activity').click();
    const kinds = page.getByLabel('Activity entries').locator('[row-index] [role="gridcell"][col-id="kind"]');
    await expect(kinds.filter({ hasText: /^Connection test$/ })).toHaveCount(1);
    await expect(page.getByLabel('Activity entries').locator('[row-index] [role="gridcell"][col-id="at"]').first()).toHaveText(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
    await shootLanguage(page, 'activity-entries', 'en');
    await page.getByLabel('Search activity').fill('no such entry');
    await expect(page.getByLabel('Activity entries')).toContainText('No entries match the search or level filter.');
  });
});
