import type { Transport } from '../../shared/contract/client';
import type { Dispatcher } from './dispatcher';
import type { EventBus } from './event-bus';

/** Copies a value the way a wire would (JSON), so in-process calls cannot share objects. */
function overTheWire<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/**
 * An in-process transport through the same dispatcher: used by contract tests and by
 * code that runs services and UI in one process.
 */
export function createMemoryTransport(dispatcher: Dispatcher, bus: EventBus): Transport {
  return {
    async invoke(channel, payload) {
      return overTheWire(await dispatcher.handle(channel, overTheWire(payload), { transport: 'memory' }));
    },
    subscribe(event, listener) {
      if (!dispatcher.isEventChannel(event)) return () => undefined;
      return bus.on(event, (payload) => listener(overTheWire(payload)));
    },
  };
}
