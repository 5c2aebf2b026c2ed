import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { contracts, METHOD_CHANNELS, type AppErrorInfo, type Result } from '../../shared/contract';
import { errorDetailsProblems } from '../../shared/contract/error-details';
import { createApi, type Transport } from '../../shared/contract/client';
import { createSocketTransport } from '../../shared/contract/wire';
import { openAppContext, type AppContext } from '../../main/app/app-context';
import { createMemoryTransport } from '../../main/core/memory-transport';
import { startBrowserHost, type BrowserHost } from '../../main/host/browser/browser-host';
import { tempDir } from '../helpers/temp-dir';

/**
 * One valid payload per channel. The test below fails when a channel is added to the
 * contract without a sample here, so every method is exercised over both transports.
 */
const samples = (csv: string): Record<string, unknown> => ({
  'app.info': {},
  'profiles.list': {},
  'profiles.save': {
    replace: true,
    profile: {
      name: 'contract',
      host: '127.0.0.1',
      port: 1,
      user: 'u',
      auth: { kind: 'password', password: 'pw-contract-secret' },
      clients: [{ name: 'c', mailings: [{ id: '44018617811', name: 'Newsletter' }] }],
    },
  },
  'profiles.get': { name: 'contract' },
  'app.dataAtRest': {},
  'profiles.probeHostKey': { name: 'contract' },
  'profiles.trust': { name: 'contract', fingerprint: `SHA256:${'A'.repeat(43)}` },
  'profiles.untrust': { name: 'contract', fingerprint: `SHA256:${'A'.repeat(43)}` },
  'profiles.setSecret': { name: 'contract', secret: 'pw2', remember: false },
  'profiles.test': { name: 'contract' },
  'activity.list': { limit: 5 },
  'recipients.inspect': { profile: 'contract', client: 'c', path: csv },
  'recipients.inspectCatalog': { profile: 'contract', client: 'c', path: csv },
  'recipients.validate': { profile: 'contract', client: 'c', path: csv, sourceMailingId: '44018617811', mapping: [] },
  'recipients.saveMapping': { profile: 'contract', client: 'c', headers: ['Email'], mapping: [] },
  'mailings.save': { profile: 'contract', client: 'c', mailing: { id: '44018617812', name: 'Second' } },
  'mailings.retire': { profile: 'contract', client: 'c', id: '44018617812' },
  'mailings.list': {},
  'sends.create': { profile: 'contract', client: 'c', path: csv, sourceMailingId: '44018617811', mapping: [] },
  'sends.list': {},
  'sends.get': { id: 'no-such-send' },
  'sends.cancel': { id: 'no-such-send' },
  'sends.refresh': {},
  'sends.approve': { id: 'no-such-send' },
  'sends.reject': { id: 'no-such-send', reason: 'wrong list' },
  'sends.resolveHold': { id: 'no-such-send', choice: 'isThisSend' },
  'team.status': {},
  'responses.pull': { profile: 'contract' },
  'responses.files': {},
  'responses.columns': { view: 'clicks' },
  'responses.query': { view: 'clicks', startRow: 0, endRow: 100, sortModel: [{ colId: 'created', sort: 'desc' }] },
  'responses.count': { view: 'clicks', filterModel: {} },
  'responses.mailings': {},
  'responses.report': { mailingIds: ['51106527229'] },
  'responses.exportView': { view: 'opens' },
  'responses.exportReport': { mailingId: '51106527229' },
  'responses.softBounceDraft': { mailingId: '51106527229' },
  'responses.deleteOlderThan': { before: '2000-01-01T00:00:00Z' },
  'responses.suppressionImport': { path: csv, reason: 'contract test' },
  'responses.suppressionList': {},
  'responses.suppressionExport': {},
  'responses.suppressionRemove': { email: 'anna@example.com', reason: 'contract test' },
  'app.setRetention': { days: 0 },
  'app.language': { system: 'de-DE' },
  'app.setLanguage': { language: 'en' },
  'app.setEncryption': { encrypt: false },
  // Team mode only: this workstation is alone (test/integration/team/team-shared-profiles.test.ts has the team).
  'profiles.share': { name: 'contract', shared: true },
  'profiles.reload': { name: 'contract' },
  'profiles.conflict': { name: 'contract' },
  'profiles.resolve': { name: 'contract', keep: 'mine', teamVersion: 1 },
  'profiles.remove': { name: 'contract' },
  'profiles.removed': {},
  // Nothing of that name was removed: a clear NOT_FOUND (test/integration/app/profile-undo.test.ts restores for real).
  'profiles.restore': { name: 'never-removed' },
});

