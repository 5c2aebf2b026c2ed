import { isTransientError } from './errors';
import { sleep } from './timeout';

/** How {@link withRetry} retries. */
export interface RetryOptions {
  /** Extra attempts after the first one (0 = no retry). */
  readonly retries: number;
  /** Delay before the first retry; doubles for each further one. */
  readonly baseDelayMs: number;
  /** Upper bound for one delay, so a long retry chain does not stall for minutes. */
  readonly maxDelayMs?: number;
  /** Called before each retry, for logging. */
  readonly onRetry?: (info: { readonly attempt: number; readonly delayMs: number; readonly error: unknown }) => void;
  /** Overrides which errors are worth retrying (default: {@link isTransientError}). */
  readonly isRetryable?: (error: unknown) => boolean;
}

/**
 * Runs `fn`, retrying with exponential back-off on transient failures only.
 *
 * Lost connections and timeouts heal; AUTH_FAILED, HOST_KEY_* and TARGET_EXISTS never do,
 * and retrying them would lock accounts or hide an attack, so they are thrown at once.
 * `fn` gets the 0-based attempt number, so it can open a fresh connection per attempt.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const retryable = opts.isRetryable ?? isTransientError;
  const maxDelay = opts.maxDelayMs ?? 30_000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= opts.retries || !retryable(error)) throw error;
      const delayMs = Math.min(maxDelay, opts.baseDelayMs * 2 ** attempt);
      opts.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await sleep(delayMs);
    }
  }
}
