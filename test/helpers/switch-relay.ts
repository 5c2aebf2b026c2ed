import { connect, createServer, type Socket } from 'node:net';

/** A loopback TCP relay that can cut its link: what a workstation sees when the network to a server goes away and comes back. */
export interface SwitchRelay {
  readonly port: number;
  /** Drops every open connection (RST) and refuses new ones until {@link SwitchRelay.restore}. */
  cut(): void;
  /** Forwards new connections again. */
  restore(): void;
  stop(): Promise<void>;
}

/**
 * Starts a relay on 127.0.0.1 to `targetPort`. Unlike the fault proxy (a fault per connection,
 * planned ahead), this one cuts the whole link at a moment the test picks, pooled connections
 * included, and keeps it cut.
 */
export async function startSwitchRelay(targetPort: number): Promise<SwitchRelay> {
  const open = new Set<Socket>();
  let down = false;
  const drop = (s: Socket) => (typeof s.resetAndDestroy === 'function' && s.readyState !== 'opening' ? s.resetAndDestroy() : s.destroy());
  const server = createServer((client) => {
    if (down) return drop(client);
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('error', () => undefined);
      s.once('close', () => open.delete(s));
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as { port: number }).port,
    cut() {
      down = true;
      for (const s of open) drop(s);
    },
    restore() {
      down = false;
    },
    async stop() {
      for (const s of open) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
