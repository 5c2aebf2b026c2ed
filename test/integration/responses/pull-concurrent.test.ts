import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Send } from '../../../shared/contract/sends';
import { useSandboxApp } from '../../helpers/sandbox-app';

const app = useSandboxApp({ timeScale: 1_000_000 });

type Pull = { files: { name: string; kind: string; outcome: string; rows: number }[] };
type LedgerFile = { name: string; rows: number; status: string };

describe('two pulls of one profile at once', () => {
  it('(the start-up pull and "Pull now") read each file in once, and both answer with what was pulled', async () => {
    const rows = ['Email;First name'];
    for (let i = 0; i < 200; i++) rows.push(`person${i}@example.com;Person ${i}`);
    const path = join(app.dataDir, 'list.csv');
    writeFileSync(path, rows.join('\n'));
    const created = await app.call<Send>('sends.create', await app.draft(path, app.sandbox.clients[0].mailings[0].id));
    expect((await app.drive(created.id)).state).not.toBe('error');
    await app.sandbox.exportNow();
    const onServer = readdirSync(join(app.sandbox.clients[0].localDir, 'responses')).filter((n) => n.endsWith('.csv'));
    expect(onServer.length).toBeGreaterThan(5);

    const [first, second, oneClient] = await Promise.all([
      app.call<Pull>('responses.pull', { profile: 'Sandbox' }),
      app.call<Pull>('responses.pull', { profile: 'Sandbox' }),
      app.call<Pull>('responses.pull', { profile: 'Sandbox', client: 'demo' }),
    ]);
    for (const pull of [first, second, oneClient]) {
      expect(pull.files.filter((f) => f.outcome === 'rejected')).toEqual([]);
      expect(new Set(pull.files.map((f) => f.name))).toEqual(new Set(onServer));
    }
    // Each file is in the ledger once, with the rows the server's file holds (no file read in twice).
    const ledger = await app.call<LedgerFile[]>('responses.files', { profile: 'Sandbox' });
    expect(ledger.map((f) => f.name).sort()).toEqual([...onServer].sort());
    for (const f of ledger) {
      const lines = readFileSync(join(app.sandbox.clients[0].localDir, 'responses', f.name), 'utf8').split('\n').filter((l) => l.trim() !== '');
      expect(f.rows, f.name).toBe(lines.length - 1);
    }
    const clicks = ledger.filter((f) => f.name.endsWith('_clicks.csv')).reduce((n, f) => n + f.rows, 0);
    const report = await app.call<{ kpis: { key: string; value: number | null }[] }>('responses.report', { mailingIds: [(await app.call<Send>('sends.get', { id: created.id })).mailingId] });
    expect(report.kpis.find((k) => k.key === 'totalClicks')?.value ?? clicks).toBe(clicks);
  });
});
