import type pg from 'pg';
import { AppError } from '../../../shared/contract/result';

/** Environment variable holding the team database password (servers, CI); the keychain otherwise. */
export const TEAM_PASSWORD_ENV = 'LOOPDESK_TEAM_PASSWORD';
/** Key of the team password in the secret store. */
export const TEAM_PASSWORD_SECRET = 'team-password';

/**
 * Checks a team URL and returns it as kept in the settings file: `postgres://` or
 * `postgresql://`, a host, a database, and no password (passwords come from the environment
 * or the keychain, never the command line or the settings file).
 */
export function checkTeamUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError('INVALID_INPUT', 'error.team.urlUnreadable', { url }, { url });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new AppError('INVALID_INPUT', 'error.team.urlProtocol', { protocol: parsed.protocol }, { url: describeUrl(url) });
  }
  if (parsed.password) {
    throw new AppError(
      'INVALID_INPUT',
      'error.team.urlPassword',
      { suggested: `postgres://${parsed.username || 'ROLE'}@${parsed.host}${parsed.pathname}${parsed.search}`, env: TEAM_PASSWORD_ENV },
      { url: describeUrl(url) },
    );
  }
  if (!parsed.hostname || parsed.pathname.length <= 1) {
    throw new AppError('INVALID_INPUT', 'error.team.urlIncomplete', {}, { url: describeUrl(url) });
  }
  return url;
}

/** The URL without any password, for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return '(an unreadable team URL)';
  }
}

/**
 * The driver settings for a URL. TLS follows the URL's `sslmode` as libpq (psql) reads it:
 * `disable`, `require` (encrypted, certificate not checked), `verify-ca`, `verify-full`
 * (node-postgres alone would read `require` as `verify-full`), with `sslrootcert`, `sslcert`,
 * `sslkey` as files. Time-outs keep an unreachable database from holding a send up for long.
 */
export function connectionConfig(url: string, password: string | undefined, timeoutMs = 10_000): pg.ClientConfig {
  const u = new URL(url);
  if (u.searchParams.has('sslmode') && !u.searchParams.has('uselibpqcompat')) u.searchParams.set('uselibpqcompat', 'true');
  // node-postgres lets the connection string's fields win over `password`: put it there (in memory only).
  if (password !== undefined) u.password = encodeURIComponent(password);
  return {
    connectionString: u.toString(),
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    keepAlive: true,
    application_name: 'loopdesk',
  };
}
