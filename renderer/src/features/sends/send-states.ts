import type { SendState } from '../../../../shared/contract/sends';
import type { MessageId } from '../../../../shared/i18n/messages';

/** Each state in the operator's words (catalog keys), so the "no unused key" check sees them. */
export const STATE_LABELS: Record<SendState, MessageId> = {
  scheduled: 'sends.state.scheduled',
  awaiting_approval: 'sends.state.awaiting_approval',
  queued: 'sends.state.queued',
  uploading: 'sends.state.uploading',
  on_server: 'sends.state.on_server',
  taken: 'sends.state.taken',
  imported: 'sends.state.imported',
  mailing_created: 'sends.state.mailing_created',
  sending: 'sends.state.sending',
  sent: 'sends.state.sent',
  error: 'sends.state.error',
  cancelled: 'sends.state.cancelled',
};

/** What each state means, one sentence under the detail's heading. */
export const STATE_EXPLAIN: Record<SendState, MessageId> = {
  scheduled: 'sends.explain.scheduled',
  awaiting_approval: 'sends.explain.awaiting_approval',
  queued: 'sends.explain.queued',
  uploading: 'sends.explain.uploading',
  on_server: 'sends.explain.on_server',
  taken: 'sends.explain.taken',
  imported: 'sends.explain.imported',
  mailing_created: 'sends.explain.mailing_created',
  sending: 'sends.explain.sending',
  sent: 'sends.explain.sent',
  error: 'sends.explain.error',
  cancelled: 'sends.explain.cancelled',
};

/** The colour of a state's badge and timeline dot. */
export const STATE_TONE: Record<SendState, 'ok' | 'pending' | 'error' | 'plain'> = {
  scheduled: 'plain',
  awaiting_approval: 'plain',
  queued: 'pending',
  uploading: 'pending',
  on_server: 'pending',
  taken: 'pending',
  imported: 'pending',
  mailing_created: 'pending',
  sending: 'pending',
  sent: 'ok',
  error: 'error',
  cancelled: 'plain',
};

/**
 * The server's codes for rejected rows (the `code` column of its error file, interpretation.md),
 * each in the operator's words. A code not listed here is shown as the server wrote it.
 */
export const SERVER_PROBLEM_LABELS: Readonly<Record<string, MessageId>> = {
  ENCODING: 'sends.serverProblem.ENCODING',
  BOM: 'sends.serverProblem.BOM',
  EMPTY_FILE: 'sends.serverProblem.EMPTY_FILE',
  EMPTY_LINE: 'sends.serverProblem.EMPTY_LINE',
  WRONG_SEPARATOR: 'sends.serverProblem.WRONG_SEPARATOR',
  UNQUOTED_FIELD: 'sends.serverProblem.UNQUOTED_FIELD',
  STRAY_QUOTE: 'sends.serverProblem.STRAY_QUOTE',
  UNTERMINATED_QUOTE: 'sends.serverProblem.UNTERMINATED_QUOTE',
  CRLF: 'sends.serverProblem.CRLF',
  HEADER_ROW: 'sends.serverProblem.HEADER_ROW',
  FIELD_COUNT: 'sends.serverProblem.FIELD_COUNT',
  REQUIRED: 'sends.serverProblem.REQUIRED',
  TOO_LONG: 'sends.serverProblem.TOO_LONG',
  NOT_BIGINT: 'sends.serverProblem.NOT_BIGINT',
  NOT_URL: 'sends.serverProblem.NOT_URL',
  NOT_DATE: 'sends.serverProblem.NOT_DATE',
  INVALID_EMAIL: 'sends.serverProblem.INVALID_EMAIL',
  UNKNOWN_MAILING: 'sends.serverProblem.UNKNOWN_MAILING',
  MAILING_ACTIVATED: 'sends.serverProblem.MAILING_ACTIVATED',
  UNKNOWN_PRODUCT: 'sends.serverProblem.UNKNOWN_PRODUCT',
  DUPLICATE_PRODUCT: 'sends.serverProblem.DUPLICATE_PRODUCT',
  TOO_MANY_PROBLEMS: 'sends.serverProblem.TOO_MANY_PROBLEMS',
  BAD_FILE_NAME: 'sends.serverProblem.BAD_FILE_NAME',
  MAILING_START_FAILED: 'sends.serverProblem.MAILING_START_FAILED',
};

/** A send that has not started uploading can still be cancelled. */
export function canCancel(state: SendState): boolean {
  return state === 'scheduled' || state === 'queued';
}
