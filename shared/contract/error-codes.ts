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
