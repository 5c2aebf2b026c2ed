import type { ErrorDetails } from './error-details';

/**
 * Error codes every service may return. One enum for the whole app, so the renderer
 * can decide what to show (and what to offer) from the code alone.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'UNKNOWN_CHANNEL',
  'FORBIDDEN',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CONFLICT',
  'AUTH_FAILED',
  'HOST_KEY_UNKNOWN',
  'HOST_KEY_CHANGED',
  'CONNECTION_FAILED',
  'TIMEOUT',
  'REMOTE_ERROR',
  'PERMISSION_DENIED',
  'TARGET_EXISTS',
  'TRANSFER_FAILED',
  'DATA_DIR_IN_USE',
  'SECRET_UNAVAILABLE',
  'UNSUPPORTED_FILE',
  'VALIDATION_FAILED',
  /** Rows name another source mailing than the chosen one; details: `SourceMailingMismatch` (recipients.ts). */
  'SOURCE_MAILING_MISMATCH',
  'NOT_IMPLEMENTED',
  /** Team mode: the team database cannot be reached (or refused the login); new sends wait, everything local keeps working. */
  'TEAM_UNAVAILABLE',
  'INTERNAL',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An expected failure of code `C`, carried as a value across every transport. */
export interface AppErrorOf<C extends ErrorCode> {
  /** Machine-readable reason; the renderer branches on it. */
  readonly code: C;
  /** One or two sentences for the operator: what happened and what to do. */
  readonly message: string;
  /** Structured extras (fingerprints, row numbers, paths), shaped by the code's schema in `error-details.ts`. */
  readonly details?: ErrorDetails<C>;
}

/** An expected failure; narrowing on `code` narrows `details` to that code's schema. */
export type AppErrorInfo = { [C in ErrorCode]: AppErrorOf<C> }[ErrorCode];

/** The result of every service call: a value, or an expected failure. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: AppErrorInfo };

/**
 * Thrown by services for expected failures; the dispatcher turns it into a result value,
 * because custom error fields do not survive Electron IPC. The details are type-checked
 * against the code's schema (`ERROR_DETAILS`), so a client can build its message from them.
 */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  /** See {@link AppErrorOf.code}. */
  readonly code: C;
  /** See {@link AppErrorOf.details}. */
  readonly details?: ErrorDetails<C>;

  constructor(code: C, message: string, details?: ErrorDetails<C>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  /**
   * Rebuilds an error that crossed a thread or process boundary as plain data. Its details
   * were checked where it was first made, so they are taken as they are.
   */
  static fromInfo(info: { readonly code: ErrorCode; readonly message: string; readonly details?: unknown }): AppError {
    return new AppError(info.code, info.message, info.details as ErrorDetails<ErrorCode> | undefined);
  }

  /** The plain-data form sent over the wire. */
  toInfo(): AppErrorInfo {
    return (this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details }) as AppErrorInfo;
  }
}

/** Builds a success result. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Builds a failure result. */
export function fail<C extends ErrorCode>(code: C, message: string, details?: ErrorDetails<C>): Result<never> {
  return { ok: false, error: (details === undefined ? { code, message } : { code, message, details }) as AppErrorInfo };
}

/** Narrowing helper: true for an {@link AppError} (also across realms, by shape). */
export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError || (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'AppError' && typeof (e as { code?: unknown }).code === 'string');
}

/** Narrowing helper: true for an {@link AppError} of code `code`, so its `details` have that code's type. */
export function isAppErrorOf<C extends ErrorCode>(e: unknown, code: C): e is AppError<C> {
  return isAppError(e) && e.code === code;
}
