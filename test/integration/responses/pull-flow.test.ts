import { appendFileSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Send } from '../../../shared/contract/sends';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { startDemoSandbox } from '../../../main/app/demo-sandbox';
import { formatClosedLoopLine } from '../../../main/services/csv-line';
import type { SandboxHandle } from '../../../main/services/sandbox';
import { tempDir } from '../../helpers/temp-dir';
import { callService } from '../../helpers/call-service';

let data: ReturnType<typeof tempDir>;
let context: AppContext;
let sandbox: SandboxHandle;
let send: Send;

const call = <T>(channel: string, payload: unknown): Promise<T> => callService<T>(context, channel, payload);

type Pull = { files: { name: string; kind: string; outcome: string; rows: number; message: string }[] };

/** Every row of every exported file of one kind, read independently of Loopdesk's reader. */
function raw(kind: string): Record<string, string>[] {
  const dir = join(sandbox.clients[0].localDir, 'responses');
  return readdirSync(dir)
    .filter((n) => n.endsWith(`_${kind}.csv`))
    .flatMap((n) => Papa.parse<Record<string, string>>(readFileSync(join(dir, n), 'utf8'), { header: true, delimiter: ';', skipEmptyLines: true }).data);
}

beforeAll(async () => {
  data = tempDir();
  context = await openAppContext({ dataDir: data.path, host: 'memory', secrets: null });
  // The sandbox's export holds only what has happened by then: a million-fold timeline puts
  // the first eleven days of responses into the upload's second, so this export has them.
  sandbox = await startDemoSandbox(context, { interval: 0, exportInterval: 0, timeScale: 1_000_000 });
  const rows = ['Email;First name;Last name'];
  for (let i = 0; i < 400; i++) rows.push(`person${i}@example.com;Person;${i}`);
  writeFileSync(join(data.path, 'list.csv'), rows.join('\n'));
  const mailing = sandbox.clients[0].mailings[0].id;
  const inspection = await call<{ mapping: unknown[] }>('recipients.inspect', { profile: 'Sandbox', client: 'demo', path: join(data.path, 'list.csv') });
  send = await call<Send>('sends.create', { profile: 'Sandbox', client: 'demo', path: join(data.path, 'list.csv'), sourceMailingId: mailing, mapping: inspection.mapping });
  await context.services.sends.tick();
  await sandbox.processNow();
  [send] = await call<Send[]>('sends.refresh', { id: send.id });
  await sandbox.exportNow();
});
afterAll(async () => {
  await context?.close();
  data?.cleanup();
});

