import { AppError, isAppError } from '../../../shared/contract/result';
import { describeUrl, TEAM_PASSWORD_ENV } from './team-connection';

/** An error PostgreSQL sent back (with its SQLSTATE), as node-postgres hands it over. */
export interface PgError extends Error {
  readonly code: string;
  readonly constraint?: string;
}

/** True for an error the server answered with (it has a five-character SQLSTATE and a severity). */
export function isPgError(e: unknown): e is PgError {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((e as unknown as { code: string }).code) && 'severity' in e;
}

/** True when the connection itself may be broken (not a server answer, or a connection/operator-intervention class). */
export function isConnectionError(e: unknown): boolean {
  return !isPgError(e) || /^(08|57P)/.test(e.code);
}

/** The operator's error for a database that cannot be used now; keeps the cause for the log. */
export function unavailable(url: string, e: unknown): AppError {
  if (isAppError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (isPgError(e) && e.code === '28P01') {
    return new AppError('TEAM_UNAVAILABLE', 'error.team.passwordRefused', { target: describeUrl(url), env: TEAM_PASSWORD_ENV }, { reason: 'auth' });
  }
  if (isPgError(e) && !/^(08|57P|53)/.test(e.code)) {
    return new AppError('TEAM_UNAVAILABLE', 'error.team.statementRefused', { target: describeUrl(url), sqlState: e.code, reason: message }, { reason: 'refused', sqlState: e.code });
  }
  return new AppError('TEAM_UNAVAILABLE', 'error.team.unreachable', { target: describeUrl(url), reason: message }, { reason: 'unreachable' });
}
