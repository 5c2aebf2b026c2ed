import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_BIN, startPostgres, type PostgresHandle } from '../../helpers/postgres';

describe('PostgreSQL test helper', () => {
  let pg: PostgresHandle;
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it('runs a private cluster on a loopback port that asks for the password', () => {
    const out = execFileSync(`${PG_BIN}/psql`, [pg.urlWithPassword, '-qAt', '-c', 'SELECT current_user, version()'], { encoding: 'utf8' });
    expect(out).toMatch(new RegExp(`^${pg.user}\\|PostgreSQL 15`));
    expect(() => execFileSync(`${PG_BIN}/psql`, [pg.url, '-qAt', '-w', '-c', 'SELECT 1'], { encoding: 'utf8', stdio: 'pipe', env: { ...process.env, PGPASSWORD: '' } })).toThrow(/password/);
  });

  it('stops by PID and leaves no cluster behind', async () => {
    const pid = pg.pid;
    const dir = pg.dir;
    await pg.stop();
    expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(dir)).toBe(false);
  });
});
