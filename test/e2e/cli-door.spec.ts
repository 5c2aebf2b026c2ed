import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli } from '../helpers/cli-loop';
import { expect, screenshot, test } from './fixtures';
import { nav } from './helpers';

/** One `loopdesk --json …` document, or a failure that shows what the CLI said. */
function doc<T>(run: { code: number; out: string; err: string }, what: string): T {
  expect(run.code, `${what}: ${run.err}`).toBe(0);
  return JSON.parse(run.out) as T;
}

test.describe('the CLI while the browser host runs', () => {
  test.use({ sandbox: true, sandboxInterval: 1 });

  test('a send started with `loopdesk send` shows up live on the Sends screen and reaches its mailing ID', async ({ app: page, host }) => {
    const work = mkdtempSync(join(tmpdir(), 'loopdesk-cli-door-'));
    try {
      await nav(page, 'Sends').click();
      await expect(page.getByRole('heading', { level: 2, name: 'No sends yet' })).toBeVisible();

      // The CLI reaches the running host through its door: the Sandbox profile's password lives
      // only in that process's session, and the CLI never needs it.
      const cli = (...args: string[]) => spawnCli(host.dataDir, args, process.env);
      const client = doc<{ name: string; fields: { name: string }[] }>(await cli('--json', 'client', 'show', '--profile', 'Sandbox'), 'client show');
      const mailing = doc<{ id: string; name: string; retired: boolean }[]>(await cli('--json', 'mailing', 'list', '--profile', 'Sandbox'), 'mailing list').find((m) => m.name === 'Weekly newsletter')!;
      const products = client.fields.filter((f) => f.name.startsWith('product_')).map((f) => f.name);
      writeFileSync(
        join(work, 'list.csv'),
        `Email;First name;Last name;${products.join(';')}\nanna@example.com;Anna;Schmidt;${products.map(() => 'P-100').join(';')}\nbernd@example.com;Bernd;Meier;${products.map(() => 'P-200').join(';')}\n`,
      );
      writeFileSync(join(work, 'products.csv'), 'product_id;title;description;image_url;link_url;price\nP-100;Boot;Light;https://shop.example.com/1.jpg;https://shop.example.com/1;89.90\nP-200;Jacket;Dry;https://shop.example.com/2.jpg;https://shop.example.com/2;129.00\n');

      const send = doc<{ id: string; state: string }>(
        await cli('--json', 'send', join(work, 'list.csv'), '--profile', 'Sandbox', '--client', client.name, '--mailing', mailing.id, '--products', join(work, 'products.csv'), '--yes'),
        'send',
      );
      // No reload: the row arrives through the host's events, as for a send made on this screen.
      const table = page.getByRole('table', { name: 'Sends' });
      const row = table.getByRole('row').filter({ has: page.getByRole('button', { name: `Show send ${send.id}` }) });
      await expect(row).toBeVisible();
      await expect(row).toContainText('Weekly newsletter');
      await expect(row).toContainText(mailing.id);

      let mailingId: string | null = null;
      await expect(async () => {
        const now = doc<{ state: string; mailingId: string | null }>(await cli('--json', 'status', send.id), 'status');
        expect(now.state).toBe('sent');
        mailingId = now.mailingId;
      }).toPass({ timeout: 45_000, intervals: [500, 1000] });
      expect(mailingId).toMatch(/^\d+$/);
      await expect(row.getByText('Sent', { exact: true })).toBeVisible();
      await row.getByRole('button', { name: `Show send ${send.id}` }).click();
      await expect(page.getByText(mailingId!).first()).toBeVisible();
      await screenshot(page, '60-sends-cli-send-live');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
