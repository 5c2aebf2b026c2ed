import pg from 'pg';
import { AppError, isAppError } from '../../../shared/contract/result';
import { connectionConfig, describeUrl } from './team-connection';
import { unavailable } from './team-errors';
import { TEAM_MIGRATIONS, type TeamMigration } from './team-migrations';
import type { TeamStoreOptions } from './team-options';

/** Advisory lock key under which migrations run (one `team init` at a time). */
const MIGRATION_LOCK = 0x10_0d_e5_c0;

/**
 * Applies the pending team migrations once, under an advisory lock, so two `team init` runs (or
 * a join racing an init) never apply one twice. Returns the versions it applied.
 */
export async function migrateTeamDatabase(options: Pick<TeamStoreOptions, 'url' | 'password' | 'timeoutMs'>, migrations: readonly TeamMigration[] = TEAM_MIGRATIONS): Promise<number[]> {
  const client = new pg.Client(connectionConfig(options.url, options.password, options.timeoutMs));
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    throw unavailable(options.url, e);
  }
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS team_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM team_migrations')).rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO team_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
        applied.push(m.version);
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new AppError('TEAM_UNAVAILABLE', 'error.team.migrationFailed', { version: m.version, name: m.name, target: describeUrl(options.url), reason: (e as Error).message }, { reason: 'migration', version: m.version });
      }
    }
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    return applied;
  } catch (e) {
    throw isAppError(e) ? e : unavailable(options.url, e);
  } finally {
    await client.end().catch(() => undefined);
  }
}
