import { useSyncExternalStore } from 'react';

const QUERY = '(prefers-color-scheme: dark)';

/** Follows the operating system's light/dark setting live. */
export function usePrefersDark(): boolean {
  return useSyncExternalStore(
    (cb) => {
      const mq = window.matchMedia(QUERY);
      mq.addEventListener('change', cb);
      return () => mq.removeEventListener('change', cb);
    },
    () => window.matchMedia(QUERY).matches,
  );
}