/** Channels that must reach a server: with nothing listening they end in a clear expected error. */
const EXPECTED_FAILURES: Record<string, string> = {
  'profiles.probeHostKey': 'CONNECTION_FAILED',
  'profiles.test': 'CONNECTION_FAILED',
  'sends.get': 'NOT_FOUND',
  'responses.pull': 'CONNECTION_FAILED',
  'responses.softBounceDraft': 'NOT_FOUND',
  'sends.cancel': 'NOT_FOUND',
  // Four-eyes decisions need team mode; this workstation is alone.
  'sends.approve': 'FORBIDDEN',
  'sends.reject': 'FORBIDDEN',
  'sends.resolveHold': 'NOT_FOUND',
  // Sharing a profile needs team mode too.
  'profiles.share': 'FORBIDDEN',
  'profiles.reload': 'FORBIDDEN',
  'profiles.conflict': 'FORBIDDEN',
  'profiles.resolve': 'FORBIDDEN',
  'profiles.restore': 'NOT_FOUND',
};

let data: ReturnType<typeof tempDir>;
let context: AppContext;
let host: BrowserHost;
let SAMPLES: Record<string, unknown>;

beforeAll(async () => {
  data = tempDir();
  const csv = join(data.path, 'recipients.csv');
  writeFileSync(csv, 'Email;First name\nanna@example.com;Anna\n');
  SAMPLES = samples(csv);
  context = await openAppContext({ dataDir: data.path, host: 'memory', secrets: null });
  host = await startBrowserHost(context, { port: 0, rendererDir: data.path });
});
afterAll(async () => {
  await host?.close();
  await context?.close();
  data?.cleanup();
});

function openSocket(url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

async function socketTransport(): Promise<{ transport: Transport; ws: WebSocket }> {
  const ws = await openSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { origin: `http://127.0.0.1:${host.port}` });
  return { transport: createSocketTransport(ws as never), ws };
}

/**
 * Where the value a method returned breaks the method's output schema (its contract), as
 * `path: message` lines; empty when it fits. Checked on what the client received.
 */
function outputProblems(channel: string, value: unknown): string[] {
  const [service, name] = channel.split('.') as [keyof typeof contracts, string];
  const spec = (contracts[service].methods as Record<string, { output: { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } } }>)[name];
  const parsed = spec.output.safeParse(value) as { success: boolean; data?: unknown; error?: { issues: { path: PropertyKey[]; message: string }[] } };
  if (!parsed.success) return (parsed.error?.issues ?? []).map((i) => `${i.path.map(String).join('.') || '(value)'}: ${i.message}`);
  // Parsing drops keys the schema does not name: a value that lost any carried fields outside its contract.
  return isDeepStrictEqual(parsed.data, value) ? [] : [`fields outside the contract: parsed ${JSON.stringify(parsed.data).slice(0, 300)}`];
}

async function runAll(transport: Transport): Promise<Record<string, Result<unknown>>> {
  const results: Record<string, Result<unknown>> = {};
  for (const [channel, payload] of Object.entries(SAMPLES)) results[channel] = await transport.invoke(channel, payload);
  return results;
}

