import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Send } from '../../../shared/contract/sends';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { startDemoSandbox } from '../../../main/app/demo-sandbox';
import { startBrowserHost, type BrowserHost } from '../../../main/host/browser/browser-host';
import type { SandboxHandle } from '../../../main/services/sandbox';
import { deleteOlderThan } from '../../../main/services/responses/ingest';
import { applyRetention } from '../../../main/services/store/retention';
import { callService } from '../../helpers/call-service';
import { tempDir } from '../../helpers/temp-dir';
import { bytesHave, dataFileBytes } from './raw-bytes';

/**
 * A whole operator cycle (browser-host uploads, validation with rejected rows, a test send and
 * a real send, pull, Excel exports, a soft-bounce resend) against the sandbox and a real DuckDB
 * file; then retention with a clock 100 days on must leave no file in the data dir that holds a
 * recipient. Only the sandbox folder (the emulated server, which keeps its own files) is left
 * out, and the suppression list, kept on purpose.
 */

const DAY = 86_400_000;
const TAG = `cyc${randomBytes(5).toString('hex')}`;
const EMAILS = Array.from({ length: 300 }, (_, i) => `person${i}.${TAG}@example.com`);
const BROKEN = [`broken-one-${TAG}`, `broken-two-${TAG}`];

let data: ReturnType<typeof tempDir>;
let context: AppContext;
let host: BrowserHost;
let sandbox: SandboxHandle;
const call = <T>(channel: string, payload: unknown): Promise<T> => callService<T>(context, channel, payload);

/** POSTs a spreadsheet to the browser host as the page does; answers the stored path. */
function upload(name: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, method: 'POST', path: `/files?token=${host.token}&name=${encodeURIComponent(name)}`, headers: { origin: `http://127.0.0.1:${host.port}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')).path) : reject(new Error(`upload: HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Every regular file below a folder, as paths relative to it. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => statSync(join(dir, p)).isFile());
}

/** The text a file holds, unpacked from gzip or an Excel workbook, so a recipient cannot hide. */
async function contentOf(path: string): Promise<string> {
  const bytes = readFileSync(path);
  if (path.endsWith('.gz')) return gunzipSync(bytes).toString('utf8');
  if (path.endsWith('.xlsx')) {
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    const cells: string[] = [];
    book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => void cells.push(String(cell.text)))));
    return cells.join('\n');
  }
  return bytes.toString('latin1');
}

/** Files (relative to the data dir) that carry a recipient of this test. */
async function filesWithRecipients(): Promise<string[]> {
  const found: string[] = [];
  for (const rel of filesBelow(context.dataDir)) {
    if (rel.startsWith(`sandbox${sep}`) || rel.startsWith('loopdesk.duckdb')) continue;
    if ((await contentOf(join(context.dataDir, rel))).includes(TAG)) found.push(rel);
  }
  return found.sort();
}

async function runSend(draft: Record<string, unknown>): Promise<Send> {
  const created = await call<Send>('sends.create', draft);
  await context.services.sends.tick();
  await sandbox.processNow();
  const [send] = await call<Send[]>('sends.refresh', { id: created.id });
  expect(send.state, JSON.stringify(send)).toBe('sent');
  return send;
}

beforeAll(async () => {
  data = tempDir('loopdesk-cycle-');
  const ui = join(data.path, 'ui');
  mkdirSync(ui, { recursive: true });
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Loopdesk</title>');
  context = await openAppContext({ dataDir: join(data.path, 'data'), host: 'browser', secrets: null });
  host = await startBrowserHost(context, { port: 0, rendererDir: ui });
  // Sends unfold a million times faster than real time: the export right after sending has their responses.
  sandbox = await startDemoSandbox(context, { interval: 0, exportInterval: 0, timeScale: 1_000_000 });
});
afterAll(async () => {
  await host?.close();
  await context?.close();
  data?.cleanup();
});

describe('retention covers every folder of the data dir', () => {
  it('after send, pull, export and resend, nothing with recipients outlives the cut-off', { timeout: 120_000 }, async () => {
    const list = ['Email;First name;Last name', ...EMAILS.map((e, i) => `${e};Person;Nr${i}`), ...BROKEN.map((b) => `${b};Broken;Row`)].join('\n');
    const listPath = await upload('list.csv', list);
    const abandoned = await upload('never-sent.csv', list);
    const [real, other] = sandbox.clients[0].mailings;
    const inspection = await call<{ mapping: unknown[] }>('recipients.inspect', { profile: 'Sandbox', client: 'demo', path: listPath });
    const draft = { profile: 'Sandbox', client: 'demo', path: listPath, mapping: inspection.mapping };

    const checked = await call<{ valid: number; excludedCount: number; rejectedFile: string | null }>('recipients.validate', { ...draft, sourceMailingId: real.id });
    expect(checked).toMatchObject({ valid: EMAILS.length, excludedCount: BROKEN.length });
    expect(checked.rejectedFile).toBeTruthy();

    // A test send leaves the upload in place: the real send from the same draft follows.
    await runSend({ ...draft, sourceMailingId: other.id, test: true, testRows: 2 });
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(listPath), 'the upload stays after a test send').toBe(true);
    const send = await runSend({ ...draft, sourceMailingId: real.id });
    // Once the real send is sent, the draft no longer needs the upload.
    await vi.waitFor(() => expect(existsSync(listPath), 'the upload is removed once its real send is sent').toBe(false), { timeout: 5000 });
    expect(existsSync(abandoned), 'a draft never sent waits (the operator may still send it today)').toBe(true);

    // At this time scale a day of the mailing's life passes in under 0.1 s.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await sandbox.exportNow();
    await call('responses.pull', { profile: 'Sandbox' });
    await call('responses.exportView', { view: 'mailing_recipients' });
    await call('responses.exportReport', { mailingId: send.mailingId });
    const resend = await call<{ path: string; recipients: number }>('responses.softBounceDraft', { mailingId: send.mailingId });
    expect(resend.recipients).toBeGreaterThan(0);
    const resendInspection = await call<{ mapping: unknown[] }>('recipients.inspect', { profile: 'Sandbox', client: 'demo', path: resend.path });
    await runSend({ profile: 'Sandbox', client: 'demo', path: resend.path, mapping: resendInspection.mapping, sourceMailingId: other.id });

    // The control: the scan sees recipients in every kind of file the cycle wrote.
    const before = await filesWithRecipients();
    for (const folder of ['incoming', 'rejected', 'archive', 'responses', 'exports', 'drafts']) {
      expect(before.some((f) => f.startsWith(`${folder}${sep}`)), `${folder}/ in ${before.join(', ')}`).toBe(true);
    }

    // 100 days later, with 30 days of retention (what the app runs at start and after each pull).
    await applyRetention(context.db, context.dataDir, { days: 30, now: new Date(Date.now() + 100 * DAY), deleteResponseRows: deleteOlderThan });
    expect(await filesWithRecipients()).toEqual([]);

    // The data file: only the suppression list (kept on purpose) may still name a recipient.
    await context.db.run('CHECKPOINT');
    const suppressed = new Set((await context.db.all<{ email: string }>('SELECT email FROM suppression')).map((r) => r.email.toLowerCase()));
    const bytes = dataFileBytes(context.db.path);
    const leaked = [...EMAILS, ...BROKEN].filter((e) => !suppressed.has(e.toLowerCase()) && bytesHave(bytes, e));
    expect(leaked, `recipients still in ${relative(context.dataDir, context.db.path)}`).toEqual([]);
  });
});
