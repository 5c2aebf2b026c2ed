import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/contract/result';
import { checkTeamUrl } from '../../../main/services/team/team-connection';
import { migrateTeamDatabase } from '../../../main/services/team/team-store';
import { startPostgres, type PostgresHandle } from '../../helpers/postgres';

describe('team database URL and TLS, as PostgreSQL users expect', () => {
  let pgServer: PostgresHandle;
  beforeAll(async () => {
    pgServer = await startPostgres({ tls: true });
  });
  afterAll(async () => {
    await pgServer?.stop();
  });

  const init = (query: string) => migrateTeamDatabase({ url: `${pgServer.url}${query}`, password: pgServer.password, timeoutMs: 5_000 });

  it('sslmode=require encrypts without checking the certificate (libpq), as psql does', async () => {
    await expect(init('?sslmode=require')).resolves.toEqual(expect.any(Array));
  });

  it('sslmode=verify-full refuses a certificate no trusted CA signed', async () => {
    const err = await init('?sslmode=verify-full').catch((e) => e);
    expect(isAppError(err) && err.code).toBe('TEAM_UNAVAILABLE');
    expect((err as Error).message).toMatch(/certificate/i);
  });

  it('sslmode=disable and no sslmode connect in plain text (the server allows both here)', async () => {
    await expect(init('?sslmode=disable')).resolves.toEqual([]);
    await expect(init('')).resolves.toEqual([]);
  });

  it('refuses a URL with a password, or that is not PostgreSQL', () => {
    expect(() => checkTeamUrl('postgres://anna:secret@db.example.com/loopdesk')).toThrow(/contains a password/);
    expect(() => checkTeamUrl('mysql://anna@db.example.com/loopdesk')).toThrow(/postgres:\/\//);
    expect(() => checkTeamUrl('postgres://anna@db.example.com')).toThrow(/host and a database/);
    expect(checkTeamUrl('postgresql://anna@db.example.com:5433/loopdesk?sslmode=verify-full')).toBe('postgresql://anna@db.example.com:5433/loopdesk?sslmode=verify-full');
  });
});
