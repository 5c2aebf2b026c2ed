import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { callService } from '../../helpers/call-service';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { tempDir } from '../../helpers/temp-dir';

/**
 * Response files as other installations write them, served by a real OpenSSH server: Latin-1
 * with commas, Windows-1252 with tabs and no header row and a German timestamp layout, and an
 * export split into numbered parts. Each client says so in its `responseDialect` / name pattern.
 */

const run = promisify(execFile);
let sshd: SshdHandle;
let data: ReturnType<typeof tempDir>;
let context: AppContext;
const call = <T>(channel: string, payload: unknown): Promise<T> => callService<T>(context, channel, payload);

type Pull = { files: { client: string; name: string; kind: string; outcome: string; rows: number; message: string }[] };

/** Writes one server file, encoded as the server would. */
function serve(dir: string, name: string, lines: string[], encoding: string): void {
  writeFileSync(join(sshd.root, dir, name), iconv.encode(`${lines.join('\n')}\n`, encoding));
}

/** Rows of a table that came from one client's files. */
async function rowsOf(table: string, client: string, columns: string): Promise<Record<string, unknown>[]> {
  return context.db.all(`SELECT ${columns} FROM ${table} t WHERE t.source_file IN (SELECT id FROM response_files WHERE client = $1) ORDER BY ALL`, [client]);
}

const client = (name: string, extra: Record<string, unknown>) => ({ name, uploadDir: join(sshd.root, 'upload'), logDir: join(sshd.root, 'logs'), responseDir: join(sshd.root, name), ...extra });

beforeAll(async () => {
  sshd = await startSshd();
  data = tempDir();
  for (const d of ['upload', 'logs', 'latin', 'win', 'split']) mkdirSync(join(sshd.root, d), { recursive: true });

  // ISO-8859-1, comma-separated, with a header (in another column order than the spec's).
  serve('latin', '20261204_mailings.csv', ['"mailingGroupId","id","compoundMasterId","mailing.recipientLists","started","finished"', '"44018617811","51106527229","71206365463","58243723257","2026-12-04 09:00:00","2026-12-04 09:05:00"'], 'latin1');
  serve('latin', '20261204_links.csv', ['"id","mailingId","mailingToUserId","mailingGroupId","name","url"', '"900","51106527229","","44018617811","Größe & Maße","https://example.com/größe"'], 'latin1');

  // Windows-1252, tab-separated, no header row (the spec's column order), dates as 04.12.2026 09:30.
  serve('win', '20261204_links.csv', ['901\t51106527230\t\t44018617812\tAngebote – nur heute für 5 €\thttps://example.com/„angebot“'], 'win1252');
  serve(
    'win',
    '20261204_clicks.csv',
    [
      '901\t51106527230\t25951836752\t44018617812\tjürgen@example.de\t04.12.2026 09:30\tFirefox 64.1\tWindows 10\tDesktop',
      '901\t51106527230\t25951836753\t44018617812\tzoë@example.de\t04.12.2026 17:05\t\t\t',
    ],
    'win1252',
  );
  // Trailing optional columns (deliveryStatus, response.category) left off: the spec's first six.
  serve('win', '20261204_mailingrecipients.csv', ['25951836752\t51106527230\t44018617812\tjürgen@example.de\t04.12.2026 09:00\tsent'], 'win1252');
  // A quiet day without a header row is an empty file: nothing to ingest, nothing wrong.
  serve('win', '20261205_clicks.csv', [], 'win1252');

  // One kind and day split in parts, next to a day that came whole; pipes as delimiter.
  const click = (user: string, at: string) => `"901"|"51106527231"|"1"|"44018617813"|"${user}"|"${at}"|""|""|""`;
  const header = '"linkId"|"mailingId"|"mailingToUserId"|"mailingGroupId"|"userId"|"created"|"click.browser"|"click.platform"|"click.device"';
  serve('split', '20261204_clicks_1.csv', [header, click('a@example.com', '2026-12-04 10:00:00'), click('a@example.com', '2026-12-04 10:00:00')], 'utf8');
  serve('split', '20261204_clicks_2.csv', [header, click('b@example.com', '2026-12-04 11:00:00')], 'utf8');
  serve('split', '20261203_clicks.csv', [header, click('c@example.com', '2026-12-03 08:00:00')], 'utf8');
  await run('chown', ['-R', `${sshd.user}:`, sshd.root]);

  context = await openAppContext({ dataDir: join(data.path, 'home'), host: 'memory', secrets: null });
  await call('profiles.save', {
    profile: {
      name: 'other-servers',
      host: '127.0.0.1',
      port: sshd.port,
      user: sshd.user,
      auth: { kind: 'password', password: sshd.password },
      trustedKeys: [sshd.hostKeyFingerprint],
      clients: [
        client('latin', { responseDialect: { encoding: 'iso-8859-1', delimiter: ',', header: true, timestampFormat: 'YYYY-MM-DD HH:mm:ss' } }),
        client('win', { responseDialect: { encoding: 'windows-1252', delimiter: '\t', header: false, timestampFormat: 'DD.MM.YYYY HH:mm' } }),
        client('split', { responseFileNames: '{date}_{kind}_{part}.csv', responseDialect: { encoding: 'utf-8', delimiter: '|', header: true, timestampFormat: 'YYYY-MM-DD HH:mm:ss' } }),
      ],
    },
  });
});
afterAll(async () => {
  await context?.close();
  await sshd?.stop();
  data?.cleanup();
});

