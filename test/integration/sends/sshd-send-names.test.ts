import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Send } from '../../../shared/contract/sends';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { nextSecond } from '../../../main/services/sends/send-runner';
import { callService } from '../../helpers/call-service';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { serverDir, serverFile } from '../../helpers/sshd-dirs';
import { tempDir } from '../../helpers/temp-dir';

/**
 * Upload names against a real OpenSSH server: the products file takes the client's name pattern,
 * and a stamp whose log or error file is already in the log directory (another workstation's send,
 * or an earlier one the server has already taken) is never reused. The client is in New York:
 * the server's log times are read there, whatever zone the test process runs in.
 */

let sshd: SshdHandle;
let data: ReturnType<typeof tempDir>;
let context: AppContext;
/** The send of the first test, on the server (never taken: no cron job runs here). */
let firstId: string;

const call = <T>(channel: string, payload: unknown): Promise<T> => callService<T>(context, channel, payload);

async function createSend(mailing: string, withProducts: boolean): Promise<Send> {
  const path = join(data.path, 'recipients.csv');
  writeFileSync(path, ['E-Mail;Anrede;Vorname;Nachname', 'anna.schmidt@example.com;Frau;Anna;Schmidt', 'bernd.meier@example.com;Herr;Bernd;Meier'].join('\n'));
  const catalog = join(data.path, 'catalog.csv');
  writeFileSync(catalog, ['product_id;title;description;image_url;link_url;price', 'P-1;Kettle;Steel;https://example.com/k.png;https://example.com/k;19.99'].join('\n'));
  const inspection = await call<{ mapping: unknown[] }>('recipients.inspect', { profile: 'OpenSSH', client: 'acme', path });
  return call<Send>('sends.create', {
    profile: 'OpenSSH', client: 'acme', path, sourceMailingId: mailing, mapping: inspection.mapping,
    products: withProducts ? { path: catalog } : null,
  });
}

beforeAll(async () => {
  sshd = await startSshd();
  data = tempDir();
  context = await openAppContext({ dataDir: data.path, host: 'memory', secrets: null });
  await call('profiles.save', {
    profile: {
      name: 'OpenSSH', host: sshd.host, port: sshd.port, user: sshd.user,
      auth: { kind: 'password', password: sshd.password }, trustedKeys: [sshd.hostKeyFingerprint],
      options: { connectTimeoutSeconds: 10, operationTimeoutSeconds: 20 },
      clients: [{
        name: 'acme', uploadDir: serverDir(sshd, 'acme/upload'), logDir: serverDir(sshd, 'acme/logs'), responseDir: serverDir(sshd, 'acme/responses'),
        productsFileName: 'catalog-{stamp}.csv',
        timeZone: 'America/New_York',
        mailings: [{ id: '44018617811', name: 'Newsletter' }, { id: '44018617822', name: 'Offers' }],
      }],
    },
  });
});
afterAll(async () => {
  await context?.close();
  await sshd?.stop();
  data?.cleanup();
});

describe('upload names against OpenSSH', () => {
  it('the products file is named by the client pattern, uploaded with the recipient file', async () => {
    const created = await createSend('44018617811', true);
    firstId = created.id;
    const stamp = created.fileName.slice(0, 14);
    expect(created.productsFileName).toBe(`catalog-${stamp}.csv`);
    await context.services.sends.tick();
    const after = await call<Send>('sends.get', { id: created.id });
    expect(after.state).toBe('on_server');
    expect(readdirSync(join(sshd.root, 'acme/upload')).sort()).toEqual([`${stamp}_subscribers.csv`, `catalog-${stamp}.csv`]);
    expect(readFileSync(join(sshd.root, 'acme/upload', `catalog-${stamp}.csv`), 'utf8')).toContain('"P-1";"Kettle"');
  });

  it('the timeline carries the server log times, read in the client zone (New York)', async () => {
    const first = await call<Send>('sends.get', { id: firstId });
    const stem = first.fileName.replace(/\.csv$/, '');
    serverFile(sshd, 
      `acme/logs/${stem}.log`,
      `timestamp;event;file;mailingId;records;message\n2026-12-05 10:00:00;received;${first.fileName};;;\n2026-12-05 10:00:05;mailing_created;${first.fileName};51106527300;2;\n`,
    );
    const [after] = await call<Send[]>('sends.refresh', { id: first.id });
    expect(after.mailingId).toBe('51106527300');
    expect(after.timeline.find((t) => t.state === 'mailing_created')?.server).toEqual({ time: '2026-12-05 10:00:05', timeZone: 'America/New_York', at: '2026-12-05T15:00:05.000Z' });
    expect(after.timeline.find((t) => t.state === 'taken')?.server).toEqual({ time: '2026-12-05 10:00:00', timeZone: 'America/New_York', at: '2026-12-05T15:00:00.000Z' });
    expect(after.timeline.find((t) => t.state === 'uploading')?.server).toBeNull();
  });

  it('a stamp whose log (or error file) another workstation left in the log directory is skipped', async () => {
    const created = await createSend('44018617822', true);
    const stamp = created.fileName.slice(0, 14);
    const second = nextSecond(stamp);
    const third = nextSecond(second);
    // The server took another workstation's files of this second and the next; only their status files are left.
    serverFile(sshd, `acme/logs/${stamp}_subscribers.log`, `timestamp;event;file;mailingId;records;message\n2026-12-05 10:00:00;mailing_created;${stamp}_subscribers.csv;99999999999;2;\n`);
    serverFile(sshd, `acme/logs/${second}_subscribers.error.csv`, 'line;field;code;message\n1;Email;INVALID;not an address\n');
    await context.services.sends.tick();
    const after = await call<Send>('sends.get', { id: created.id });
    expect(after.state).toBe('on_server');
    expect(after.fileName).toBe(`${third}_subscribers.csv`);
    expect(after.productsFileName).toBe(`catalog-${third}.csv`);
    expect(readdirSync(join(sshd.root, 'acme/upload'))).toEqual(expect.arrayContaining([`${third}_subscribers.csv`, `catalog-${third}.csv`]));
    expect(readdirSync(join(sshd.root, 'acme/upload'))).not.toContain(`${stamp}_subscribers.csv`);
    expect(after.timeline.map((t) => t.message)).toContainEqual(expect.stringContaining(`this send uses ${third}_subscribers.csv instead`));
    // The other workstation's mailing never becomes this send's.
    await call('sends.refresh', { id: created.id });
    expect((await call<Send>('sends.get', { id: created.id })).mailingId).toBeNull();
  });

  it('an unusable products file name is refused with the reason, before anything is saved', async () => {
    const bad = await context.dispatcher.handle(
      'profiles.save',
      { profile: { name: 'Bad', host: sshd.host, user: sshd.user, auth: { kind: 'password', password: 'x' }, clients: [{ name: 'x', productsFileName: 'products/{stamp}.csv' }] } },
      { transport: 'memory' },
    );
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(JSON.stringify(bad)).toContain('cannot contain / or');
  });
});
