import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Send } from '../../../shared/contract/sends';
import { useSandboxApp } from '../../helpers/sandbox-app';

const app = useSandboxApp();

const RECIPIENTS = [
  'E-Mail;Anrede;Vorname;Nachname',
  'anna.schmidt@example.com;Frau;Anna;Schmidt',
  'bernd.meier@example.com;Herr;Bernd;Meier',
  'not-an-address;Herr;Carl;Invalid',
  'doris.koch@example.com;Frau;Doris;Koch',
].join('\r\n');

/** A send of the recipients above (written once, Latin-1) on `mailingId`. */
async function draft(mailingId: string, file = 'recipients.csv') {
  const path = join(app.dataDir, file);
  if (!existsSync(path)) writeFileSync(path, RECIPIENTS, 'latin1');
  return app.draft(path, mailingId);
}

function logOf(send: Send): string {
  return readFileSync(join(app.sandbox.clients[0].localDir, 'logs', send.fileName.replace(/\.csv$/, '.log')), 'utf8');
}

describe('sending through the sandbox', () => {
  it('a test send reaches the mailing with the ID from the server log, with the test recipients only', async () => {
    const mailing = app.sandbox.clients[0].mailings[0].id;
    const created = await app.call<Send>('sends.create', { ...(await draft(mailing)), test: true });
    expect(created).toMatchObject({ state: 'queued', test: true, recipients: 2, excluded: 1 });
    const done = await app.drive(created.id);
    expect(['mailing_created', 'sending', 'sent']).toContain(done.state);
    expect(done.mailingId).toMatch(/^\d{11}$/);
    expect(logOf(done)).toContain(done.mailingId!);
    expect(done.timeline.map((t) => t.state)).toEqual(expect.arrayContaining(['queued', 'uploading', 'on_server', 'imported', 'mailing_created']));
    // The archive keeps a compressed copy; the working copy is gone once on the server.
    expect(readdirSync(join(app.dataDir, 'archive', done.id))).toEqual([`${done.fileName}.gz`]);
    expect(existsSync(join(app.dataDir, 'sends', done.id))).toBe(false);
  });

  it('a real send goes out, and a second send on the same source mailing is refused while it is in flight', async () => {
    const mailing = app.sandbox.clients[0].mailings[1].id;
    const first = await app.call<Send>('sends.create', await draft(mailing));
    expect(first).toMatchObject({ state: 'queued', test: false, recipients: 3, excluded: 1 });
    const refused = await app.context.dispatcher.handle('sends.create', await draft(mailing), { transport: 'memory' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect((refused as { error: { message: string } }).error.message).toContain(first.id);
    const done = await app.drive(first.id);
    expect(done.mailingId).toMatch(/^\d{11}$/);
    expect(logOf(done)).toContain('sending_finished');
    const again = await app.call<Send[]>('sends.refresh', { id: first.id });
    expect(again[0].state).toBe('sent');
  });

  it('a file the server rejects reaches "error" with the server\'s reasons', async () => {
    const activated = app.sandbox.clients[0].activatedMailingIds[0];
    await app.call('mailings.save', { profile: 'Sandbox', client: 'demo', mailing: { id: activated, name: 'Activated by mistake' } });
    const created = await app.call<Send>('sends.create', await draft(activated));
    const done = await app.drive(created.id);
    expect(done.state).toBe('error');
    expect(done.error?.rows.length).toBeGreaterThan(0);
    expect(done.error?.rows[0]).toMatchObject({ field: 'broadmail_ID' });
    expect(done.serverHalted).toBe(true);
    await app.sandbox.restart();
  });

  it('a scheduled send waits, survives a restart of the services, and goes out once', async () => {
    const mailing = app.sandbox.clients[0].mailings[2].id;
    // Far enough ahead that the pass below runs before it is due, even on a loaded machine (with
    // 1.5 s, a pass held up that long would upload it and "still scheduled" would fail).
    const at = new Date(Date.now() + 8_000).toISOString();
    const created = await app.call<Send>('sends.create', { ...(await draft(mailing)), scheduledAt: at });
    expect(created.state).toBe('scheduled');
    await app.context.services.sends.tick();
    expect(Date.now(), 'the pass ran before the send was due').toBeLessThan(Date.parse(at));
    expect((await app.call<Send>('sends.get', { id: created.id })).state).toBe('scheduled');
    // Restart everything on the same data dir, as `npm start` again would (the sandbox too).
    await app.restart();
    expect((await app.call<Send>('sends.get', { id: created.id })).state).toBe('scheduled');
    await new Promise((r) => setTimeout(r, Date.parse(at) - Date.now() + 100));
    const done = await app.drive(created.id);
    expect(done.mailingId).toMatch(/^\d{11}$/);
    expect(done.timeline.filter((t) => t.state === 'uploading')).toHaveLength(1);
  });
});

describe('mapping memory', () => {
  it('offers the mapping of the last send for a file with the same headers', async () => {
    const path = join(app.dataDir, 'same-headers.csv');
    writeFileSync(path, 'E-Mail;Anrede;Vorname;Nachname\nx@example.com;Frau;X;Y\n', 'latin1');
    const inspection = await app.call<{ mappingSaved: boolean; mapping: { field: string; source: { kind: string; header?: string } }[] }>('recipients.inspect', { profile: 'Sandbox', client: 'demo', path });
    expect(inspection.mappingSaved).toBe(true);
    expect(inspection.mapping.find((m) => m.field === 'Email')?.source).toMatchObject({ kind: 'column', header: 'E-Mail' });
  });
});

describe('inline corrections before sending', () => {
  it('a fixed value is validated again and sent; an excluded line is left out and counted apart', async () => {
    const base = await draft(app.sandbox.clients[0].mailings[0].id);
    const before = await app.call<{ valid: number; excludedCount: number; excluded: { line: number; values: string[] }[] }>('recipients.validate', base);
    expect(before).toMatchObject({ valid: 3, excludedCount: 1 });
    const bad = before.excluded[0];
    expect(bad.values[0]).toBe('not-an-address');
    const fixed = await app.call<{ valid: number; excludedCount: number; excludedByOperator: number }>('recipients.validate', {
      ...base,
      edits: { overrides: [{ line: bad.line, field: 'Email', value: 'carl.fixed@example.com' }], excludedLines: [2] },
    });
    expect(fixed).toMatchObject({ valid: 3, excludedCount: 0, excludedByOperator: 1 });
  });
});
