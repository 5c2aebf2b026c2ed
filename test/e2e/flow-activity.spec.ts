import { expect, test } from './fixtures';
import { nav } from './helpers';
import { shootBoth } from './shots';

test.describe('activity for operators', () => {
  test.use({ sandbox: true });

  test('the kind of each entry reads in words, and routine connection entries hide with one filter', async ({ app: page }) => {
    // Testing the sandbox connection writes connect and close entries.
    await page.getByRole('button', { name: 'Test connection' }).first().click();
    await expect(page.getByRole('status').filter({ hasText: 'Connection works' })).toBeVisible({ timeout: 30_000 });

    // A pull connects and disconnects once more, through the SFTP session's own log.
    await nav(page, 'Responses').click();
    await page.getByRole('button', { name: 'Pull now' }).click();
    await expect(page.getByRole('status').filter({ hasText: /^(Pulled |The server has no response files)/ })).toBeVisible({ timeout: 30_000 });

    await nav(page, 'Activity').click();
    const grid = page.getByLabel('Activity entries');
    const kinds = grid.locator('[row-index] [role="gridcell"][col-id="kind"]');
    await expect(kinds.filter({ hasText: /^Connection test$/ })).toHaveCount(1);
    await expect(kinds.filter({ hasText: /^Connection$/ }).first()).toBeVisible();
    // No machine names such as sftp.connection.close.
    await expect(kinds.filter({ hasText: /^[a-z]+(\.[a-z]+)*$/ })).toHaveCount(0);
    await shootBoth(page, 'ops-80-activity-words');

    const routine = page.getByRole('checkbox', { name: /^Hide routine connection entries/ });
    await routine.check();
    await expect(kinds.filter({ hasText: /^(Connection|Connected|Disconnected|Server hung up)$/ })).toHaveCount(0);
    await expect(kinds.filter({ hasText: /^Connection test$/ })).toHaveCount(1);
    await shootBoth(page, 'ops-81-activity-routine-hidden');
    await routine.uncheck();
    await expect(kinds.filter({ hasText: /^Connection$/ }).first()).toBeVisible();
  });
});
