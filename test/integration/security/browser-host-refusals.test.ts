import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { startBrowserHost, type BrowserHost } from '../../../main/host/browser/browser-host';
import { tempDir } from '../../helpers/temp-dir';

// The browser host's gate, request by request over real HTTP and WebSocket: the token for
// every call, every event subscription and the /files endpoints; another site's Origin
// and a DNS-rebinding Host refused everywhere, static pages included. Raw `http.request`
// so the Host and Origin headers are exactly what an attacker's browser would send.

let data: ReturnType<typeof tempDir>;
let context: AppContext;
let host: BrowserHost;
let own: string;
let reportPath: string;

interface Reply {
  readonly status: number;
  readonly body: string;
}

/** One HTTP request with full control over Host and Origin; `host: null` sends none. */
function http(method: string, path: string, headers: Record<string, string | null> = {}, body?: string): Promise<Reply> {
  const { host: hostHeader, ...rest } = headers;
  const sent: Record<string, string> = {};
  for (const [k, v] of Object.entries(rest)) if (v !== null) sent[k] = v;
  if (hostHeader !== null) sent.host = hostHeader ?? `127.0.0.1:${host.port}`;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, method, path, headers: sent, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens a WebSocket; resolves with it, or rejects with `HTTP <status>` when the upgrade is refused. */
function socket(path: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${path}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      reject(new Error(`HTTP ${res.statusCode}`));
    });
    ws.once('error', reject);
  });
}

function incomingUploads(): string[] {
  const dir = join(context.dataDir, 'incoming');
  return existsSync(dir) ? readdirSync(dir) : [];
}

const FOREIGN_ORIGINS = ['http://evil.example', 'null', 'http://127.0.0.1.evil.example', 'https://127.0.0.1'];

beforeAll(async () => {
  data = tempDir();
  const ui = join(data.path, 'ui');
  mkdirSync(join(ui, 'assets'), { recursive: true });
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Loopdesk</title>');
  writeFileSync(join(ui, 'assets', 'app.js'), 'console.log("app")');
  context = await openAppContext({ dataDir: join(data.path, 'data'), host: 'browser', secrets: null });
  host = await startBrowserHost(context, { port: 0, rendererDir: ui });
  own = `http://127.0.0.1:${host.port}`;
  mkdirSync(join(context.dataDir, 'reports'), { recursive: true });
  reportPath = join(context.dataDir, 'reports', 'report.csv');
  writeFileSync(reportPath, 'a;b\n1;2\n');
});
afterAll(async () => {
  await host?.close();
  await context?.close();
  data?.cleanup();
});

describe('browser host: static pages', () => {
  it('serves the UI to its own address (the control)', async () => {
    expect((await http('GET', '/')).status).toBe(200);
    expect((await http('GET', '/', { host: `localhost:${host.port}` })).status).toBe(200);
    expect((await http('GET', '/assets/app.js', { origin: own })).status).toBe(200);
  });

  it('refuses a DNS-rebinding Host or another port with 421, and no Host at all', async () => {
    for (const hostHeader of [`evil.example:${host.port}`, 'evil.example', `127.0.0.1:${host.port + 1}`, `127.0.0.2:${host.port}`, `[::1]:${host.port}`, null]) {
      for (const path of ['/', '/index.html', '/assets/app.js']) {
        const r = await http('GET', path, { host: hostHeader });
        // Without any Host, Node's HTTP parser answers 400 before the host sees the request.
        expect(r.status, `${path} with Host ${hostHeader}`).toBe(hostHeader === null ? 400 : 421);
        expect(r.body).not.toContain('Loopdesk</title>');
      }
    }
  });

  it('refuses a request from another Origin with 403', async () => {
    for (const origin of FOREIGN_ORIGINS) {
      for (const path of ['/', '/assets/app.js']) {
        const r = await http('GET', path, { origin });
        expect(r.status, `${path} from ${origin}`).toBe(403);
        expect(r.body).not.toContain('console.log');
      }
    }
  });

  it('answers nothing but GET and HEAD', async () => {
    expect((await http('POST', '/', { origin: own }, 'x')).status).toBe(405);
    expect((await http('PUT', '/index.html', { origin: own }, 'x')).status).toBe(405);
  });
});

