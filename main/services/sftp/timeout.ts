import { AppError } from '../../../shared/contract/result';

/**
 * Races a promise against a timer and rejects with AppError('TIMEOUT') when the timer wins.
 *
 * SFTP requests can hang forever on a half-dead link; every remote call is bounded.
 * `onTimeout` lets the caller tear the connection down so the abandoned request does not linger.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        onTimeout?.();
      } catch {
        // The connection is being abandoned anyway; a failing teardown changes nothing.
      }
      reject(new AppError('TIMEOUT', `${what} took longer than ${Math.round(ms / 1000)} s. Check the connection, or raise the operation timeout in the profile.`, { ms, transient: true }));
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
