import type { AppErrorInfo, ErrorCode } from '../contract/result';
import { EN_MESSAGES, type MessageId } from './messages';

/** The parts of an `intl` this needs (FormatJS, or react-intl's `useIntl()`). */
export interface MessageFormatter {
  readonly locale: string;
  formatMessage(descriptor: { id: MessageId }, values?: Record<string, string | number>): string;
}

const CODE_MESSAGES: Record<ErrorCode, MessageId> = {
  INVALID_INPUT: 'error.code.INVALID_INPUT',
  UNKNOWN_CHANNEL: 'error.code.UNKNOWN_CHANNEL',
  FORBIDDEN: 'error.code.FORBIDDEN',
  NOT_FOUND: 'error.code.NOT_FOUND',
  ALREADY_EXISTS: 'error.code.ALREADY_EXISTS',
  CONFLICT: 'error.code.CONFLICT',
  AUTH_FAILED: 'error.code.AUTH_FAILED',
  HOST_KEY_UNKNOWN: 'error.code.HOST_KEY_UNKNOWN',
  HOST_KEY_CHANGED: 'error.code.HOST_KEY_CHANGED',
  CONNECTION_FAILED: 'error.code.CONNECTION_FAILED',
  TIMEOUT: 'error.code.TIMEOUT',
  REMOTE_ERROR: 'error.code.REMOTE_ERROR',
  PERMISSION_DENIED: 'error.code.PERMISSION_DENIED',
  TARGET_EXISTS: 'error.code.TARGET_EXISTS',
  TRANSFER_FAILED: 'error.code.TRANSFER_FAILED',
  DATA_DIR_IN_USE: 'error.code.DATA_DIR_IN_USE',
  SECRET_UNAVAILABLE: 'error.code.SECRET_UNAVAILABLE',
  UNSUPPORTED_FILE: 'error.code.UNSUPPORTED_FILE',
  VALIDATION_FAILED: 'error.code.VALIDATION_FAILED',
  SOURCE_MAILING_MISMATCH: 'error.code.SOURCE_MAILING_MISMATCH',
  NOT_IMPLEMENTED: 'error.code.NOT_IMPLEMENTED',
  TEAM_UNAVAILABLE: 'error.code.TEAM_UNAVAILABLE',
  INTERNAL: 'error.code.INTERNAL',
};

/**
 * The message of an error in the reader's language. Services send a catalog key and its
 * values (`messageId`, `values`); the client builds the sentence. An error without a key
 * (a bug's raw text) shows that text in English and the general message of its
 * code in other languages, with the raw text only where the code is INTERNAL.
 */
export function errorText(
  intl: MessageFormatter,
  error: Pick<AppErrorInfo, 'code' | 'message'> & { readonly messageId?: string; readonly values?: Readonly<Record<string, string | number>>; readonly details?: unknown },
): string {
  if (error.messageId === 'error.host.invalidFieldIssues') {
    // The input check names each field with what is wrong with it, in the reader's language.
    const issues = (error.details as { issues?: readonly InputIssue[] } | undefined)?.issues ?? [];
    return intl.formatMessage({ id: 'error.host.invalidFieldIssues' }, { ...error.values, issues: issueLines(intl, issues) });
  }
  if (error.messageId && error.messageId in EN_MESSAGES) return intl.formatMessage({ id: error.messageId as MessageId }, withReason(intl, error.values));
  if (intl.locale.startsWith('en') && error.message) return error.message;
  const generic = CODE_MESSAGES[error.code as ErrorCode] ?? 'error.code.INTERNAL';
  return intl.formatMessage({ id: generic }, { detail: error.message });
}

/** One problem the input check found: the field's path and what is wrong with it (a catalog text). */
export interface InputIssue {
  readonly path: readonly string[];
  readonly message: string;
  readonly text?: { readonly id: string; readonly values?: Readonly<Record<string, string | number>> };
}

/** The input check's problems as one line each (`profile.name must not be empty`), at most five, in the reader's language. */
export function issueLines(intl: MessageFormatter, issues: readonly InputIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => {
      const problem = i.text && i.text.id in EN_MESSAGES ? intl.formatMessage({ id: i.text.id as MessageId }, i.text.values) : i.message;
      return i.path.length > 0 ? intl.formatMessage({ id: 'error.host.issueLine' }, { field: i.path.join('.'), problem }) : problem;
    })
    .join('; ');
}

/**
 * The values of a message that wraps another sentence (`… cannot be used: {reason}`): where the
 * inner sentence's key and values travel beside it (`reasonId`, `reasonValues` as JSON), the
 * reason is said in the reader's language too, else it stays as written (English).
 */
export function withReason(intl: MessageFormatter, values: Readonly<Record<string, string | number>> | undefined): Record<string, string | number> | undefined {
  if (!values || typeof values.reasonId !== 'string' || !(values.reasonId in EN_MESSAGES)) return values ? { ...values } : undefined;
  let inner: Record<string, string | number>;
  try {
    inner = JSON.parse(String(values.reasonValues ?? '{}')) as Record<string, string | number>;
  } catch {
    // Unreadable inner values: the English reason stays as it was written.
    return { ...values };
  }
  return { ...values, reason: intl.formatMessage({ id: values.reasonId as MessageId }, withReason(intl, inner)) };
}
