import { createContext, useContext, useEffect, useMemo, useRef, type ReactNode } from 'react';
import type { Api, EventChannel, EventPayload } from '../../../shared/contract';
import { subscribeEvent, type Transport } from '../../../shared/contract/client';
import type { ProblemReporter } from './error-reporting';

/** Subscribes to a host event (`activity.onEntry`); returns the unsubscribe function. */
export type Subscribe = Transport['subscribe'];

interface ApiContextValue {
  readonly api: Api;
  readonly reporter: ProblemReporter;
  readonly subscribe: Subscribe;
}

const ApiContext = createContext<ApiContextValue | null>(null);

/** Makes the typed API and the problem reporter available to every screen. */
export function ApiProvider(props: { api: Api; reporter: ProblemReporter; subscribe: Subscribe; children: ReactNode }) {
  const { api, reporter, subscribe } = props;
  const value = useMemo(() => ({ api, reporter, subscribe }), [api, reporter, subscribe]);
  return <ApiContext.Provider value={value}>{props.children}</ApiContext.Provider>;
}

/** The typed API (`api.profiles.list({})`); throws outside {@link ApiProvider} because that is a wiring bug. */
export function useApi(): Api {
  const ctx = useContext(ApiContext);
  if (!ctx) throw new Error('useApi used outside ApiProvider');
  return ctx.api;
}

/** The global problem reporter, for screens that catch something unexpected themselves. */
export function useReporter(): ProblemReporter {
  const ctx = useContext(ApiContext);
  if (!ctx) throw new Error('useReporter used outside ApiProvider');
  return ctx.reporter;
}

/**
 * Listens to a host event while the component is mounted, its payload typed by the contract. The latest callback is used
 * without resubscribing, so callers need not memoise it.
 */
export function useHostEvent<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): void {
  const ctx = useContext(ApiContext);
  if (!ctx) throw new Error('useHostEvent used outside ApiProvider');
  const latest = useRef(listener);
  latest.current = listener;
  const { subscribe } = ctx;
  useEffect(() => subscribeEvent({ subscribe }, event, (payload) => latest.current(payload)), [subscribe, event]);
}
