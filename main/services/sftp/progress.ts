/** One progress event of an upload or download. */
export interface TransferProgress {
  /** Bytes moved so far. */
  readonly bytes: number;
  /** Size of the whole file. */
  readonly total: number;
  /** Average rate since the start, bytes per second (0 until measurable). */
  readonly rateBytesPerSec: number;
  /** Seconds left at the current rate; null while unknown. */
  readonly etaSeconds: number | null;
}

/**
 * Builds progress events and throttles them.
 *
 * fastPut reports every 32 KiB chunk; forwarding all of them to the UI would flood IPC,
 * so events go out at most every `intervalMs`, plus always the final one.
 */
export function createProgressTracker(total: number, onProgress?: (p: TransferProgress) => void, intervalMs = 200, now: () => number = Date.now) {
  const started = now();
  let lastEmit = 0;
  let lastBytes = -1;
  const make = (bytes: number): TransferProgress => {
    const elapsed = (now() - started) / 1000;
    const rate = elapsed > 0 ? bytes / elapsed : 0;
    const eta = rate > 0 ? Math.max(0, (total - bytes) / rate) : bytes >= total ? 0 : null;
    return { bytes, total, rateBytesPerSec: rate, etaSeconds: eta };
  };
  return {
    /** Records the byte count; emits when due or when the transfer is complete. */
    update(bytes: number): void {
      if (!onProgress || bytes === lastBytes) return;
      const t = now();
      if (bytes >= total || t - lastEmit >= intervalMs) {
        lastEmit = t;
        lastBytes = bytes;
        onProgress(make(bytes));
      }
    },
    /** Summary for logs, computed whether or not anyone listens. */
    summary(bytes: number): TransferProgress {
      return make(bytes);
    },
  };
}
