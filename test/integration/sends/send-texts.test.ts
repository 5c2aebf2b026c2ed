import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../../shared/contract/activity';
import type { AppErrorInfo } from '../../../shared/contract/result';
import type { Send } from '../../../shared/contract/sends';
import { errorText } from '../../../shared/i18n/error-text';
import { appIntl } from '../../../shared/i18n/intl';
import { catalogSentence } from '../../../renderer/src/i18n/catalog-sentence';
import { useSandboxApp } from '../../helpers/sandbox-app';

const app = useSandboxApp();
const de = appIntl('de');
const german = (text: Send['timeline'][number]['text'], english: string) => catalogSentence((id, values) => de.formatMessage({ id }, values), text, english);

/** A send of two recipients on `mailingId` (a file of its own per mailing). */
async function draft(mailingId: string) {
  const path = join(app.dataDir, `r-${mailingId}.csv`);
  writeFileSync(path, 'E-Mail;Vorname\nanna@example.com;Anna\nbernd@example.com;Bernd\n');
  return app.draft(path, mailingId);
}

describe('a send speaks the reader’s language: timeline steps, errors and activity as catalog keys', () => {
  it('every timeline step of a send that went out is stored as key + values and reads in German', async () => {
    const created = await app.call<Send>('sends.create', await draft(app.sandbox.clients[0].mailings[0].id));
    let done = await app.drive(created.id);
    for (let i = 0; i < 5 && done.state !== 'sent'; i++) done = await app.drive(created.id);
    expect(done.timeline.length).toBeGreaterThanOrEqual(5);
    for (const step of done.timeline) {
      expect(step.text, `step "${step.message}" has no catalog key`).not.toBeNull();
      // English from the key is the stored English line (the server's own words aside).
      expect(appIntl('en').formatMessage({ id: step.text!.id as never }, step.text!.values)).toBe(step.message);
      expect(german(step.text, step.message)).not.toBe(step.message);
    }
    const lines = done.timeline.map((s) => german(s.text, s.message));
    expect(lines[0]).toBe('Versand an 2 Empfänger mit ' + app.sandbox.clients[0].mailings[0].name + ' eingereiht.');
    expect(lines).toContain('Die Dateien werden unter einem vorläufigen Namen in das Upload-Verzeichnis des Mandanten geschrieben und erst vollständig umbenannt, damit der Server nie eine halbe Datei importiert.');
    expect(lines).toContain('2 Empfänger importiert.');
    // The activity log got the same treatment.
    const { entries } = await app.call<{ entries: ActivityEntry[] }>('activity.list', { limit: 50 });
    const created_ = entries.find((e) => e.kind === 'send' && e.message.includes(`${created.id} created`));
    expect(created_?.text).toEqual({ id: 'sends.activity.created', values: { id: created.id, count: 2, mailingId: app.sandbox.clients[0].mailings[0].id } });
  });

  it('a refused second send and a failed cancel carry catalog keys; their German names the state in German', async () => {
    const mailing = app.sandbox.clients[0].mailings[1].id;
    const first = await app.call<Send>('sends.create', await draft(mailing));
    const refused = await app.context.dispatcher.handle('sends.create', await draft(mailing), { transport: 'memory' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT', messageId: 'error.sends.mailingBusy', values: { sendId: first.id, state: 'queued' } } });
    const text = errorText(de, (refused as { error: AppErrorInfo }).error);
    expect(text).toContain(`läuft bereits ein Versand (${first.id}, wartet auf den Upload)`);
    await app.context.services.sends.tick();
    const cancel = await app.context.dispatcher.handle('sends.cancel', { id: first.id }, { transport: 'memory' });
    expect(cancel).toMatchObject({ ok: false, error: { code: 'CONFLICT', messageId: 'error.sends.cannotCancel' } });
    expect(errorText(de, (cancel as { error: AppErrorInfo }).error)).toMatch(/lässt sich nicht abbrechen: Status „liegt auf dem Server“/);
    const missing = await app.context.dispatcher.handle('sends.get', { id: 'nope' }, { transport: 'memory' });
    expect(errorText(de, (missing as { error: AppErrorInfo }).error)).toBe('Es gibt keinen Versand nope.');
  });

  it('a send whose mailing cannot be started keeps its error as key + values: the server’s words inside a German frame', async () => {
    const deactivated = app.sandbox.clients[0].deactivatedMailingIds[0];
    await app.call('mailings.save', { profile: 'Sandbox', client: 'demo', mailing: { id: deactivated, name: 'Winter clearance' } });
    const created = await app.call<Send>('sends.create', await draft(deactivated));
    const done = await app.drive(created.id);
    expect(done.state).toBe('error');
    expect(done.error?.text).toEqual({ id: 'sends.step.serverError', values: { reason: done.error!.message } });
    expect(german(done.error!.text, done.error!.message)).toBe(`Der Server meldet einen Fehler: ${done.error!.message}`);
    expect(done.error?.rows[0]?.code).toBe('MAILING_START_FAILED');
    await app.sandbox.restart();
  });

  it('an error that wraps another keeps the inner key, so the whole sentence reads in German', () => {
    const text = { id: 'sends.step.interrupted', values: { reason: 'The connection to h:22 is closed. Reconnect and try again.', reasonId: 'error.sftp.closed', reasonValues: JSON.stringify({ at: 'h:22' }) } };
    expect(german(text, 'x')).toBe('Unterbrochen: Die Verbindung zu h:22 ist geschlossen. Verbinden Sie sich erneut und versuchen Sie es noch einmal. Loopdesk versucht es erneut.');
    expect(catalogSentence((id, values) => appIntl('en').formatMessage({ id }, values), text, 'x')).toBe('Interrupted: The connection to h:22 is closed. Reconnect and try again. Loopdesk will try again.');
  });
});
