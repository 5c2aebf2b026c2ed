import { isAppError, type ErrorCode } from '../../shared/contract/result';
import type { FuzzOp } from './fuzz-inputs';

/** How one input ended. Only `result` and `clear-error` are acceptable. */
export type FuzzOutcome = 'result' | 'clear-error' | 'unclear-error' | 'crash' | 'hang' | 'oom';

/** What the parent hands a child: the inputs (already on disk) and a scratch folder. */
export interface ChildManifest {
  readonly workDir: string;
  readonly cases: readonly {
    readonly id: string;
    readonly op: FuzzOp;
    readonly path: string;
    readonly fileName: string;
    readonly kind?: string;
    readonly options?: { readonly encoding?: string; readonly delimiter?: string; readonly sheet?: string };
  }[];
}

/** One line of the child's stdout. */
export type ChildEvent =
  | { readonly t: 'ready' }
  | { readonly t: 'start'; readonly id: string }
  /** The input is being compared with the ExcelJS oracle (timed apart, with three times the budget). */
  | { readonly t: 'oracle'; readonly id: string }
  | {
      readonly t: 'done';
      readonly id: string;
      readonly outcome: 'result' | 'clear-error' | 'unclear-error';
      readonly summary?: string;
      readonly code?: string;
      readonly message?: string;
      readonly problem?: string;
      readonly detailsBytes?: number;
      readonly ms: number;
      readonly rssMb?: number;
    }
  | { readonly t: 'crash'; readonly id: string; readonly error: string; readonly stack: string }
  | { readonly t: 'end' };

/** Codes a reader may answer hostile input with; INTERNAL and the rest would mean a misfiled bug. */
export const CLEAR_CODES: ReadonlySet<ErrorCode> = new Set(['UNSUPPORTED_FILE', 'VALIDATION_FAILED', 'SOURCE_MAILING_MISMATCH', 'INVALID_INPUT', 'NOT_FOUND']);

/** Messages are shown to the operator and stored in the ledger: long ones mean a payload leaked in. */
export const MAX_MESSAGE_CHARS = 2000;

/**
 * Decides whether a thrown value is a clear error: an AppError with an operator code, a message
 * of at least 20 characters that carries no stack trace and no megabytes of file content.
 */
export function judgeError(e: unknown): { readonly clear: boolean; readonly message: string; readonly problem?: string; readonly detailsBytes?: number } {
  if (!isAppError(e)) {
    const err = e as Error;
    return { clear: false, message: `${err?.name}: ${String(err?.message).slice(0, 400)}`, problem: `not an AppError (${err?.constructor?.name ?? typeof e}) at ${String(err?.stack).split('\n')[1]?.trim() ?? '?'}` };
  }
  let detailsBytes: number;
  try {
    detailsBytes = e.details === undefined ? 0 : JSON.stringify(e.details, (_k, v) => (typeof v === 'bigint' ? String(v) : v)).length;
  } catch {
    detailsBytes = -1;
  }
  const message = e.message.length > 400 ? `${e.message.slice(0, 400)}… (${e.message.length} chars)` : e.message;
  let problem: string | undefined;
  if (!CLEAR_CODES.has(e.code)) problem = `code ${e.code} is not an operator error code`;
  else if (e.message.trim().length < 20) problem = 'message shorter than 20 characters';
  else if (/\n\s+at |\bat (?:file:|node:|\/)\S+:\d+:\d+/.test(e.message)) problem = 'message leaks a stack trace';
  else if (e.message.length > MAX_MESSAGE_CHARS) problem = `message is ${e.message.length} characters long`;
  return { clear: problem === undefined, message, problem, detailsBytes };
}
