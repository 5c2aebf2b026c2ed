import { AppError } from '../../../shared/contract/result';
import type { MessageValues } from '../../../shared/i18n/messages';

/** What took too long, as the catalog names it: one operation on a path, connecting, closing, a clean-up or a check. */
export type TimedWork =
  | { readonly kind: 'op'; readonly op: string; readonly path: string }
  | { readonly kind: 'connect'; readonly at: string }
  | { readonly kind: 'close' }
  | { readonly kind: 'cleanup' | 'check'; readonly path: string };

const TIMEOUT_MESSAGES = {
  op: 'error.sftp.timeout.op',
  connect: 'error.sftp.timeout.connect',
  close: 'error.sftp.timeout.close',
  cleanup: 'error.sftp.timeout.cleanup',
  check: 'error.sftp.timeout.check',
} as const;

/**
 * Races a promise against a timer and rejects with AppError('TIMEOUT') when the timer wins.
 *
 * SFTP requests can hang forever on a half-dead link; every remote call is bounded.
 * `onTimeout` lets the caller tear the connection down so the abandoned request does not linger.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what: TimedWork, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        onTimeout?.();
      } catch {
        // The connection is being abandoned anyway; a failing teardown changes nothing.
      }
      const { kind, ...rest } = what;
      const values: MessageValues = { ...rest, ...('op' in rest ? { op: rest.op.replace(/ /g, '_') } : {}), seconds: Math.round(ms / 1000) };
      reject(new AppError('TIMEOUT', TIMEOUT_MESSAGES[kind], values, { ms, transient: true }));
    }, ms);
    timer.unref?.();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves after `ms` milliseconds (used for retry back-off). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `onStall` when `kick()` has not been called for `ms` milliseconds.
 *
 * Transfers have no total time limit (big files on slow links are legitimate), but a transfer
 * that moves no byte for a whole operation timeout is dead.
 */
export function stallWatch(ms: number, onStall: () => void): { readonly kick: () => void; readonly stop: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(onStall, ms);
    timer.unref?.();
  };
  arm();
  return { kick: arm, stop: () => clearTimeout(timer) };
}
