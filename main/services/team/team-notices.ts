import pg from 'pg';

/** NOTIFY channel on which every send state change is announced. */
export const TEAM_CHANNEL = 'loopdesk_sends';

/** What a NOTIFY carries. */
export interface TeamNotice {
  readonly sendId: string;
  readonly state: string;
  readonly workstation: string;
}

/** Announces a state change on {@link TEAM_CHANNEL}, inside the caller's transaction (sent on commit). */
export function notifyState(c: pg.PoolClient, sendId: string, state: string, workstation: string): Promise<pg.QueryResult> {
  return c.query('SELECT pg_notify($1, $2)', [TEAM_CHANNEL, JSON.stringify({ sendId, state, workstation } satisfies TeamNotice)]);
}

/**
 * LISTENs on `channel` over a connection of its own, which comes back a second after it drops
 * (or fails to connect): the one mechanism behind every team watch. `onPayload` gets each
 * notice's payload; `onConnected` runs after each (re)connect, since notices sent meanwhile
 * were not heard. Returns the stop function.
 */
export async function listenTeamChannel(
  config: pg.ClientConfig,
  channel: string,
  onPayload: (payload: string | undefined) => void,
  onConnected?: () => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const again = () => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, 1_000);
    retry.unref();
  };
  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client(config);
    client = c;
    c.on('error', () => undefined);
    c.on('end', again);
    c.on('notification', (n) => {
      if (n.channel === channel) onPayload(n.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      onConnected?.();
    } catch {
      await c.end().catch(() => undefined);
      again();
    }
  };
  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}

/**
 * Calls `listener` for every notice on {@link TEAM_CHANNEL}; returns the stop function. State
 * changes while the connection is down are missed as notices, but the journal itself is in the
 * database and the next list shows them.
 */
export function watchTeamNotices(config: pg.ClientConfig, listener: (notice: TeamNotice) => void): Promise<() => Promise<void>> {
  return listenTeamChannel(config, TEAM_CHANNEL, (payload) => {
    if (!payload) return;
    try {
      listener(JSON.parse(payload) as TeamNotice);
    } catch {
      // A payload we cannot read is not ours to act on.
    }
  });
}
