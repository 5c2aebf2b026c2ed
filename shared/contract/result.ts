import type { ErrorDetails } from './error-details';
import { appIntl } from '../i18n/intl';
import { EN_MESSAGES, type ErrorMessageId, type MessageValues } from '../i18n/messages';
import type { ErrorCode } from './error-codes';

export { ERROR_CODES, type ErrorCode } from './error-codes';

/** An expected failure of code `C`, carried as a value across every transport. */
export interface AppErrorOf<C extends ErrorCode> {
  /** Machine-readable reason; the renderer branches on it. */
  readonly code: C;
  /** The operator's sentence in English (logs, `--json`): what happened and what to do. Clients show {@link messageId} in their language instead. */
  readonly message: string;
  /** The catalog key of the message (`error.sends.fileMissing`); the client formats it with {@link values}. */
  readonly messageId?: ErrorMessageId;
  /** The placeholders of {@link messageId}. */
  readonly values?: MessageValues;
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

  /** See {@link AppErrorOf.messageId}. */
  readonly messageId?: ErrorMessageId;
  /** See {@link AppErrorOf.values}. */
  readonly values?: MessageValues;

  /** An error whose message is the catalog entry `messageId` with `values` (the English text becomes `message`). */
  constructor(code: C, messageId: ErrorMessageId, values?: MessageValues, details?: ErrorDetails<C>);
  constructor(code: C, messageOrId: string, valuesOrDetails?: unknown, details?: ErrorDetails<C>) {
    const keyed = isErrorMessageId(messageOrId);
    super(keyed ? appIntl('en').formatMessage({ id: messageOrId }, valuesOrDetails as MessageValues | undefined) : messageOrId);
    this.name = 'AppError';
    this.code = code;
    if (keyed) {
      this.messageId = messageOrId;
      this.values = valuesOrDetails as MessageValues | undefined;
      this.details = details;
    } else {
      this.details = valuesOrDetails as ErrorDetails<C> | undefined;
    }
  }

  /**
   * Rebuilds an error that crossed a thread or process boundary as plain data. Its details
   * were checked where it was first made, so they are taken as they are.
   */
  static fromInfo(info: { readonly code: ErrorCode; readonly message: string; readonly messageId?: string; readonly values?: MessageValues; readonly details?: unknown }): AppError {
    const details = info.details as ErrorDetails<ErrorCode> | undefined;
    return info.messageId && isErrorMessageId(info.messageId) ? new AppError(info.code, info.messageId, info.values, details) : this.untranslated(info.code, info.message, details);
  }

  /**
   * An error whose text comes from outside Loopdesk's catalog (a bug's raw text, an error from
   * an older host): English clients show the text, others the general message of its code. Every
   * error Loopdesk itself raises takes a catalog key instead (the constructor accepts nothing else).
   */
  static untranslated<C extends ErrorCode>(code: C, message: string, details?: ErrorDetails<C>): AppError<C> {
    // The constructor tells a key from a text at run time; only the types insist on a key.
    return new AppError(code, message as ErrorMessageId, details as unknown as MessageValues);
  }

  /** The plain-data form sent over the wire. */
  toInfo(): AppErrorInfo {
    return {
      code: this.code,
      message: this.message,
      ...(this.messageId === undefined ? {} : { messageId: this.messageId }),
      ...(this.values === undefined ? {} : { values: this.values }),
      ...(this.details === undefined ? {} : { details: this.details }),
    } as AppErrorInfo;
  }
}

/** Builds a success result. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Builds a failure result (the same arguments as {@link AppError}). */
export function fail<C extends ErrorCode>(code: C, messageId: ErrorMessageId, values?: MessageValues, details?: ErrorDetails<C>): Result<never> {
  return { ok: false, error: new AppError(code, messageId, values, details).toInfo() };
}

/** True for a string that is the key of an error message in the catalog. */
export function isErrorMessageId(value: string): value is ErrorMessageId {
  return value.startsWith('error.') && value in EN_MESSAGES;
}

/** Narrowing helper: true for an {@link AppError} (also across realms, by shape). */
export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError || (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'AppError' && typeof (e as { code?: unknown }).code === 'string');
}

/** Narrowing helper: true for an {@link AppError} of code `code`, so its `details` have that code's type. */
export function isAppErrorOf<C extends ErrorCode>(e: unknown, code: C): e is AppError<C> {
  return isAppError(e) && e.code === code;
}
