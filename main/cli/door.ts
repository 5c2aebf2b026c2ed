import type { EventChannel, EventPayload } from '../../shared/contract';
import type { Result } from '../../shared/contract/result';
import { isAppError } from '../../shared/contract/result';
import type { AppContext } from '../app/app-context';
import { CliError, type GlobalOptions } from './cli-io';

/**
 * The CLI's way into the services: the same contract and dispatcher whether this process
 * owns the data dir itself ("local") or talks to the Loopdesk that owns it ("remote": the
 * app or `loopdesk serve`, over its WebSocket). Only one process ever writes the data file.
 */
export interface Door {
  /** True when another process owns the data dir and this one only talks to it. */
  readonly remote: boolean;
  /** Calls a service method through the dispatcher; never throws for expected failures. */
  invoke(channel: string, payload: unknown): Promise<Result<unknown>>;
  /** Subscribes to a service event (`sends.onChanged`), its payload typed by the contract; returns the unsubscribe function. */
  subscribe<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /**
   * Local owner only: runs one scheduler pass (uploads due sends, polls active ones). A remote
   * owner runs its own scheduler, so this does nothing there.
   */
  tick(): Promise<void>;
  /** The local context, when this process owns the data dir (tests, local-only helpers). */
  readonly context: AppContext | undefined;
  close(): Promise<void>;
}

/**
 * Calls a service and returns its value; an expected failure becomes a {@link CliError}
 * carrying the error code (printed on stderr as `error CODE: message`).
 */
export async function call<T>(door: Door, channel: string, payload: unknown): Promise<T> {
  const result = await door.invoke(channel, payload);
  if (!result.ok) throw CliError.service(result.error);
  return result.value as T;
}

/** A door on a context this process opened (it owns the data dir). */
export function localDoor(context: AppContext, ownsContext = true): Door {
  return {
    remote: false,
    context,
    invoke: (channel, payload) => context.dispatcher.handle(channel, payload, { transport: 'cli' }),
    subscribe: (event, listener) => context.bus.on(event, listener),
    tick: () => context.services.sends.tick(),
    close: async () => {
      if (ownsContext) await context.close();
    },
  };
}

/** Opens the owner's WebSocket door described by the data dir's door file. */
export async function remoteDoor(dataDir: string, info: { port: number; token: string }): Promise<Door> {
  const [{ WebSocket }, { createSocketTransport }, { subscribeEvent }] = await Promise.all([import('ws'), import('../../shared/contract/wire'), import('../../shared/contract/client')]);
  const origin = `http://127.0.0.1:${info.port}`;
  // The host checks Origin and Host like a browser's; the token comes from the 0600 door file.
  const socket = new WebSocket(`ws://127.0.0.1:${info.port}/ws?token=${encodeURIComponent(info.token)}`, { origin });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', (e) => reject(e));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  }).catch((e: Error) => {
    throw new CliError('cli.error.ownerUnreachable', { dataDir, reason: e.message }, { code: 'DATA_DIR_IN_USE' });
  });
  const transport = createSocketTransport(socket as never);
  return {
    remote: true,
    context: undefined,
    invoke: (channel, payload) => transport.invoke(channel, payload),
    subscribe: (event, listener) => subscribeEvent(transport, event, listener),
    tick: async () => undefined,
    close: async () => {
      if (socket.readyState === socket.CLOSED) return;
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.close();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 1000).unref())]);
    },
  };
}

/**
 * Opens the data dir for a CLI command: as its owner when no other Loopdesk runs there, else
 * through the running owner's door (the app or `loopdesk serve`).
 */
export async function openDoor(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Promise<Door> {
  const { openAppContext } = await import('../app/app-context');
  try {
    return localDoor(await openAppContext({ dataDir: options.dataDir, host: 'cli', env }));
  } catch (e) {
    if (!isAppError(e) || e.code !== 'DATA_DIR_IN_USE') throw e;
    const { readDoorFile } = await import('../host/browser/door-file');
    const { resolve } = await import('node:path');
    const info = readDoorFile(resolve(options.dataDir));
    if (!info) throw e;
    return remoteDoor(options.dataDir, info);
  }
}

/**
 * The door of a Loopdesk that owns the data dir right now, or undefined when none runs (then
 * the caller may work on the data dir's files itself, without opening the data file).
 */
export async function ownerDoor(options: GlobalOptions): Promise<Door | undefined> {
  const { resolve } = await import('node:path');
  const { readDoorFile } = await import('../host/browser/door-file');
  const info = readDoorFile(resolve(options.dataDir));
  if (!info || !processAlive(info.pid)) return undefined;
  return remoteDoor(options.dataDir, info);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `work` through a door and always closes it. */
export async function withDoor(options: GlobalOptions, env: NodeJS.ProcessEnv, work: (door: Door) => Promise<number>): Promise<number> {
  const door = await openDoor(options, env);
  try {
    return await work(door);
  } finally {
    await door.close();
  }
}
