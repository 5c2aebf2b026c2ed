import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Send } from '../../../shared/contract/sends';
import { leaveOutSuppressed, type RecheckDeps } from '../../../main/services/sends/upload-recheck';
import { SuppressionList } from '../../../main/services/suppression/suppression-list';
import { useSandboxApp } from '../../helpers/sandbox-app';

/**
 * A scheduled real send is uploaded later than it was prepared: addresses suppressed in between
 * (an unsubscribe, a bounce, an operator's import) must not be mailed. Against the real sandbox.
 */
const app = useSandboxApp();

const RECIPIENTS = [
  'E-Mail;Anrede;Vorname;Nachname',
  'anna.schmidt@example.com;Frau;Anna;Schmidt',
  'juergen.mueller@example.com;Herr;Jürgen;Müller "Jupp"',
  'doris.koch@example.com;Frau;Doris;Koch',
].join('\r\n');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until the send is due (its scheduled time has passed). */
const due = (send: Send) => sleep(Math.max(0, Date.parse(send.scheduledAt) - Date.now() + 100));

/**
 * A real send prepared now, due in `inMs`: far enough ahead that it is still "scheduled" when
 * `sends.create` answers on a loaded machine (with 1.2 s the preparation itself could take longer).
 */
async function scheduledSend(mailingIndex: number, file: string, recipients = RECIPIENTS, inMs = 6_000): Promise<Send> {
  const path = join(app.dataDir, file);
  writeFileSync(path, recipients, 'utf8');
  const draft = await app.draft(path, app.sandbox.clients[0].mailings[mailingIndex].id);
  const created = await app.call<Send>('sends.create', { ...draft, scheduledAt: new Date(Date.now() + inMs).toISOString() });
  expect(created).toMatchObject({ state: 'scheduled', recipients: 3 });
  return created;
}

/** Suppresses addresses the way an operator's import does (responses.suppressionImport). */
async function suppress(file: string, emails: readonly string[]): Promise<void> {
  const path = join(app.dataDir, file);
  writeFileSync(path, ['Email', ...emails].join('\n') + '\n');
  const result = await app.call<{ added: number }>('responses.suppressionImport', { path, reason: 'unsubscribed by phone' });
  expect(result.added).toBe(emails.length);
}

const uploadDir = () => join(app.sandbox.clients[0].localDir, 'upload');

async function activityIds(sendId: string): Promise<string[]> {
  const rows = await app.context.db.all<{ message_id: string; message_values: string | null }>('SELECT message_id, message_values FROM activity ORDER BY rowid');
  return rows.filter((r) => r.message_values?.includes(sendId)).map((r) => r.message_id);
}

