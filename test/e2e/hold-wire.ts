import type { Page, WebSocketRoute } from '@playwright/test';

/**
 * The window's WebSocket to the real host, passed through message by message, except that the
 * answer to (or the call of) `channel` can be held back until the test lets it go: a slow first
 * load, made exact. Nothing is made up; every message is the host's or the window's own.
 * `which` picks the calls of `channel` to hold by their payload (default: all).
 */
export async function throttleChannel(page: Page, channel: string, hold: 'call' | 'reply', which: (payload: unknown) => boolean = () => true) {
  const held: (() => void)[] = [];
  const calls = new Set<number>();
  const seen: { event: string; payload: unknown }[] = [];
  let holding = true;
  await page.routeWebSocket(/\/ws\?token=/, (ws: WebSocketRoute) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      const msg = JSON.parse(String(m)) as { type: string; id?: number; channel?: string; payload?: unknown };
      if (msg.type === 'call' && msg.channel === channel && msg.id !== undefined && which(msg.payload)) {
        calls.add(msg.id);
        if (hold === 'call' && holding) return void held.push(() => server.send(m));
      }
      server.send(m);
    });
    server.onMessage((m) => {
      const msg = JSON.parse(String(m)) as { type: string; id?: number; event?: string; payload?: unknown };
      if (msg.type === 'event' && msg.event) seen.push({ event: msg.event, payload: msg.payload });
      if (msg.type === 'reply' && hold === 'reply' && holding && msg.id !== undefined && calls.has(msg.id)) return void held.push(() => ws.send(m));
      ws.send(m);
    });
  });
  return {
    /** How many messages are being held back. */
    held: () => held.length,
    /** The events the window has received so far. */
    seen: () => seen,
    /** Lets everything held go, in order, and holds nothing more. */
    release() {
      holding = false;
      for (const send of held.splice(0)) send();
    },
  };
}

