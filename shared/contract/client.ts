import { contracts, type Api } from './index';
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
