import { breakProfilesList } from './broken-profiles';
import { expect, screenshot, test } from './fixtures';
import { nav } from './helpers';

test.describe('error boundary', () => {
  test('a screen that fails to render shows a message and a way back, not a blank window', async ({ page, host }) => {
    // Bad data from the host is the realistic way a screen breaks (a profile without clients).
    await breakProfilesList(page);
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(host.url);

    const nav0 = page.getByRole('navigation', { name: 'Main' });
    await expect(nav0).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: 'This screen could not be shown' })).toBeVisible();
    await expect(page.getByRole('alert').filter({ hasText: 'Loopdesk hit a fault while drawing this screen' })).toBeVisible();
    await screenshot(page, '90-render-error');
    // The fault is logged for a bug report, and it is the only error.
    expect(errors.some((e) => e.startsWith('A screen failed to render'))).toBe(true);
    expect(errors.filter((e) => !/^A screen failed to render|Cannot read properties of undefined/.test(e))).toEqual([]);

    await page.getByRole('link', { name: 'Back to Sends' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Sends', exact: true })).toBeVisible();
    await expect(nav(page, 'Sends')).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('heading', { name: 'This screen could not be shown' })).toHaveCount(0);
  });
});
