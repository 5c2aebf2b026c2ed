import { expect, MAIN_NAV, test } from './fixtures';
import { shootBoth } from './shots';
import { go } from './team-host';
import { throttleChannel } from './hold-wire';

/** The entries the window received live whose English text matches `text`. */
const liveEntries = (seen: readonly { event: string; payload: unknown }[], text: RegExp) =>
  seen.flatMap((e) => (e.event === 'activity.onEntry' && text.test(String((e.payload as { message?: string }).message)) ? [e.payload as { id: string }] : []));

/**
 * An entry that arrives live while the Activity screen's first list is still on its way is kept:
 * once, in its place, counted. A second window on the same host tests the sandbox connection,
 * which logs "Connected to …" live while this window's list is held back.
 */
test.describe('activity: live entries during the first load', () => {
  test.use({ sandbox: true });

  for (const hold of ['reply', 'call'] as const) {
    // `reply`: the list was read before the entry was written, so it lacks it (the entry would be lost).
    // `call`: the list is read after the entry was written, so it has it too (the entry must not be doubled).
    test(`an entry logged while the list ${hold === 'reply' ? 'answer is on its way' : 'call is on its way'} is shown once and counted`, async ({ page, context, host }) => {
      // The second window, ready to test the connection.
      const other = await context.newPage();
      await other.goto(host.url);
      await go(other, 'connections');
      const testButton = other.getByRole('button', { name: 'Test connection Sandbox' });
      await expect(testButton).toBeVisible();
      // One connection test before, so the list has entries of its own.
      await testButton.click();
      await expect(other.getByRole('heading', { name: 'Connection works' })).toBeVisible({ timeout: 20_000 });

      const wire = await throttleChannel(page, 'activity.list', hold);
      await page.goto(host.url);
      await expect(page.getByRole('navigation', { name: MAIN_NAV })).toBeVisible();
      const status = page.locator('.toolbar-count');
      const grid = page.getByLabel('Activity entries');
      const rows = grid.locator('[row-index]');

      await go(page, 'activity');
      await expect.poll(() => wire.held()).toBe(1);
      await expect(status).toHaveText('Loading…');
      await other.getByRole('button', { name: /^(Test again|Test connection Sandbox)$/ }).first().click();
      // The window has the live entry while its list is still held back.
      await expect.poll(() => liveEntries(wire.seen(), /^Connected to /).length, { timeout: 20_000 }).toBe(1);
      const live = liveEntries(wire.seen(), /^Connected to /)[0];
      await expect(status).toHaveText('Loading…');
      wire.release();

      // The entry is in the grid once (AG Grid keys its rows by entry id), and counted.
      const liveRow = grid.locator(`[row-id="${live.id}"]`);
      await expect(liveRow).toHaveCount(1);
      await expect(liveRow).toContainText('Connected to');
      // The second test has ended (its "passed" entry arrived live): nothing more comes.
      await expect.poll(() => liveEntries(wire.seen(), /^Connection test passed/).length, { timeout: 20_000 }).toBe(1);
      await expect(status).toHaveText(/^\d+ entries$/);
      const shown = await rows.count();
      await expect(status).toHaveText(`${shown} entries`);
      if (hold === 'reply') await shootBoth(page, 'activity-live-during-load');

      // A fresh load shows the same entries and count: nothing doubled, nothing lost.
      await page.reload();
      await expect(page.getByRole('navigation', { name: MAIN_NAV })).toBeVisible();
      await go(page, 'activity');
      await expect(liveRow).toHaveCount(1);
      await expect(rows).toHaveCount(shown);
      await expect(status).toHaveText(`${shown} entries`);
    });
  }
});