describe('browser host: /files', () => {
  const upload = (query: string, headers: Record<string, string | null>) => http('POST', `/files?${query}&name=list.csv`, headers, 'Email\nanna@example.com\n');

  it('takes an upload only with the token, from its own Origin, at its own Host', async () => {
    expect((await upload('', { origin: own })).status).toBe(401);
    expect((await upload(`token=${host.token}x`, { origin: own })).status).toBe(401);
    expect((await upload(`token=${host.token.slice(0, -1)}`, { origin: own })).status).toBe(401);
    expect((await upload(`token=`, { origin: own })).status).toBe(401);
    for (const origin of FOREIGN_ORIGINS) expect((await upload(`token=${host.token}`, { origin })).status, origin).toBe(403);
    expect((await upload(`token=${host.token}`, {})).status, 'an upload without Origin').toBe(403);
    expect((await upload(`token=${host.token}`, { origin: `http://evil.example:${host.port}`, host: `evil.example:${host.port}` })).status).toBe(421);
    expect(incomingUploads(), 'a refused upload leaves nothing behind').toEqual([]);

    const ok = await upload(`token=${host.token}`, { origin: own });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).path).toMatch(/list\.csv$/);
    expect(incomingUploads()).toHaveLength(1);
  });

  it('hands out a file only with the token, never to another Origin or Host', async () => {
    const path = `/files?path=${encodeURIComponent(reportPath)}`;
    expect((await http('GET', path)).status).toBe(401);
    expect((await http('GET', `${path}&token=${host.token}0`)).status).toBe(401);
    for (const origin of FOREIGN_ORIGINS) expect((await http('GET', `${path}&token=${host.token}`, { origin })).status, origin).toBe(403);
    expect((await http('GET', `${path}&token=${host.token}`, { host: `evil.example:${host.port}` })).status).toBe(421);
    // A plain download link (no Origin) and the page's own fetch both work.
    expect(await http('GET', `${path}&token=${host.token}`)).toEqual({ status: 200, body: 'a;b\n1;2\n' });
    expect((await http('GET', `${path}&token=${host.token}`, { origin: own })).status).toBe(200);
    // Nothing outside the data dir, even with the token.
    expect((await http('GET', `/files?token=${host.token}&path=${encodeURIComponent('/etc/passwd')}`)).status).toBe(404);
    expect((await http('GET', `/files?token=${host.token}&path=${encodeURIComponent(`${context.dataDir}/../ui/index.html`)}`)).status).toBe(404);
  });
});

describe('browser host: WebSocket (every call and every event subscription)', () => {
  it('refuses the upgrade without the right token, from another Origin, or at another Host', async () => {
    const origin = { origin: own };
    await expect(socket('/ws', origin)).rejects.toThrow('HTTP 401');
    await expect(socket('/ws?token=', origin)).rejects.toThrow('HTTP 401');
    await expect(socket(`/ws?token=${host.token}x`, origin)).rejects.toThrow('HTTP 401');
    await expect(socket(`/ws?token=${host.token.toUpperCase()}`, origin)).rejects.toThrow('HTTP 401');
    await expect(socket(`/ws?tok=${host.token}`, origin)).rejects.toThrow('HTTP 401');
    for (const o of FOREIGN_ORIGINS) await expect(socket(`/ws?token=${host.token}`, { origin: o }), o).rejects.toThrow('HTTP 403');
    await expect(socket(`/ws?token=${host.token}`, {}), 'no Origin').rejects.toThrow('HTTP 403');
    await expect(socket(`/ws?token=${host.token}`, { origin: `http://evil.example:${host.port}`, host: `evil.example:${host.port}` })).rejects.toThrow('HTTP 421');
    await expect(socket(`/?token=${host.token}`, origin)).rejects.toThrow('HTTP 404');
  });

  it('a refused client gets neither replies nor events; the authorised one gets both', async () => {
    // Whatever a refused client tries, it never has a socket to call or subscribe on.
    const attempts = [
      socket('/ws', { origin: own }),
      socket(`/ws?token=${host.token}`, { origin: 'http://evil.example' }),
      socket(`/ws?token=${host.token}`, { origin: `http://evil.example:${host.port}`, host: `evil.example:${host.port}` }),
    ];
    for (const attempt of attempts) await expect(attempt).rejects.toThrow(/HTTP 4\d\d/);

    const ws = await socket(`/ws?token=${host.token}`, { origin: own });
    const messages: { type: string; id?: number; event?: string; result?: { ok: boolean } }[] = [];
    ws.on('message', (m) => messages.push(JSON.parse(String(m))));
    ws.send(JSON.stringify({ type: 'subscribe', event: 'activity.onEntry' }));
    await new Promise((r) => setTimeout(r, 50));
    ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'profiles.save', payload: { profile: { name: 'gate', host: 'h', user: 'u', auth: { kind: 'password' } } } }));
    await expect.poll(() => messages.some((m) => m.type === 'reply' && m.id === 1)).toBe(true);
    expect(messages.find((m) => m.type === 'reply')?.result?.ok).toBe(true);
    await expect.poll(() => messages.some((m) => m.type === 'event' && m.event === 'activity.onEntry')).toBe(true);
    ws.close();
  });
});
