import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli } from '../helpers/cli-loop';
import { expect, MAIN_NAV, test } from './fixtures';
import { throttleChannel } from './hold-wire';
import { go } from './team-host';

/** One `loopdesk --json …` document, or a failure that shows what the CLI said. */
function doc<T>(run: { code: number; out: string; err: string }, what: string): T {
  expect(run.code, `${what}: ${run.err}`).toBe(0);
  return JSON.parse(run.out) as T;
}

/**
 * A send that appears while the Sends screen's first list is on its way is shown. The list's
 * answer (read before the send existed) is held back on the wire while `loopdesk send --at …`
 * schedules a send through the running host; the window hears of it live, then gets the list.
 * A scheduled send says nothing more for an hour, so only that live word can bring it here.
 */
test.describe('sends: a send that changes during the first load', () => {
  test.use({ sandbox: true });

  test('a send scheduled while the list answer is on its way is listed, with its timeline', async ({ page, host }) => {
    const work = mkdtempSync(join(tmpdir(), 'loopdesk-sends-live-'));
    try {
      const cli = (...args: string[]) => spawnCli(host.dataDir, args, process.env);
      const client = doc<{ name: string; fields: { name: string }[] }>(await cli('--json', 'client', 'show', '--profile', 'Sandbox'), 'client show');
      const mailing = doc<{ id: string; name: string }[]>(await cli('--json', 'mailing', 'list', '--profile', 'Sandbox'), 'mailing list').find((m) => m.name === 'Weekly newsletter')!;
      const products = client.fields.filter((f) => f.name.startsWith('product_')).map((f) => f.name);
      writeFileSync(join(work, 'list.csv'), `Email;First name;Last name;${products.join(';')}\nanna@example.com;Anna;Schmidt;${products.map(() => 'P-100').join(';')}\n`);
      writeFileSync(join(work, 'products.csv'), 'product_id;title;description;image_url;link_url;price\nP-100;Boot;Light;https://shop.example.com/1.jpg;https://shop.example.com/1;89.90\n');

      // Only the Sends screen's list (the getting-started guide asks for one send to know whether any exist).
      const wire = await throttleChannel(page, 'sends.list', 'reply', (payload) => (payload as { limit?: number }).limit !== 1);
      await page.goto(host.url);
      await expect(page.getByRole('navigation', { name: MAIN_NAV })).toBeVisible();
      await go(page, 'sends');
      await expect.poll(() => wire.held()).toBe(1);

      const at = new Date(Date.now() + 3_600_000).toISOString();
      const send = doc<{ id: string; state: string }>(
        await cli('--json', 'send', join(work, 'list.csv'), '--profile', 'Sandbox', '--client', client.name, '--mailing', mailing.id, '--products', join(work, 'products.csv'), '--at', at, '--yes'),
        'send',
      );
      expect(send.state).toBe('scheduled');
      await expect.poll(() => wire.seen().filter((e) => e.event === 'sends.onChanged' && (e.payload as { id: string }).id === send.id).length).toBeGreaterThan(0);
      // The list is still held: the window has heard of the send, but shows nothing yet.
      await expect(page.getByRole('table', { name: 'Sends' })).toHaveCount(0);
      wire.release();

      const row = page.getByRole('table', { name: 'Sends' }).getByRole('row').filter({ has: page.getByRole('button', { name: `Show send ${send.id}` }) });
      await expect(row).toBeVisible();
      await expect(row).toContainText('Weekly newsletter');
      await expect(row.getByText('Scheduled', { exact: true })).toBeVisible();
      await row.getByRole('button', { name: `Show send ${send.id}` }).click();
      await expect(page.getByRole('list', { name: 'Timeline' }).getByRole('listitem')).toHaveCount(1);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
