import { EVENT_CHANNELS } from '../../shared/contract';

/** Receives one event payload. */
export type Listener = (payload: unknown) => void;

/**
 * Fan-out of service events (`service.onX`) to every transport that subscribed.
 * Services emit; transports subscribe on behalf of their windows or sockets.
 */
export class EventBus {
  private readonly listeners = new Map<string, Set<Listener>>();

  /** Sends an event to every subscriber. Unknown channels are a programming error. */
  emit(channel: string, payload: unknown): void {
    if (!EVENT_CHANNELS.has(channel)) throw new Error(`unknown event channel ${channel}`);
    for (const listener of this.listeners.get(channel) ?? []) {
      try {
        listener(payload);
      } catch (e) {
        console.error(`[loopdesk] listener for ${channel} threw`, e);
      }
    }
  }

  /** Subscribes; returns the unsubscribe function. */
  on(channel: string, listener: Listener): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }
}