describe('response files in the client\'s own dialect, from a real OpenSSH server', () => {
  let first: Pull;
  beforeAll(async () => {
    first = await call<Pull>('responses.pull', { profile: 'other-servers' });
  });

  it('reads ISO-8859-1 with commas and a header in any order', async () => {
    expect(first.files.filter((f) => f.client === 'latin').map((f) => [f.name, f.outcome, f.rows])).toEqual([
      ['20261204_mailings.csv', 'ingested', 1],
      ['20261204_links.csv', 'ingested', 1],
    ]);
    expect(await rowsOf('links', 'latin', 'name, url')).toEqual([{ name: 'Größe & Maße', url: 'https://example.com/größe' }]);
    const [mailing] = await rowsOf('mailings', 'latin', 'id, mailing_group_id, started');
    expect(mailing).toMatchObject({ id: 51106527229n, mailing_group_id: 44018617811n });
  });

  it('reads Windows-1252 with tabs, no header row (the spec\'s column order) and DD.MM.YYYY HH:mm', async () => {
    const win = first.files.filter((f) => f.client === 'win');
    expect(win.map((f) => [f.name, f.outcome, f.rows]), JSON.stringify(win)).toEqual([
      ['20261204_mailingrecipients.csv', 'ingested', 1],
      ['20261204_links.csv', 'ingested', 1],
      ['20261204_clicks.csv', 'ingested', 2],
      ['20261205_clicks.csv', 'ingested', 0],
    ]);
    expect(await rowsOf('links', 'win', 'id, name, url')).toEqual([{ id: 901n, name: 'Angebote – nur heute für 5 €', url: 'https://example.com/„angebot“' }]);
    const clicks = await rowsOf('clicks', 'win', "user_id, strftime(created, '%Y-%m-%d %H:%M:%S') AS created, click_browser, click_device");
    expect(clicks).toEqual([
      { user_id: 'jürgen@example.de', created: '2026-12-04 09:30:00', click_browser: 'Firefox 64.1', click_device: 'Desktop' },
      { user_id: 'zoë@example.de', created: '2026-12-04 17:05:00', click_browser: null, click_device: null },
    ]);
    expect(await rowsOf('mailing_recipients', 'win', 'user_id, sending_status, delivery_status')).toEqual([{ user_id: 'jürgen@example.de', sending_status: 'sent', delivery_status: null }]);
  });

  it('ingests each part of a split export; a changed part replaces only its own rows', async () => {
    const split = first.files.filter((f) => f.client === 'split');
    expect(split.map((f) => [f.name, f.outcome, f.rows])).toEqual([
      ['20261203_clicks.csv', 'ingested', 1],
      ['20261204_clicks_1.csv', 'ingested', 2],
      ['20261204_clicks_2.csv', 'ingested', 1],
    ]);
    const users = async () => (await rowsOf('clicks', 'split', 'user_id')).map((r) => r.user_id);
    expect(await users()).toEqual(['a@example.com', 'a@example.com', 'b@example.com', 'c@example.com']);

    // The server rewrites part 2 with one more click; part 1 is unchanged.
    const header = '"linkId"|"mailingId"|"mailingToUserId"|"mailingGroupId"|"userId"|"created"|"click.browser"|"click.platform"|"click.device"';
    serve('split', '20261204_clicks_2.csv', [header, `"901"|"51106527231"|"1"|"44018617813"|"b@example.com"|"2026-12-04 11:00:00"|""|""|""`, `"901"|"51106527231"|"2"|"44018617813"|"d@example.com"|"2026-12-04 12:00:00"|""|""|""`], 'utf8');
    await run('chown', ['-R', `${sshd.user}:`, sshd.root]);
    const again = await call<Pull>('responses.pull', { profile: 'other-servers' });
    expect(again.files.filter((f) => f.client === 'split').map((f) => [f.name, f.outcome])).toEqual([
      ['20261203_clicks.csv', 'skipped'],
      ['20261204_clicks_1.csv', 'skipped'],
      ['20261204_clicks_2.csv', 'replaced'],
    ]);
    expect(await users()).toEqual(['a@example.com', 'a@example.com', 'b@example.com', 'c@example.com', 'd@example.com']);
    const ledger = (await call<{ name: string; client: string; rows: number }[]>('responses.files', { profile: 'other-servers' })).filter((f) => f.client === 'split');
    expect(ledger.map((f) => [f.name, f.rows]).sort()).toEqual([
      ['20261203_clicks.csv', 1],
      ['20261204_clicks_1.csv', 2],
      ['20261204_clicks_2.csv', 2],
    ]);
  });

  it('a timestamp layout with unknown parts is refused with the text the Connections screen shows', async () => {
    const save = context.dispatcher.handle(
      'profiles.save',
      { profile: { name: 'bad-format', host: '127.0.0.1', user: 'u', auth: { kind: 'password' }, clients: [client('x', { responseDialect: { timestampFormat: 'YYYY-MM-DD HH:mm:ss Q' } })] } },
      { transport: 'memory' },
    );
    const result = await save;
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain('contains \\"Q\\", which is not a known part');
  });
});
