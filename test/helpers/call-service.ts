import type { AppContext } from '../../main/app/app-context';

/**
 * Calls a service method through the context's dispatcher (in-memory transport), as a host
 * would; returns the value, or throws an Error naming the channel, the error code and message.
 */
export async function callService<T>(context: AppContext, channel: string, payload: unknown): Promise<T> {
  const result = await context.dispatcher.handle(channel, payload, { transport: 'memory' });
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}
