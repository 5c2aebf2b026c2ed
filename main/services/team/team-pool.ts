import pg from 'pg';
import { AppError, isAppError } from '../../../shared/contract/result';
import { connectionConfig, describeUrl } from './team-connection';
import { isConnectionError, isPgError, unavailable } from './team-errors';
import { TEAM_MIGRATIONS } from './team-migrations';
import type { TeamStoreOptions } from './team-options';

/** The store's connection to the team database: a small pool whose failures become TEAM_UNAVAILABLE. */
export interface TeamDb {
  /** The URL as configured (for the commands messages suggest). */
  readonly url: string;
  /** Where it connects (without the password). */
  readonly target: string;
  /** The client configuration, for connections outside the pool (LISTEN). */
  readonly config: pg.ClientConfig;
  /** Runs one statement on any pooled connection. */
  query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Runs `work` in one transaction on one connection. */
  transaction<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T>;
  end(): Promise<void>;
}

/** Opens the pool (connections are made on first use). */
export function openTeamPool(options: Pick<TeamStoreOptions, 'url' | 'password' | 'timeoutMs'>): TeamDb {
  const config = connectionConfig(options.url, options.password, options.timeoutMs);
  const pool = new pg.Pool({ ...config, max: 4 });
  // An idle connection dropped by the server or the network must not crash the process.
  pool.on('error', () => undefined);

  const query = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> => {
    try {
      return await pool.query<R>(sql, params);
    } catch (e) {
      throw unavailable(options.url, e);
    }
  };
  const transaction = async <T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      throw unavailable(options.url, e);
    }
    let broken = false;
    // A connection that drops between two statements reports it as an 'error' event on the client;
    // unheard, that would end the process. The failing statement reports it to us as well.
    const onError = () => (broken = true);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      broken = isConnectionError(e);
      await client.query('ROLLBACK').catch(() => undefined);
      // Unique violations are answers the caller handles (lock taken, name taken); the rest are not.
      throw isAppError(e) || (isPgError(e) && e.code === '23505') || (e as { taken?: boolean }).taken ? e : unavailable(options.url, e);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  };
  return { url: options.url, target: describeUrl(options.url), config, query, transaction, end: () => pool.end() };
}

/**
 * Fails with TEAM_UNAVAILABLE unless `team init` ran and applied every migration this Loopdesk
 * knows. Each version is checked, not the highest: migrations are applied by number, so a
 * database can hold a later one without an earlier one (both added in one release).
 */
export async function checkTeamSchema(db: TeamDb): Promise<void> {
  const schema = await db.query<{ version: number }>('SELECT version FROM team_migrations').catch((e) => {
    if (isAppError(e) && /team_migrations/.test(e.message)) {
      throw new AppError('TEAM_UNAVAILABLE', 'error.team.notInitialised', { target: db.target, url: db.target }, { reason: 'not-initialised' });
    }
    throw e;
  });
  const applied = new Set(schema.rows.map((r) => Number(r.version)));
  const missing = TEAM_MIGRATIONS.find((m) => !applied.has(m.version));
  if (missing) {
    const version = Math.max(0, ...[...applied].filter((v) => v < missing.version));
    const latest = Math.max(...TEAM_MIGRATIONS.map((m) => m.version));
    throw new AppError('TEAM_UNAVAILABLE', 'error.team.schemaOutdated', { target: db.target, version, latest, url: db.target }, { reason: 'schema-outdated', version, latest });
  }
}
