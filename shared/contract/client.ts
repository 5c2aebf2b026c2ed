import { contracts, type Api, type EventChannel, type EventPayload } from './index';
import type { Result } from './result';

/**
 * What a transport offers the renderer: one flat `invoke` and `subscribe`, nothing else
 * (Proxies and getters do not cross Electron's contextBridge, so the typed proxy is built here).
 */
export interface Transport {
  invoke(channel: string, payload: unknown): Promise<Result<unknown>>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

/** Builds the typed API (`api.profiles.list({})`) over any transport. */
export function createApi(transport: Transport): Api {
  const api: Record<string, Record<string, (input: unknown) => Promise<Result<unknown>>>> = {};
  for (const [serviceName, spec] of Object.entries(contracts)) {
    const methods: Record<string, (input: unknown) => Promise<Result<unknown>>> = {};
    for (const methodName of Object.keys(spec.methods)) {
      methods[methodName] = (input) => transport.invoke(`${serviceName}.${methodName}`, input ?? {});
    }
    api[serviceName] = Object.freeze(methods);
  }
  return Object.freeze(api) as unknown as Api;
}

/**
 * Subscribes to a host event with its payload typed by the contract. Hosts emit only that type
 * (their EventBus is typed by the same contract), so this is the one place where the
 * transport's `unknown` payload becomes it.
 */
export function subscribeEvent<E extends EventChannel>(transport: Pick<Transport, 'subscribe'>, event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return transport.subscribe(event, listener as (payload: unknown) => void);
}
