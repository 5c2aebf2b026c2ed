import { createServer, connect, type Server, type Socket } from 'node:net';
import { createRng, type Rng } from '../../main/services/sandbox/prng';

/** Which way bytes flow through the proxy: client → server or server → client. */
export type FaultDirection = 'toServer' | 'toClient';

/**
 * What the proxy does with one connection.
 *
 * - `pass`: forwards everything.
 * - `cut`: forwards `afterBytes` bytes in `direction`, then destroys both sides (`reset` sends
 *   a TCP RST to both, as a dropped NAT entry or a crashed middlebox would; otherwise FIN).
 * - `stall`: forwards `afterBytes` bytes in `direction`, then forwards nothing more that way
 *   while both sockets stay open (a hung server or a black-holed route).
 * - `throttle`: forwards both ways at most `bytesPerSecond` each (a slow but working link).
 * - `latency`: forwards everything, each chunk `ms` later, both ways (a real server is not on
 *   loopback: 20 ms each way is a link across a country). Bandwidth stays the loopback's.
 * - `cut-reply`: forwards everything until the client has sent `requestEndsAt` bytes, then
 *   drops the link on the server's next byte: the server got the request, the client never
 *   sees the answer. Anchored on the client's byte count, which (unlike the server's window
 *   adjustments) is the same in every run.
 */
export type FaultPlan =
  | { readonly kind: 'pass' }
  | { readonly kind: 'cut'; readonly direction: FaultDirection; readonly afterBytes: number; readonly reset?: boolean }
  | { readonly kind: 'stall'; readonly direction: FaultDirection; readonly afterBytes: number }
  | { readonly kind: 'throttle'; readonly bytesPerSecond: number }
  | { readonly kind: 'latency'; readonly ms: number }
  | { readonly kind: 'cut-reply'; readonly requestEndsAt: number; readonly reset?: boolean };

/** What happened on one proxied connection. */
export interface ProxiedConnection {
  /** 0-based, in accept order. */
  readonly index: number;
  readonly plan: FaultPlan;
  /** Bytes forwarded client → server so far. */
  readonly bytesToServer: number;
  /** Bytes forwarded server → client so far. */
  readonly bytesToClient: number;
  /** The fault that fired, if any. */
  readonly injected: 'cut' | 'stall' | null;
  /** Whether both sides are closed. */
  readonly closed: boolean;
}

/** Counters over the proxy's lifetime. */
export interface FaultProxyStats {
  readonly connections: number;
  /** Cuts and stalls that actually fired (a planned fault past the end of a connection does not count). */
  readonly faultsInjected: number;
  readonly cuts: number;
  readonly stalls: number;
}

/** Options for {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** Where the real server listens; always on 127.0.0.1 unless given. */
  readonly targetHost?: string;
  readonly targetPort: number;
  /** Seed of {@link FaultProxy.rng}, so "random" fault offsets replay identically. */
  readonly seed?: string | number;
}

/** A running fault-injecting TCP proxy. */
export interface FaultProxy {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Seeded random source for choosing offsets and directions. */
  readonly rng: Rng;
  /** Plan for every new connection that has no queued plan (default: pass). */
  setDefault(plan: FaultPlan): void;
  /** Queues plans for the next connections, one each, in order; later connections get the default. */
  planNext(...plans: FaultPlan[]): void;
  /** Drops queued plans. */
  clearQueue(): void;
  /** Every connection so far, oldest first. */
  connections(): readonly ProxiedConnection[];
  stats(): FaultProxyStats;
  /** Resolves when every connection accepted so far is closed on both sides (or after `timeoutMs`). */
  idle(timeoutMs?: number): Promise<boolean>;
  /** Stops listening and destroys every open connection. */
  stop(): Promise<void>;
}

/** Bytes a throttled direction may release per tick; ticks are short so pacing stays smooth. */
const THROTTLE_TICK_MS = 25;

interface Conn {
  index: number;
  plan: FaultPlan;
  bytesToServer: number;
  bytesToClient: number;
  injected: 'cut' | 'stall' | null;
  client: Socket;
  server: Socket;
  closed: boolean;
  timers: NodeJS.Timeout[];
}

