import { useCallback, useEffect, useState } from 'react';
import type { CatalogText } from '../../../shared/contract/catalog-text';
import type { AppErrorInfo, Result } from '../../../shared/contract/result';
import { useI18n } from '../i18n/use-i18n';

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
 * The load-on-mount pattern every screen repeats: call `load` when the screen opens, again
 * whenever `load` changes (then the old value is gone at once: it belonged to other input)
 * or `reloadKey` changes (then the old value stays until the new one is in), keep the value
 * or the error, and offer `reload`. `load` must be stable (wrap it in `useCallback`). A
 * result that arrives after the screen closed, or for an older `load`, is dropped.
 */
export function useLoad<T>(load: () => Promise<Result<T>>, reloadKey?: unknown): Loaded<T> {
  // Held together with the `load` it came from, so a value for other input is never shown.
  const [held, setHeld] = useState<{ from: () => Promise<Result<T>>; value: T | null; error: AppErrorInfo | null }>({ from: load, value: null, error: null });
  const current = held.from === load ? held : { from: load, value: null, error: null };
  const apply = useCallback(
    (r: Result<T>) =>
      setHeld((prev) => {
        const base = prev.from === load ? prev : { from: load, value: null, error: null };
        return r.ok ? { from: load, value: r.value, error: null } : { ...base, error: r.error };
      }),
    [load],
  );
  useEffect(() => {
    let live = true;
    void load().then((r) => {
      if (live) apply(r);
    });
    return () => {
      live = false;
    };
  }, [load, apply, reloadKey]);
  const reload = useCallback(async () => apply(await load()), [load, apply]);
  const setValue = useCallback(
    (update: (prev: T | null) => T | null) => setHeld((prev) => (prev.from === load ? { ...prev, value: update(prev.value) } : prev)),
    [load],
  );
  return { value: current.value, error: current.error, reload, setValue };
}

/** A result with its value changed by `f`; an error passes through. */
export function mapResult<T, U>(r: Result<T>, f: (value: T) => U): Result<U> {
  return r.ok ? { ok: true, value: f(r.value) } : r;
}

/** What {@link useAction} gives a screen. */
export interface Action {
  /** True while an action runs; buttons are disabled meanwhile. */
  readonly busy: boolean;
  /** The message of the last action that failed (in the current language), cleared when the next one starts. */
  readonly error: string | null;
  readonly setError: (message: string | null) => void;
  /** Runs `work` with `busy` set; a thrown error becomes `error` instead of a blank window. */
  readonly run: (work: () => Promise<void>) => Promise<void>;
}

/** A thrown error as the action keeps it: its catalog text where it has one (a `HostFileError`), else its text. */
type HeldError = { readonly text: CatalogText | null; readonly message: string };

/** The busy/error pair around an operator's action (a button that calls the host). */
export function useAction(): Action {
  const { say } = useI18n();
  const [busy, setBusy] = useState(false);
  const [held, setHeld] = useState<HeldError | null>(null);
  const setError = useCallback((message: string | null) => setHeld(message === null ? null : { text: null, message }), []);
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setHeld(null);
    try {
      await work();
    } catch (e) {
      const text = e instanceof Error && 'text' in e ? (e.text as CatalogText) : null;
      setHeld({ text, message: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  }, []);
  // Worded at render time, so a language switch re-words an error already shown.
  const error = held ? say(held.text, held.message) : null;
  return { busy, error, setError, run };
}
