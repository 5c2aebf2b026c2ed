import type { Result } from './result';
import type { Transport } from './client';

/** Client → host: call a method. */
export interface CallMessage {
  readonly type: 'call';
  readonly id: number;
  readonly channel: string;
  readonly payload: unknown;
}
/** Client → host: start or stop receiving an event. */
export interface SubscriptionMessage {
  readonly type: 'subscribe' | 'unsubscribe';
  readonly event: string;
}
/** Host → client: the result of a call. */
export interface ReplyMessage {
  readonly type: 'reply';
  readonly id: number;
  readonly result: Result<unknown>;
}
/** Host → client: an event payload. */
export interface EventMessage {
  readonly type: 'event';
  readonly event: string;
  readonly payload: unknown;
}

/** The subset of the WebSocket API both browsers and the `ws` package provide. */
export interface SocketLike {
  send(data: string): void;
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: () => void): void;
  readonly readyState: number;
}

/**
 * A {@link Transport} over a WebSocket to the browser host. Calls made after the socket
 * closes resolve to a CONNECTION_FAILED result instead of hanging.
 */
export function createSocketTransport(socket: SocketLike): Transport {
  let nextId = 1;
  let closed = false;
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const lost: Result<unknown> = {
    ok: false,
    error: { code: 'CONNECTION_FAILED', message: 'The connection to the Loopdesk host was lost. Restart `loopdesk serve` and reload this page.' },
  };

  socket.addEventListener('message', (ev) => {
    let msg: ReplyMessage | EventMessage;
    try {
      msg = JSON.parse(String(ev.data));
    } catch {
      return;
    }
    if (msg.type === 'reply') {
      pending.get(msg.id)?.(msg.result);
      pending.delete(msg.id);
    } else if (msg.type === 'event') {
      for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
    }
  });
  socket.addEventListener('close', () => {
    closed = true;
    for (const resolve of pending.values()) resolve(lost);
    pending.clear();
  });

  return {
    invoke(channel, payload) {
      if (closed) return Promise.resolve(lost);
      const id = nextId++;
      const message: CallMessage = { type: 'call', id, channel, payload };
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify(message));
      });
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        listeners.set(event, (set = new Set()));
        if (!closed) socket.send(JSON.stringify({ type: 'subscribe', event } satisfies SubscriptionMessage));
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) {
          listeners.delete(event);
          if (!closed) socket.send(JSON.stringify({ type: 'unsubscribe', event } satisfies SubscriptionMessage));
        }
      };
    },
  };
}
