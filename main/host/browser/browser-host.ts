import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CallMessage, EventMessage, ReplyMessage, SubscriptionMessage } from '../../../shared/contract/wire';
import { appIntl } from '../../../shared/i18n/intl';
import type { MessageId } from '../../../shared/i18n/messages';
import type { AppContext } from '../../app/app-context';
import { mainLanguage } from '../../app/language';
import { removeDoorFile, writeDoorFile } from './door-file';

/** A running browser host. */
export interface BrowserHost {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/** Options of {@link startBrowserHost}. */
export interface BrowserHostOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  /** Folder of the built renderer (`dist/renderer`). */
  readonly rendererDir: string;
  /**
   * Write the door file (port and token, mode 0600) into the data dir so the `loopdesk` CLI
   * talks to this process instead of refusing; only the data dir's owner sets it.
   */
  readonly doorFile?: boolean;
  /** The access token to keep (a restart of `loopdesk serve` keeps port and token, so open pages reconnect); omitted: a new one. */
  readonly token?: string;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:*; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Serves the renderer and one WebSocket on 127.0.0.1 only. Every WebSocket must carry the
 * per-launch token and come from the host's own Origin and Host (no DNS rebinding); all
 * calls then go through the same dispatcher as Electron IPC.
 */
export async function startBrowserHost(context: AppContext, options: BrowserHostOptions): Promise<BrowserHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = resolve(options.rendererDir);
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  /** A page the browser shows a person (a refusal, a missing UI), in the app's language at the time of the request. */
  const page = (id: MessageId) => appIntl(mainLanguage(context.settings)).formatMessage({ id });

  const serveStatic = (req: IncomingMessage, res: ServerResponse) => {
    if (!allowedHosts().has(req.headers.host ?? '')) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end(page('host.browser.misdirected'));
      return;
    }
    // Browsers send Origin on every cross-origin fetch and form post (never on a plain
    // navigation): one from another site is refused before anything is read or served.
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end(page('host.browser.foreignSite'));
      return;
    }
    if (req.url?.startsWith('/files')) {
      void serveFiles(req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const relative = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
    let file = join(rendererDir, relative || 'index.html');
    if (!file.startsWith(rendererDir + sep) && file !== rendererDir) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(rendererDir, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end(page('host.browser.notBuilt'));
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };

  /**
   * `POST /files?token=…&name=…` stores a file the operator dropped (streamed to the data
   * dir's `incoming/`, never held in memory) and answers its path for the services;
   * `GET /files?token=…&path=…` hands back a file Loopdesk wrote under the data dir
   * (rejected rows, Excel reports). Both need the token; an upload must carry the host's
   * own Origin, a download may come without one (a plain link) but never from another.
   */
  const serveFiles = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    // A refusal carries its catalog key and values (`text`), so the page says it in its own
    // language; `error` is the English sentence, for curl and the console.
    const refuse = (status: number, id: MessageId, values: Record<string, string> = {}) =>
      json(status, { error: appIntl('en').formatMessage({ id }, values), text: { id, values } });
    if (!sameToken(url.searchParams.get('token'), token)) return refuse(401, 'host.files.wrongToken');
    if (req.method === 'POST') {
      if (!allowedOrigins().has(req.headers.origin ?? '')) return refuse(403, 'host.files.foreignOrigin');
      // eslint-disable-next-line no-control-regex -- control characters are what this removes from the file name
      const name = basename(url.searchParams.get('name') ?? '').replace(/[\u0000-\u001f]/g, '') || 'upload';
      const dir = join(context.dataDir, 'incoming', randomBytes(8).toString('hex'));
      await mkdir(dir, { recursive: true });
      const target = join(dir, name);
      try {
        await pipeline(req, createWriteStream(target));
      } catch (e) {
        await rm(dir, { recursive: true, force: true });
        return refuse(400, 'host.files.interrupted', { reason: (e as Error).message });
      }
      return json(200, { path: target });
    }
    if (req.method === 'GET') {
      const wanted = resolve(url.searchParams.get('path') ?? '');
      const dataDir = resolve(context.dataDir);
      if (!wanted.startsWith(dataDir + sep) || !existsSync(wanted) || !statSync(wanted).isFile()) return refuse(404, 'host.files.notFound');
      res.writeHead(200, {
        'content-type': MIME[extname(wanted)] ?? 'application/octet-stream',
        'content-disposition': `attachment; filename="${basename(wanted).replace(/"/g, '')}"`,
        'cache-control': 'no-store',
      });
      createReadStream(wanted).pipe(res);
      return;
    }
    res.writeHead(405, { allow: 'GET, POST' }).end();
  };

  const server: Server = createServer(serveStatic);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const refuse = (status: number, reason: string) => {
      socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}\r\n`);
      socket.destroy();
    };
    if (url.pathname !== '/ws') return refuse(404, 'Not Found');
    if (!allowedHosts().has(req.headers.host ?? '')) return refuse(421, 'Misdirected Request');
    if (!allowedOrigins().has(req.headers.origin ?? '')) return refuse(403, 'Forbidden: foreign Origin');
    if (!sameToken(url.searchParams.get('token'), token)) return refuse(401, 'Unauthorized: missing or wrong token');
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
  });

  const serveSocket = (ws: WebSocket) => {
    const subscriptions = new Map<string, () => void>();
    ws.on('message', async (data) => {
      let msg: CallMessage | SubscriptionMessage;
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      if (msg.type === 'call' && Number.isInteger(msg.id)) {
        const result = await context.dispatcher.handle(msg.channel, msg.payload, { transport: 'websocket' });
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'reply', id: msg.id, result } satisfies ReplyMessage));
      } else if (msg.type === 'subscribe' && context.dispatcher.isEventChannel(msg.event) && !subscriptions.has(msg.event)) {
        const event = msg.event;
        subscriptions.set(
          event,
          context.bus.on(event, (payload) => {
            if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'event', event, payload } satisfies EventMessage));
          }),
        );
      } else if (msg.type === 'unsubscribe') {
        subscriptions.get(msg.event)?.();
        subscriptions.delete(msg.event);
      }
    });
    ws.on('close', () => {
      for (const off of subscriptions.values()) off();
      subscriptions.clear();
    });
  };

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  if (options.doorFile) writeDoorFile(context.dataDir, { port, token, pid: process.pid });
  return {
    url,
    port,
    token,
    async close() {
      if (options.doorFile) removeDoorFile(context.dataDir, token);
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
