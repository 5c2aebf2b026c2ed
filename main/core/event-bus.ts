import { EVENT_CHANNELS, type EventChannel, type EventPayload } from '../../shared/contract';

/** Receives one event payload. */
export type Listener = (payload: unknown) => void;

/**
 * Fan-out of service events (`service.onX`) to every transport that subscribed.
 * Services emit; transports subscribe on behalf of their windows or sockets.
 */
export class EventBus {
  private readonly listeners = new Map<string, Set<Listener>>();

  /** Sends an event to every subscriber; the payload is typed by its schema in the contract. Unknown channels are a programming error. */
  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void {
    if (!EVENT_CHANNELS.has(channel)) throw new Error(`unknown event channel ${channel}`);
    for (const listener of this.listeners.get(channel) ?? []) {
      try {
        listener(payload);
      } catch (e) {
        console.error(`[loopdesk] listener for ${channel} threw`, e);
      }
    }
  }

  /** Subscribes; returns the unsubscribe function. A known channel types the payload; transports pass the names they were given. */
  on<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): () => void;
  on(channel: string, listener: Listener): () => void;
  on(channel: string, typed: (payload: never) => void): () => void {
    // emit() only sends a channel's contract type, so the typed listener gets what it expects.
    const listener = typed as Listener;
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }
}
