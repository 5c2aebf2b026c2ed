import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../../shared/contract/activity';
import type { AppErrorInfo } from '../../../shared/contract/result';
import type { Send } from '../../../shared/contract/sends';
import { errorText } from '../../../shared/i18n/error-text';
import { appIntl } from '../../../shared/i18n/intl';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { startDemoSandbox } from '../../../main/app/demo-sandbox';
import type { SandboxHandle } from '../../../main/services/sandbox';
import { catalogSentence } from '../../../renderer/src/i18n/catalog-sentence';
import { callService } from '../../helpers/call-service';
import { tempDir } from '../../helpers/temp-dir';

let data: ReturnType<typeof tempDir>;
let context: AppContext;
let sandbox: SandboxHandle;
const call = <T>(channel: string, payload: unknown): Promise<T> => callService<T>(context, channel, payload);
const de = appIntl('de');
const german = (text: Send['timeline'][number]['text'], english: string) => catalogSentence((id, values) => de.formatMessage({ id }, values), text, english);

async function draft(mailingId: string) {
  const path = join(data.path, `r-${mailingId}.csv`);
  writeFileSync(path, 'E-Mail;Vorname\nanna@example.com;Anna\nbernd@example.com;Bernd\n');
  const inspection = await call<{ mapping: unknown[] }>('recipients.inspect', { profile: 'Sandbox', client: 'demo', path });
  return { profile: 'Sandbox', client: 'demo', path, sourceMailingId: mailingId, mapping: inspection.mapping };
}

async function drive(id: string): Promise<Send> {
  await context.services.sends.tick();
  await sandbox.processNow();
  const [after] = await call<Send[]>('sends.refresh', { id });
  return after;
}

beforeAll(async () => {
  data = tempDir();
  context = await openAppContext({ dataDir: data.path, host: 'memory', secrets: null });
  sandbox = await startDemoSandbox(context, { interval: 0, exportInterval: 0 });
});
afterAll(async () => {
  await context?.close();
  data?.cleanup();
});

describe('a send speaks the reader’s language: timeline steps, errors and activity as catalog keys', () => {
  it('every timeline step of a send that went out is stored as key + values and reads in German', async () => {
    const created = await call<Send>('sends.create', await draft(sandbox.clients[0].mailings[0].id));
    let done = await drive(created.id);
    for (let i = 0; i < 5 && done.state !== 'sent'; i++) done = await drive(created.id);
    expect(done.timeline.length).toBeGreaterThanOrEqual(5);
    for (const step of done.timeline) {
      expect(step.text, `step "${step.message}" has no catalog key`).not.toBeNull();
      // English from the key is the stored English line (the server's own words aside).
      expect(appIntl('en').formatMessage({ id: step.text!.id as never }, step.text!.values)).toBe(step.message);
      expect(german(step.text, step.message)).not.toBe(step.message);
    }
    const lines = done.timeline.map((s) => german(s.text, s.message));
    expect(lines[0]).toBe('Versand an 2 Empfänger mit ' + sandbox.clients[0].mailings[0].name + ' eingereiht.');
    expect(lines).toContain('Wird hochgeladen.');
    expect(lines).toContain('2 Empfänger importiert.');
    // The activity log got the same treatment.
    const { entries } = await call<{ entries: ActivityEntry[] }>('activity.list', { limit: 50 });
    const created_ = entries.find((e) => e.kind === 'send' && e.message.includes(`${created.id} created`));
    expect(created_?.text).toEqual({ id: 'sends.activity.created', values: { id: created.id, count: 2, mailingId: sandbox.clients[0].mailings[0].id } });
  });

  it('a refused second send and a failed cancel carry catalog keys; their German names the state in German', async () => {
    const mailing = sandbox.clients[0].mailings[1].id;
    const first = await call<Send>('sends.create', await draft(mailing));
    const refused = await context.dispatcher.handle('sends.create', await draft(mailing), { transport: 'memory' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT', messageId: 'error.sends.mailingBusy', values: { sendId: first.id, state: 'queued' } } });
    const text = errorText(de, (refused as { error: AppErrorInfo }).error);
    expect(text).toContain(`läuft bereits ein Versand (${first.id}, wartet auf den Upload)`);
    await context.services.sends.tick();
    const cancel = await context.dispatcher.handle('sends.cancel', { id: first.id }, { transport: 'memory' });
    expect(cancel).toMatchObject({ ok: false, error: { code: 'CONFLICT', messageId: 'error.sends.cannotCancel' } });
    expect(errorText(de, (cancel as { error: AppErrorInfo }).error)).toMatch(/lässt sich nicht abbrechen: Status „liegt auf dem Server“/);
    const missing = await context.dispatcher.handle('sends.get', { id: 'nope' }, { transport: 'memory' });
    expect(errorText(de, (missing as { error: AppErrorInfo }).error)).toBe('Es gibt keinen Versand nope.');
  });

  it('a send whose mailing cannot be started keeps its error as key + values: the server’s words inside a German frame', async () => {
    const deactivated = sandbox.clients[0].deactivatedMailingIds[0];
    await call('mailings.save', { profile: 'Sandbox', client: 'demo', mailing: { id: deactivated, name: 'Winter clearance' } });
    const created = await call<Send>('sends.create', await draft(deactivated));
    const done = await drive(created.id);
    expect(done.state).toBe('error');
    expect(done.error?.text).toEqual({ id: 'sends.step.serverError', values: { reason: done.error!.message } });
    expect(german(done.error!.text, done.error!.message)).toBe(`Der Server meldet einen Fehler: ${done.error!.message}`);
    expect(done.error?.rows[0]?.code).toBe('MAILING_START_FAILED');
    await sandbox.restart();
  });

  it('an error that wraps another keeps the inner key, so the whole sentence reads in German', () => {
    const text = { id: 'sends.step.interrupted', values: { reason: 'The connection to h:22 is closed. Reconnect and try again.', reasonId: 'error.sftp.closed', reasonValues: JSON.stringify({ at: 'h:22' }) } };
    expect(german(text, 'x')).toBe('Unterbrochen: Die Verbindung zu h:22 ist geschlossen. Verbinden Sie sich erneut und versuchen Sie es noch einmal. Loopdesk versucht es erneut.');
    expect(catalogSentence((id, values) => appIntl('en').formatMessage({ id }, values), text, 'x')).toBe('Interrupted: The connection to h:22 is closed. Reconnect and try again. Loopdesk will try again.');
  });
});
