import pg from 'pg';
import { TEAM_CHANNEL, type TeamNotice } from './team-store-types';

/** Announces a state change on {@link TEAM_CHANNEL}, inside the caller's transaction (sent on commit). */
export function notifyState(c: pg.PoolClient, sendId: string, state: string, workstation: string): Promise<pg.QueryResult> {
  return c.query('SELECT pg_notify($1, $2)', [TEAM_CHANNEL, JSON.stringify({ sendId, state, workstation } satisfies TeamNotice)]);
}

/** Calls `listener` for every notice on {@link TEAM_CHANNEL}, over its own connection; returns the stop function. */
export async function watchTeamNotices(config: pg.ClientConfig, listener: (notice: TeamNotice) => void): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  // One dedicated connection LISTENs; when it drops, it comes back (state changes meanwhile are
  // missed as notices, but the journal itself is in the database and the next list shows them).
  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client(config);
    client = c;
    c.on('error', () => undefined);
    c.on('end', () => {
      if (!stopped) retry = setTimeout(() => void connect(), 1_000);
    });
    c.on('notification', (n) => {
      if (n.channel !== TEAM_CHANNEL || !n.payload) return;
      try {
        listener(JSON.parse(n.payload) as TeamNotice);
      } catch {
        // A payload we cannot read is not ours to act on.
      }
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${TEAM_CHANNEL}`);
    } catch {
      await c.end().catch(() => undefined);
    }
  };
  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
