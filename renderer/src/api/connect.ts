import type { Transport } from '../../../shared/contract/client';
import type { Result } from '../../../shared/contract/result';
import { createSocketTransport } from '../../../shared/contract/wire';
import { EN_MESSAGES } from '../../../shared/i18n/messages';

/** What the Electron preload puts on `window`: one flat invoke and subscribe. */
export interface PreloadBridge {
  invoke(channel: string, payload: unknown): Promise<Result<unknown>>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
  /** The path of a dropped or picked file on this machine (Electron's `webUtils.getPathForFile`). */
  pathForFile?(file: File): string;
  /** Shows a file Loopdesk wrote under its data dir in the system file manager; false when it cannot. */
  reveal?(path: string): Promise<boolean>;
}

declare global {
  interface Window {
    /** Present only inside the Electron host (set by the preload script). */
    loopdesk?: PreloadBridge;
  }
}

/** Which host the window talks to, and how to reach it. */
export interface HostConnection {
  readonly transport: Transport;
  readonly kind: 'electron' | 'browser';
  /** Called once if the connection to the host goes away (browser host only). */
  onLost(listener: () => void): void;
}

/** Why the window could not reach its host: a catalog key, shown in the operator's language. */
export type HostConnectionProblem = 'shell.failure.noToken' | 'shell.failure.unreachable';

/**
 * Explains a connection problem to the operator; shown instead of the app. The window shows
 * {@link messageId} in its language; `message` is the English text, for the console.
 */
export class HostConnectionError extends Error {
  constructor(readonly messageId: HostConnectionProblem) {
    super(EN_MESSAGES[messageId].replace(/<\/?code>/g, '`'));
    this.name = 'HostConnectionError';
  }
}

/**
 * Picks the transport: the preload bridge inside Electron, otherwise the browser host's
 * WebSocket, authenticated with the per-launch token from the page URL.
 */
export async function connectToHost(win: Window = window): Promise<HostConnection> {
  const bridge = win.loopdesk;
  if (bridge) {
    return { kind: 'electron', transport: { invoke: (c, p) => bridge.invoke(c, p), subscribe: (e, l) => bridge.subscribe(e, l) }, onLost: () => {} };
  }
  const token = new URLSearchParams(win.location.search).get('token');
  if (!token) {
    throw new HostConnectionError('shell.failure.noToken');
  }
  const scheme = win.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${win.location.host}/ws?token=${encodeURIComponent(token)}`;
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    const failed = () => reject(new HostConnectionError('shell.failure.unreachable'));
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', failed, { once: true });
    socket.addEventListener('close', failed, { once: true });
  });
  const lostListeners = new Set<() => void>();
  socket.addEventListener('close', () => {
    for (const l of lostListeners) l();
  });
  return {
    kind: 'browser',
    transport: createSocketTransport(socket),
    onLost: (listener) => void lostListeners.add(listener),
  };
}
