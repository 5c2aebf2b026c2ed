import type { Page } from '@playwright/test';

/**
 * Breaks the Connections screen the realistic way, through bad data from the host: the
 * WebSocket answer to `profiles.list` is replaced by a profile without its clients, which the
 * screen cannot draw. No test-only code is in the app; only the wire is changed.
 */
export async function breakProfilesList(page: Page): Promise<void> {
  await page.routeWebSocket(/\/ws/, (ws) => {
    const server = ws.connectToServer();
    const listCalls = new Set<number>();
    ws.onMessage((m) => {
      const msg = JSON.parse(String(m)) as { type: string; id?: number; channel?: string };
      if (msg.type === 'call' && msg.channel === 'profiles.list' && msg.id !== undefined) listCalls.add(msg.id);
      server.send(m);
    });
    server.onMessage((m) => {
      const msg = JSON.parse(String(m)) as { type: string; id?: number };
      if (msg.type === 'reply' && msg.id !== undefined && listCalls.has(msg.id)) ws.send(JSON.stringify({ type: 'reply', id: msg.id, result: { ok: true, value: [{ name: 'Broken' }] } }));
      else ws.send(m);
    });
  });
}
