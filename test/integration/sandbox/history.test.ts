import { readFileSync } from 'node:fs';
import path from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { afterAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { startDemoSandbox } from '../../../main/app/demo-sandbox';
import { startSandbox, type SandboxHandle } from '../../../main/services/sandbox';
import { callService } from '../../helpers/call-service';
import { tempDir as helperTempDir } from '../../helpers/temp-dir';
import { readCsv, tempDir } from '../../fixtures/sandbox/files';

/**
 * The seeded demo history (issue 10, item 14): on its first start the demo client already has
 * about 60 days of past mailings with realistic volumes, read over SFTP as Loopdesk reads them,
 * and a new demo data dir shows them in the Responses data at once.
 */

const DAY = 86_400_000;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Every response file of the demo client over SFTP: name → text. */
async function filesOver(sb: SandboxHandle): Promise<Map<string, string>> {
  const sftp = new SftpClient();
  await sftp.connect({ host: sb.host, port: sb.port, username: sb.user, password: sb.password });
  try {
    const out = new Map<string, string>();
    for (const e of (await sftp.list('/demo/responses')).sort((a, b) => a.name.localeCompare(b.name))) out.set(e.name, (await sftp.get(`/demo/responses/${e.name}`)).toString());
    return out;
  } finally {
    await sftp.end();
  }
}

const rows = (files: Map<string, string>, kind: string): Record<string, string>[] => [...files].filter(([n]) => n.endsWith(`_${kind}.csv`)).flatMap(([, t]) => readCsv(t));

/** A sandbox with history on a fresh root, its export at `at`, and its files over SFTP. */
async function historyRun(seed: string, at: Date, days = 60): Promise<{ sb: SandboxHandle; files: Map<string, string> }> {
  const sb = await startSandbox({ root: path.join(tempDir('sandbox-history'), 'root'), seed, interval: 0, history: { days }, now: () => at });
  cleanups.push(() => sb.stop());
  await sb.exportNow();
  return { sb, files: await filesOver(sb) };
}

describe('seeded demo history', () => {
  it('a new root gets ~60 days of mailings with thousands of recipients, bounces, opens over days, clicks on several links and unsubscribes; the server offers the last 30 days', async () => {
    const at = new Date();
    const { sb, files } = await historyRun('history-1', at);
    expect(sb.historyMailings).toBeGreaterThanOrEqual(20);
    const mailings = rows(files, 'mailings');
    const recipients = rows(files, 'mailingrecipients');
    const today = new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
    const cutoff = new Date(at.getTime() - at.getTimezoneOffset() * 60_000 - 31 * DAY).toISOString().slice(0, 10);
    // The server keeps 30 days from each mailing's start, so it shows the last month's mailings.
    expect(mailings.length).toBeGreaterThanOrEqual(10);
    for (const m of mailings) {
      expect(m.started.slice(0, 10) >= cutoff, m.started).toBe(true);
      expect(m.started.slice(0, 10) < today, m.started).toBe(true);
    }
    // Three source mailings take turns.
    expect(new Set(mailings.map((m) => m.mailingGroupId)).size).toBe(3);
    for (const m of mailings) {
      const mine = recipients.filter((r) => r.mailingId === m.id);
      expect(mine.length, `recipients of ${m.id}`).toBeGreaterThanOrEqual(1000);
      expect(mine.length).toBeLessThanOrEqual(4500);
      expect(mine.some((r) => r['response.category'] === 'fatal_bounce')).toBe(true);
      expect(mine.some((r) => r.sendingStatus === 'could_not_be_sent')).toBe(true);
    }
    const opens = rows(files, 'opens');
    const clicks = rows(files, 'clicks');
    // Opens of a mailing sent two weeks or more ago came in over many days; its clicks spread over several links.
    const twoWeeks = new Date(at.getTime() - at.getTimezoneOffset() * 60_000 - 14 * DAY).toISOString().slice(0, 10);
    const biggest = mailings
      .filter((m) => m.started.slice(0, 10) <= twoWeeks)
      .map((m) => m.id)
      .sort((a, b) => recipients.filter((r) => r.mailingId === b).length - recipients.filter((r) => r.mailingId === a).length)[0];
    expect(new Set(opens.filter((o) => o.mailingId === biggest).map((o) => o.created.slice(0, 10))).size).toBeGreaterThanOrEqual(7);
    expect(new Set(clicks.filter((c) => c.mailingId === biggest).map((c) => c.linkId)).size).toBeGreaterThanOrEqual(3);
    expect(rows(files, 'unsubscribes').length).toBeGreaterThan(20);
    expect(rows(files, 'responses').some((r) => r.category === 'bounce' || r.category === 'temporary_bounce')).toBe(true);
    // People recur across mailings, as a customer base does.
    const byPerson = new Map<string, Set<string>>();
    for (const r of recipients) byPerson.set(r.userId, (byPerson.get(r.userId) ?? new Set()).add(r.mailingId));
    expect([...byPerson.values()].some((s) => s.size >= 3)).toBe(true);

    // The part past retention is what earlier daily exports wrote: another month of mailings.
    const earlierDir = tempDir('sandbox-history-earlier');
    const earlier = await sb.earlierExports('demo', earlierDir);
    const earlierMailings = earlier.filter((n) => n.endsWith('_mailings.csv')).flatMap((n) => readCsv(readFileSync(path.join(earlierDir, n), 'utf8')));
    expect(earlierMailings.length).toBeGreaterThanOrEqual(8);
    const all = [...earlierMailings, ...mailings].map((m) => m.started).sort();
    const spanDays = (Date.parse(all.at(-1)!.replace(' ', 'T')) - Date.parse(all[0].replace(' ', 'T'))) / DAY;
    expect(spanDays).toBeGreaterThanOrEqual(50);
    expect(spanDays).toBeLessThanOrEqual(61);
    for (const name of earlier) expect(files.has(name), name).toBe(false);
  });

  it('the same seed gives byte-identical files; another seed does not; a root that is not new gets no history', async () => {
    const at = new Date();
    // Two weeks of history keep this quick; the plan and the generator are the same as for 60 days.
    const a = await historyRun('history-same', at, 14);
    const b = await historyRun('history-same', at, 14);
    const c = await historyRun('history-other', at, 14);
    expect(a.sb.historyMailings).toBeGreaterThanOrEqual(5);
    expect([...a.files.keys()]).toEqual([...b.files.keys()]);
    for (const [name, text] of a.files) expect(b.files.get(name), name).toBe(text);
    expect([...c.files.values()].join('')).not.toBe([...a.files.values()].join(''));
    // Restarting an existing root with history asked for again adds nothing.
    const root = a.sb.root;
    await a.sb.stop();
    const again = await startSandbox({ root, interval: 0, history: true, now: () => at });
    cleanups.push(() => again.stop());
    expect(again.historyMailings).toBe(a.sb.historyMailings);
    await again.exportNow();
    const files = await filesOver(again);
    for (const [name, text] of a.files) expect(files.get(name), name).toBe(text);
  });
});

describe('the demo on a new data dir', () => {
  let context: AppContext;
  it('shows ~60 days of mailings in the Responses data at once, with KPIs; without history (the tests’ default) none', async () => {
    const data = helperTempDir();
    context = await openAppContext({ dataDir: data.path, host: 'memory', secrets: null });
    cleanups.push(async () => {
      await context.close();
      data.cleanup();
    });
    const sandbox = await startDemoSandbox(context, { interval: 0, exportInterval: 0, history: true, seed: 'demo-history' });
    expect(sandbox.historyMailings).toBeGreaterThanOrEqual(20);
    await sandbox.historyLoaded;
    const call = <T>(channel: string, payload: unknown): Promise<T> => callService<T>(context, channel, payload);
    const mailings = await call<{ mailingId: string; started: string | null }[]>('responses.mailings', {});
    expect(mailings).toHaveLength(sandbox.historyMailings);
    const starts = mailings.map((m) => Date.parse(m.started!.replace(' ', 'T'))).sort((x, y) => x - y);
    expect((starts.at(-1)! - starts[0]) / DAY).toBeGreaterThanOrEqual(50);
    const report = await call<{ kpis: { key: string; value: number | null }[]; links: { total: number }[] }>('responses.report', { mailingIds: mailings.map((m) => m.mailingId) });
    const kpi = (k: string) => report.kpis.find((x) => x.key === k)!.value!;
    expect(kpi('sent')).toBeGreaterThan(40_000);
    expect(kpi('hardBounces')).toBeGreaterThan(0);
    expect(kpi('softBounces')).toBeGreaterThan(0);
    expect(kpi('uniqueOpens') / kpi('delivered')).toBeGreaterThan(0.3);
    expect(kpi('totalClicks')).toBeGreaterThan(1000);
    expect(kpi('unsubscribes')).toBeGreaterThan(0);
    expect(report.links.filter((l) => l.total > 0).length).toBeGreaterThanOrEqual(3);

    // The next start of the same data dir loads nothing again: same mailings, same files.
    // Both parts are in the file ledger: ~60 days of seven files, every one ingested.
    const ledger = await call<{ status: string }[]>('responses.files', { profile: 'Sandbox' });
    expect(ledger.length).toBeGreaterThanOrEqual(50 * 7);
    expect(ledger.filter((f) => f.status !== 'ingested')).toEqual([]);
    const files = ledger.length;
    await context.close();
    context = await openAppContext({ dataDir: data.path, host: 'memory', secrets: null });
    const restarted = await startDemoSandbox(context, { interval: 0, exportInterval: 0, history: true });
    await restarted.historyLoaded;
    expect(await call<unknown[]>('responses.mailings', {})).toHaveLength(mailings.length);
    expect(await call<unknown[]>('responses.files', { profile: 'Sandbox' })).toHaveLength(files);

    // The tests' default: no history.
    const plain = helperTempDir();
    const other = await openAppContext({ dataDir: plain.path, host: 'memory', secrets: null });
    try {
      const sb = await startDemoSandbox(other, { interval: 0, exportInterval: 0 });
      expect(sb.historyMailings).toBe(0);
      await sb.exportNow();
      expect((await callService<{ files: unknown[] }>(other, 'responses.pull', { profile: 'Sandbox' })).files.length).toBe(7);
      expect(await callService<unknown[]>(other, 'responses.mailings', {})).toEqual([]);
    } finally {
      await other.close();
      plain.cleanup();
    }
  });
});