describe('response data: send, process, export, pull', () => {
  it('pulls the seven kinds and every KPI equals a count made from the raw files', async () => {
    const pulled = await call<Pull>('responses.pull', { profile: 'Sandbox' });
    expect(new Set(pulled.files.map((f) => f.kind))).toEqual(new Set(['mailings', 'mailingrecipients', 'links', 'clicks', 'opens', 'unsubscribes', 'responses']));
    expect(pulled.files.every((f) => f.outcome === 'ingested')).toBe(true);

    const id = send.mailingId!;
    const report = await call<{ kpis: { key: string; value: number | null }[]; links: { total: number }[] }>('responses.report', { mailingIds: [id] });
    const kpi = (k: string) => report.kpis.find((x) => x.key === k)!.value;
    const mine = <T extends Record<string, string>>(rows: T[]) => rows.filter((r) => r.mailingId === id);
    const recipients = raw('mailingrecipients').filter((r) => r.mailingId === id);
    const sent = new Set(recipients.filter((r) => r.sendingStatus === 'sent').map((r) => r.id)).size;
    const categories = (cats: string[]) =>
      new Set([...recipients.filter((r) => cats.includes(r['response.category'])).map((r) => r.id), ...mine(raw('responses')).filter((r) => cats.includes(r.category)).map((r) => r.mailingToUserId)]);
    const hard = categories(['fatal_bounce']);
    const soft = new Set([...categories(['bounce', 'temporary_bounce'])].filter((x) => !hard.has(x)));
    const opens = mine(raw('opens'));
    const clicks = mine(raw('clicks'));
    expect(recipients).toHaveLength(400);
    expect(kpi('sent')).toBe(sent);
    expect(kpi('hardBounces')).toBe(hard.size);
    expect(kpi('softBounces')).toBe(soft.size);
    expect(kpi('delivered')).toBe(sent - hard.size - soft.size);
    expect(kpi('totalOpens')).toBe(opens.length);
    expect(kpi('uniqueOpens')).toBe(new Set(opens.map((o) => o.mailingToUserId)).size);
    expect(kpi('totalClicks')).toBe(clicks.length);
    expect(kpi('uniqueClickers')).toBe(new Set(clicks.map((c) => c.mailingToUserId)).size);
    expect(kpi('unsubscribes')).toBe(new Set(mine(raw('unsubscribes')).map((u) => u.mailingToUserId)).size);
    expect(report.links.reduce((a, l) => a + l.total, 0)).toBe(clicks.length);
    expect(kpi('openRate')).toBeCloseTo(new Set(opens.map((o) => o.mailingToUserId)).size / (sent - hard.size - soft.size), 10);

    // The mailing is tied to the send that created it, through the mailing ID in the log.
    const mailings = await call<{ mailingId: string; sendId: string | null; link: string; waveId: string | null }[]>('responses.mailings', {});
    expect(mailings.find((m) => m.mailingId === id)).toMatchObject({ sendId: send.id, link: 'log', waveId: send.waveId });
    // Unsubscribes and hard bounces now feed the suppression list the sending side checks.
    const suppressed = await call<{ total: number }>('responses.suppressionList', {});
    expect(suppressed.total).toBeGreaterThanOrEqual(new Set(mine(raw('unsubscribes')).map((u) => u.userId)).size);
  });

  it('pulling the same files again changes nothing', async () => {
    const before = await call<{ lastRow: number }>('responses.query', { view: 'clicks', startRow: 0, endRow: 1 });
    const again = await call<Pull>('responses.pull', { profile: 'Sandbox' });
    expect(again.files.every((f) => f.outcome === 'skipped')).toBe(true);
    expect((await call<{ lastRow: number }>('responses.query', { view: 'clicks', startRow: 0, endRow: 1 })).lastRow).toBe(before.lastRow);
  });

  it('reports progress while pulling and while exporting, ending at the total', async () => {
    const events: { task: string; done: number; total: number; message: string }[] = [];
    const off = context.bus.on('responses.onProgress', (e) => events.push(e as (typeof events)[number]));
    try {
      const pulled = await call<Pull>('responses.pull', { profile: 'Sandbox' });
      const pull = events.filter((e) => e.task === 'pull');
      expect(pull.map((e) => e.done)).toEqual(pulled.files.map((_, i) => i + 1));
      expect(pull.every((e) => e.total === pulled.files.length)).toBe(true);
      for (const f of pulled.files) expect(pull.some((e) => e.message.includes(f.name)), f.name).toBe(true);

      const exported = await call<{ rows: number }>('responses.exportView', { view: 'mailing_recipients' });
      const exp = events.filter((e) => e.task === 'export');
      expect(exported.rows).toBeGreaterThanOrEqual(400);
      expect(exp.length).toBeGreaterThan(0);
      expect(exp.at(-1)).toMatchObject({ done: exported.rows, total: exported.rows });
      // Never backwards, never past the total.
      for (let i = 1; i < exp.length; i++) expect(exp[i].done).toBeGreaterThanOrEqual(exp[i - 1].done);
      expect(exp.every((e) => e.done <= e.total)).toBe(true);
    } finally {
      off();
    }
  });

  it('a changed file replaces its rows; a truncated one is rejected and the earlier rows stay', async () => {
    const dir = join(sandbox.clients[0].localDir, 'responses');
    // A day with data rows (the export also writes header-only files for quiet days).
    const lines = (n: string) => readFileSync(join(dir, n), 'utf8').trimEnd().split('\n').length;
    const clicksFile = readdirSync(dir).filter((n) => n.endsWith('_clicks.csv')).sort((a, b) => lines(b) - lines(a))[0];
    expect(lines(clicksFile)).toBeGreaterThan(2);
    const path = join(dir, clicksFile);
    const original = readFileSync(path, 'utf8');
    const lastLine = original.trimEnd().split('\n').at(-1)!;
    const count = async () => (await call<{ lastRow: number }>('responses.query', { view: 'clicks', startRow: 0, endRow: 1 })).lastRow;
    const before = await count();

    appendFileSync(path, `${lastLine}\n`); // one more identical click: a real second event
    const changed = await call<Pull>('responses.pull', { profile: 'Sandbox' });
    expect(changed.files.find((f) => f.name === clicksFile), JSON.stringify(changed.files.find((f) => f.name === clicksFile))).toMatchObject({ outcome: 'replaced' });
    expect(await count()).toBe(before + 1);

    truncateSync(path, Buffer.byteLength(original) - Math.floor(lastLine.length / 2) - 1); // cut inside the last record
    const broken = await call<Pull>('responses.pull', { profile: 'Sandbox' });
    const rejected = broken.files.find((f) => f.name === clicksFile)!;
    expect(rejected.outcome).toBe('rejected');
    expect(rejected.message).toMatch(/record|line/i);
    expect(await count()).toBe(before + 1);
    const activity = await call<{ entries: { kind: string; level: string; details: string | null }[] }>('activity.list', { limit: 5 });
    expect(activity.entries.find((e) => e.kind === 'pull')).toMatchObject({ level: 'warn' });
  });

  it('builds a soft-bounce resend draft from the archived rows, without unsubscribed or hard-bounced recipients', async () => {
    const draft = await call<{ path: string; recipients: number; sourceMailingId: string }>('responses.softBounceDraft', { mailingId: send.mailingId });
    const rows = Papa.parse<Record<string, string>>(readFileSync(draft.path, 'utf8'), { header: true, delimiter: ';', skipEmptyLines: true }).data;
    expect(rows).toHaveLength(draft.recipients);
    // Written by the one CSV writer of Loopdesk's files (quoted, `;`, LF).
    expect(readFileSync(draft.path, 'utf8')).toBe([Object.keys(rows[0]), ...rows.map((r) => Object.values(r))].map(formatClosedLoopLine).join(''));
    expect(draft.sourceMailingId).toBe(send.sourceMailingId);
    expect(Object.keys(rows[0] ?? { Email: '' })).not.toContain('broadmail_ID');
    const id = send.mailingId!;
    const recipients = raw('mailingrecipients').filter((r) => r.mailingId === id);
    const soft = new Set([
      ...recipients.filter((r) => ['bounce', 'temporary_bounce'].includes(r['response.category'])).map((r) => r.userId.toLowerCase()),
      ...raw('responses').filter((r) => r.mailingId === id && ['bounce', 'temporary_bounce'].includes(r.category)).map((r) => r.userId.toLowerCase()),
    ]);
    const excluded = new Set([
      ...raw('unsubscribes').map((u) => u.userId.toLowerCase()),
      ...raw('responses').filter((r) => r.category === 'fatal_bounce').map((r) => r.userId.toLowerCase()),
      ...raw('mailingrecipients').filter((r) => r['response.category'] === 'fatal_bounce').map((r) => r.userId.toLowerCase()),
    ]);
    const expected = [...soft].filter((e) => !excluded.has(e)).sort();
    expect(rows.map((r) => r.Email.toLowerCase()).sort()).toEqual(expected);
    // The draft opens as a spreadsheet and maps by its exact headers.
    const inspection = await call<{ mapping: { field: string; source: { kind: string } }[] }>('recipients.inspect', { profile: 'Sandbox', client: 'demo', path: draft.path });
    expect(inspection.mapping.find((m) => m.field === 'Email')?.source.kind).toBe('column');
    expect(inspection.mapping.find((m) => m.field === 'broadmail_ID')?.source.kind).toBe('sourceMailing');
  });
});

describe('daily pull schedule', () => {
  it('pulls each profile once a day, at its pull time on the local clock', async () => {
    // One day for every time asked about (a new Date() per call could fall on the next day around midnight).
    const day = new Date();
    const at = (h: number, m: number) => {
      const d = new Date(day);
      d.setHours(h, m, 0, 0);
      return d;
    };
    const responses = context.services.responses;
    expect(await responses.pullDue(at(6, 59))).toEqual([]);
    expect(await responses.pullDue(at(7, 0))).toEqual(['Sandbox']);
    expect(await responses.pullDue(at(23, 59))).toEqual([]);
    const activity = await call<{ entries: { kind: string; profile: string | null }[] }>('activity.list', { limit: 3 });
    expect(activity.entries.some((e) => e.kind === 'pull' && e.profile === 'Sandbox')).toBe(true);
  });
});