/**
 * Starts a TCP proxy on 127.0.0.1 that injects one planned fault per connection.
 *
 * The reliability tests need faults at exact byte offsets of a real SSH stream (mid key
 * exchange, mid upload, just after the rename request), which neither killing sshd nor
 * stopping the sandbox can give. Counting happens here so reports show what really fired.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const targetHost = options.targetHost ?? '127.0.0.1';
  const rng = createRng('fault-proxy', options.seed ?? 1);
  const conns: Conn[] = [];
  const queue: FaultPlan[] = [];
  let fallback: FaultPlan = { kind: 'pass' };
  let faultsInjected = 0;
  let cuts = 0;
  let stalls = 0;

  const closeBoth = (c: Conn, reset: boolean) => {
    for (const t of c.timers) clearInterval(t);
    for (const s of [c.client, c.server]) {
      if (reset && typeof s.resetAndDestroy === 'function' && !s.destroyed && s.readyState !== 'opening') s.resetAndDestroy();
      else s.destroy();
    }
  };

  /** Forwards one direction, applying cut/stall at the planned offset. */
  const wire = (c: Conn, from: Socket, to: Socket, direction: FaultDirection) => {
    const counted = () => (direction === 'toServer' ? c.bytesToServer : c.bytesToClient);
    const add = (n: number) => {
      if (direction === 'toServer') c.bytesToServer += n;
      else c.bytesToClient += n;
    };
    const plan = c.plan;
    if (plan.kind === 'throttle') {
      const pending: Buffer[] = [];
      let allowance = 0;
      const perTick = Math.max(1, Math.floor((plan.bytesPerSecond * THROTTLE_TICK_MS) / 1000));
      const timer = setInterval(() => {
        allowance = Math.min(allowance + perTick, perTick * 4);
        while (allowance > 0 && pending.length > 0) {
          const head = pending[0];
          const n = Math.min(head.length, allowance);
          to.write(head.subarray(0, n));
          add(n);
          allowance -= n;
          if (n === head.length) pending.shift();
          else pending[0] = head.subarray(n);
        }
        if (pending.length === 0 && from.isPaused()) from.resume();
      }, THROTTLE_TICK_MS);
      c.timers.push(timer);
      from.on('data', (chunk: Buffer) => {
        pending.push(chunk);
        // Back-pressure, so a throttled upload really slows the sender down.
        if (pending.reduce((s, b) => s + b.length, 0) > perTick * 8) from.pause();
      });
      return;
    }
    if (plan.kind === 'latency') {
      // Timers of one delay fire in the order they were set, so the stream stays in order. What is
      // in flight is bounded by the SSH windows (2 MB per channel), as on a real link.
      from.on('data', (chunk: Buffer) => {
        const t = setTimeout(() => {
          c.timers.splice(c.timers.indexOf(t), 1);
          if (to.destroyed) return;
          add(chunk.length);
          to.write(chunk);
        }, plan.ms);
        c.timers.push(t);
      });
      return;
    }
    const faulty =
      (plan.kind === 'cut' || plan.kind === 'stall') && plan.direction === direction
        ? plan
        : plan.kind === 'cut-reply' && direction === 'toClient'
          ? { kind: 'cut' as const, reset: plan.reset, get afterBytes() {
              // Everything passes until the request is complete; then the next server byte is the cut point.
              return c.bytesToServer >= plan.requestEndsAt ? c.bytesToClient : Number.MAX_SAFE_INTEGER;
            } }
          : null;
    let stopped = false;
    from.on('data', (chunk: Buffer) => {
      if (stopped) return;
      if (!faulty) {
        add(chunk.length);
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
        return;
      }
      const room = faulty.afterBytes - counted();
      if (chunk.length < room) {
        add(chunk.length);
        to.write(chunk);
        return;
      }
      stopped = true;
      const head = chunk.subarray(0, Math.max(0, room));
      add(head.length);
      c.injected = faulty.kind;
      faultsInjected += 1;
      if (faulty.kind === 'cut') {
        cuts += 1;
        // Let the bytes before the cut point reach the other side, then drop the link.
        if (head.length > 0) to.write(head, () => closeBoth(c, faulty.reset === true));
        else closeBoth(c, faulty.reset === true);
      } else {
        stalls += 1;
        if (head.length > 0) to.write(head);
        // Keep reading (and discarding) so the sender's kernel buffers do not signal anything.
      }
    });
  };

  const server: Server = createServer((client) => {
    const plan = queue.shift() ?? fallback;
    const upstream = connect({ host: targetHost, port: options.targetPort });
    const c: Conn = { index: conns.length, plan, bytesToServer: 0, bytesToClient: 0, injected: null, client, server: upstream, closed: false, timers: [] };
    conns.push(c);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    // A faulty link makes both ends fail in many ways; none of it may crash the test process.
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    let open = 2;
    const onClose = () => {
      open -= 1;
      if (open === 0) {
        c.closed = true;
        for (const t of c.timers) clearInterval(t);
      }
    };
    client.once('close', onClose);
    upstream.once('close', onClose);
    // A FIN or close from the client always reaches the server (the client gave up); from the
    // server it is passed on unless the link is stalled, where the client must see nothing.
    client.once('end', () => upstream.end());
    client.once('close', () => upstream.destroy());
    upstream.once('end', () => (c.injected === 'stall' ? undefined : client.end()));
    upstream.once('close', () => (c.injected === 'stall' ? undefined : client.destroy()));
    wire(c, client, upstream, 'toServer');
    wire(c, upstream, client, 'toClient');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('fault proxy did not get a port');

  return {
    host: '127.0.0.1',
    port: address.port,
    rng,
    setDefault(plan) {
      fallback = plan;
    },
    planNext(...plans) {
      queue.push(...plans);
    },
    clearQueue() {
      queue.length = 0;
    },
    connections: () =>
      conns.map((c) => ({ index: c.index, plan: c.plan, bytesToServer: c.bytesToServer, bytesToClient: c.bytesToClient, injected: c.injected, closed: c.closed })),
    stats: () => ({ connections: conns.length, faultsInjected, cuts, stalls }),
    async idle(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (conns.every((c) => c.closed)) return true;
        await new Promise((r) => setTimeout(r, 10));
      }
      return false;
    },
    async stop() {
      for (const c of conns) closeBoth(c, false);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
