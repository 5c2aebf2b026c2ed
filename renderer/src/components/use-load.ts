import { useCallback, useEffect, useState } from 'react';
import type { AppErrorInfo, Result } from '../../../shared/contract/result';

/** What {@link useLoad} gives a screen. */
export interface Loaded<T> {
  /** The last value loaded; null until the first load succeeds. */
  readonly value: T | null;
  /** The error of the last load, cleared by the next good one. */
  readonly error: AppErrorInfo | null;
  /** Loads again (after a change, or on a host event); resolves when the new value is in. */
  readonly reload: () => Promise<void>;
  /** Changes the held value in place (a live event merged into a list). */
  readonly setValue: (update: (prev: T | null) => T | null) => void;
}

/**
 * The load-on-mount pattern every screen repeats: call `load` when the screen opens (and
 * whenever `load` changes), keep the value or the error, and offer `reload`. `load` must be
 * stable (wrap it in `useCallback`). A result that arrives after the screen closed is dropped.
 */
export function useLoad<T>(load: () => Promise<Result<T>>): Loaded<T> {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<AppErrorInfo | null>(null);
  const apply = useCallback((r: Result<T>) => {
    if (r.ok) {
      setValue(r.value);
      setError(null);
    } else setError(r.error);
  }, []);
  useEffect(() => {
    let live = true;
    void load().then((r) => {
      if (live) apply(r);
    });
    return () => {
      live = false;
    };
  }, [load, apply]);
  const reload = useCallback(async () => apply(await load()), [load, apply]);
  return { value, error, reload, setValue };
}

/** What {@link useAction} gives a screen. */
export interface Action {
  /** True while an action runs; buttons are disabled meanwhile. */
  readonly busy: boolean;
  /** The message of the last action that failed, cleared when the next one starts. */
  readonly error: string | null;
  readonly setError: (message: string | null) => void;
  /** Runs `work` with `busy` set; a thrown error becomes `error` instead of a blank window. */
  readonly run: (work: () => Promise<void>) => Promise<void>;
}

/** The busy/error pair around an operator's action (a button that calls the host). */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