describe('a send uploaded later than it was prepared is checked against the suppression list again', () => {
  it('an address suppressed after preparation is left out of the uploaded file, with a journal step, an activity entry and a rejected row', async () => {
    const send = await scheduledSend(0, 'later.csv');
    await suppress('unsubscribed.csv', ['Anna.Schmidt@example.com']);
    await due(send);
    await app.context.services.sends.tick();

    const after = await app.call<Send>('sends.get', { id: send.id });
    expect(after.state).toBe('on_server');
    expect(after).toMatchObject({ recipients: 2, excluded: 1 });
    // The file on the server: without the suppressed address, the other rows byte for byte as prepared.
    const uploaded = readFileSync(join(uploadDir(), after.fileName), 'utf8');
    expect(uploaded).not.toContain('anna.schmidt');
    expect(uploaded).toContain('"juergen.mueller@example.com";');
    expect(uploaded).toContain('"Herr";"Jürgen";"Müller ""Jupp""";');
    expect(uploaded).toContain('"doris.koch@example.com";');
    expect(uploaded.split('\n').filter(Boolean)).toHaveLength(2);
    expect(readdirSync(uploadDir()).filter((n) => n.endsWith('.part'))).toEqual([]);

    const step = after.timeline.find((t) => t.text?.id === 'sends.step.suppressedAtUpload');
    expect(step).toMatchObject({ state: 'uploading', text: { values: { count: 1, kept: 2 } } });
    expect(step!.message).toContain('1 recipient was put on the suppression list after this send was prepared');
    // The step comes before the upload's result.
    const states = after.timeline.map((t) => t.text?.id);
    expect(states.indexOf('sends.step.suppressedAtUpload')).toBeLessThan(states.indexOf('sends.step.onServer'));

    const rejected = join(app.dataDir, 'rejected', `send-${send.id}-rejected.csv`);
    expect(step!.text!.values.file).toBe(rejected);
    // Outside team mode the step names no workstation: the file is on the only one there is.
    expect(step!.text!.values).toMatchObject({ fileName: `send-${send.id}-rejected.csv` });
    expect(step!.text!.values).not.toHaveProperty('workstation');
    const rows = readFileSync(rejected, 'utf8').replace(/^\uFEFF/, '').split('\n').filter(Boolean);
    expect(rows[0]).toMatch(/^"reasons";"Email";"broadmail_ID";"WAVE_ID";"Salutation";"First name";"Last name"/);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain('"anna.schmidt@example.com was put on the suppression list after the send was prepared (unsubscribed by phone)";"anna.schmidt@example.com"');
    expect(await activityIds(send.id)).toContain('sends.activity.suppressedAtUpload');

    // The server imports two recipients, and the send goes out once.
    const done = await app.drive(send.id);
    expect(done.mailingId).toMatch(/^\d{11}$/);
    expect(done.timeline.filter((t) => t.state === 'uploading' && t.text?.id === 'sends.step.uploading')).toHaveLength(1);
  });

  it('when every address was suppressed after preparation, nothing is uploaded and the send ends in error saying why', async () => {
    const send = await scheduledSend(1, 'all-gone.csv', RECIPIENTS.replaceAll('@example.com', '@example.org'));
    await suppress('all-unsubscribed.csv', ['anna.schmidt@example.org', 'juergen.mueller@example.org', 'doris.koch@example.org']);
    await due(send);
    const before = readdirSync(uploadDir());
    await app.context.services.sends.tick();

    const after = await app.call<Send>('sends.get', { id: send.id });
    expect(after).toMatchObject({ state: 'error', recipients: 0, excluded: 3 });
    expect(after.error?.text).toMatchObject({ id: 'sends.step.allSuppressedAtUpload', values: { count: 3 } });
    expect(after.timeline.at(-1)).toMatchObject({ state: 'error', text: { id: 'sends.step.allSuppressedAtUpload' } });
    expect(readdirSync(uploadDir())).toEqual(before);
    expect(readdirSync(uploadDir())).not.toContain(after.fileName);
    const rows = readFileSync(join(app.dataDir, 'rejected', `send-${send.id}-rejected.csv`), 'utf8').split('\n').filter(Boolean);
    expect(rows).toHaveLength(4);
    expect(await activityIds(send.id)).toContain('sends.activity.allSuppressedAtUpload');

    // Later passes leave it alone: it never uploads.
    await app.context.services.sends.tick();
    expect((await app.call<Send>('sends.get', { id: send.id })).state).toBe('error');
    expect(existsSync(join(uploadDir(), after.fileName))).toBe(false);
  });

  /** A real send prepared now whose first upload stopped after its names were final (a cut or a crash): as the journal then stands. */
  async function cutAfterNamesFinal(mailingIndex: number, file: string, domain: string): Promise<Send> {
    const path = join(app.dataDir, file);
    writeFileSync(path, RECIPIENTS.replaceAll('@example.com', `@${domain}`), 'utf8');
    const draft = await app.draft(path, app.sandbox.clients[0].mailings[mailingIndex].id);
    const created = await app.call<Send>('sends.create', draft);
    const journal = app.context.services.sends.journal;
    await journal.update(created.id, { state: 'uploading', uploadAttempts: 1 });
    expect(await journal.markNamesFinal(created.id)).toBe(true);
    return created;
  }

  it('a send whose upload was cut before its file reached the server is checked again when it is retried', async () => {
    const send = await cutAfterNamesFinal(2, 'cut.csv', 'example.net');
    await suppress('cut-unsubscribed.csv', ['doris.koch@example.net']);
    await app.context.services.sends.tick();

    const after = await app.call<Send>('sends.get', { id: send.id });
    expect(after).toMatchObject({ state: 'on_server', recipients: 2, excluded: 1 });
    expect(after.timeline.some((t) => t.text?.id === 'sends.step.uploadingAgain')).toBe(true);
    expect(after.timeline.find((t) => t.text?.id === 'sends.step.suppressedAtUpload')?.text?.values).toMatchObject({ count: 1, kept: 2 });
    const uploaded = readFileSync(join(uploadDir(), after.fileName), 'utf8');
    expect(uploaded).not.toContain('doris.koch');
    expect(uploaded.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('a file the server already has under its name (published just before a cut) is neither changed nor uploaded again', async () => {
    const send = await cutAfterNamesFinal(1, 'published.csv', 'example.info');
    const work = join(app.dataDir, 'sends', send.id);
    const prepared = join(work, readdirSync(work).find((n) => n.endsWith('_subscribers.csv'))!);
    copyFileSync(prepared, join(uploadDir(), send.fileName));
    const published = readFileSync(prepared);
    await suppress('published-unsubscribed.csv', ['doris.koch@example.info']);
    await app.context.services.sends.tick();

    const after = await app.call<Send>('sends.get', { id: send.id });
    expect(after).toMatchObject({ state: 'on_server', recipients: 3 });
    expect(after.timeline.some((t) => t.text?.id === 'sends.step.suppressedAtUpload')).toBe(false);
    expect(readFileSync(join(uploadDir(), send.fileName)).equals(published)).toBe(true);
    expect(readdirSync(uploadDir()).filter((n) => n.startsWith(send.fileName.slice(0, 14)))).toEqual([send.fileName]);
  });
  it('after a crash between the journal and the rename, the rows are found again and counted once', async () => {
    // A source mailing of its own (the others are in flight); the send is only prepared here, never uploaded.
    await app.call('mailings.save', { profile: 'Sandbox', client: 'demo', mailing: { id: '12345678901', name: 'Crash check' } });
    const path = join(app.dataDir, 'crash.csv');
    writeFileSync(path, RECIPIENTS.replaceAll('@example.com', '@example.de'), 'utf8');
    const created = await app.call<Send>('sends.create', { ...(await app.draft(path, '12345678901')), scheduledAt: '2099-01-01T00:00:00Z' });
    const journal = app.context.services.sends.journal;
    let record = await journal.update(created.id, { state: 'uploading' });
    const subscribers = join(record.workDir, readdirSync(record.workDir).find((n) => n.endsWith('_subscribers.csv'))!);
    const prepared = readFileSync(subscribers);
    await suppress('crash-unsubscribed.csv', ['anna.schmidt@example.de']);
    const deps: RecheckDeps = {
      suppressed: () => new SuppressionList(app.context.db).lookup(),
      clientOf: () => ({ encoding: 'utf-8', fieldNames: [] }),
      rejectedDir: join(app.dataDir, 'rejected'),
      language: () => 'en',
      archive: async () => undefined,
    };
    const runner = { journal, log: async () => undefined, changed: () => undefined };
    record = await leaveOutSuppressed(runner, deps, record, subscribers);
    expect(record).toMatchObject({ recipients: 2, excluded: 1 });
    // The crash: the journal has the step, the rename did not happen.
    writeFileSync(subscribers, prepared);
    record = await leaveOutSuppressed(runner, deps, record, subscribers);
    expect(record).toMatchObject({ recipients: 2, excluded: 1 });
    expect(readFileSync(subscribers, 'utf8')).not.toContain('anna.schmidt');
    expect(readdirSync(record.workDir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