describe('contract', () => {
  it('has a sample payload for every channel', () => {
    expect([...METHOD_CHANNELS].sort()).toEqual(Object.keys(samples('x')).sort());
  });

  for (const kind of ['memory', 'websocket'] as const) {
    it(`answers every method over the ${kind} transport`, async () => {
      const { transport, ws } = kind === 'memory' ? { transport: createMemoryTransport(context.dispatcher, context.bus), ws: undefined } : await socketTransport();
      const results = await runAll(transport);
      for (const [channel, result] of Object.entries(results)) {
        if (EXPECTED_FAILURES[channel]) {
          expect(result, channel).toMatchObject({ ok: false, error: { code: EXPECTED_FAILURES[channel] } });
          expect((result as { error: { message: string } }).error.message.length, channel).toBeGreaterThan(20);
          // A client builds its own message from code + details: the details fit the code's schema.
          expect(errorDetailsProblems((result as { error: AppErrorInfo }).error), `${channel} failed with ${JSON.stringify(result).slice(0, 400)}`).toEqual([]);
        } else {
          expect(result, `${channel}: ${JSON.stringify(result)}`).toMatchObject({ ok: true });
          expect(outputProblems(channel, (result as { value: unknown }).value), `${channel} returned ${JSON.stringify(result).slice(0, 400)}`).toEqual([]);
        }
      }
      expect(results['profiles.remove']).toEqual({ ok: true, value: { removed: true } });
      expect((results['profiles.list'] as { value: unknown[] }).value).toEqual([]);
      // The next round starts clean: the send made this round must not block the source mailing.
      const created = results['sends.create'] as { ok: true; value: { id: string } };
      expect(await transport.invoke('sends.cancel', { id: created.value.id })).toMatchObject({ ok: true });
      ws?.close();
    });
  }

  it('the typed client reaches services and events arrive over the WebSocket', async () => {
    const { transport, ws } = await socketTransport();
    const api = createApi(transport);
    const seen: unknown[] = [];
    const off = transport.subscribe('activity.onEntry', (e) => seen.push(e));
    await new Promise((r) => setTimeout(r, 50));
    const saved = await api.profiles.save({ replace: true, profile: { name: 'events', host: 'h', user: 'u', auth: { kind: 'password' } } });
    expect(saved.ok).toBe(true);
    await expect.poll(() => seen.length).toBeGreaterThan(0);
    expect(seen[0]).toMatchObject({ kind: 'profile', profile: 'events', message: 'Profile created' });
    // The event payload fits its schema in the contract too.
    expect(contracts.activity.events.onEntry.parse(seen[0])).toEqual(seen[0]);
    off();
    await api.profiles.remove({ name: 'events' });
    ws.close();
  });

  it('refuses a payload that fails its schema, naming the field', async () => {
    const transport = createMemoryTransport(context.dispatcher, context.bus);
    const result = await transport.invoke('profiles.save', { profile: { name: 'x', host: 'h', port: 'not a number', user: 'u', auth: { kind: 'password' } } });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect((result as { error: { message: string } }).error.message).toContain('profile.port');
    expect(errorDetailsProblems((result as { error: AppErrorInfo }).error)).toEqual([]);
  });

  it('refuses an unknown channel over both transports', async () => {
    const memory = createMemoryTransport(context.dispatcher, context.bus);
    expect(await memory.invoke('profiles.dropTables', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await memory.invoke('__proto__.constructor', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    const { transport, ws } = await socketTransport();
    expect(await transport.invoke('app.shutdown', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    ws.close();
  });

  it('refuses a WebSocket without the token, with a wrong token, from a foreign Origin or Host', async () => {
    const origin = `http://127.0.0.1:${host.port}`;
    await expect(openSocket(`ws://127.0.0.1:${host.port}/ws`, { origin })).rejects.toThrow('HTTP 401');
    await expect(openSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}x`, { origin })).rejects.toThrow('HTTP 401');
    await expect(openSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(openSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { origin: `http://127.0.0.1:${host.port + 1}` })).rejects.toThrow('HTTP 403');
    await expect(
      openSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { origin: `http://rebind.example:${host.port}`, host: `rebind.example:${host.port}` }),
    ).rejects.toThrow('HTTP 421');
    // HTTP pages and /files under a rebinding Host: test/integration/security/browser-host-refusals.test.ts.
  });
});
