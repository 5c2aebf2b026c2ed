import pg from 'pg';

/** Keeps this process busy for `ms`, as a loaded machine or a long synchronous task would. */
export function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy on purpose
  }
}

/**
 * Holds every read of `table` in the team database (an open transaction with an exclusive lock)
 * until the caller commits or rolls back the returned client, and ends it.
 */
export async function lockTeamTable(connectionString: string, table: string): Promise<pg.Client> {
  const locker = new pg.Client({ connectionString });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return locker;
}
