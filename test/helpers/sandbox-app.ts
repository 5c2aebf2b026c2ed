import { afterAll, beforeAll } from 'vitest';
import { openAppContext, type AppContext } from '../../main/app/app-context';
import { SANDBOX_PROFILE, startDemoSandbox, type DemoSandboxOptions } from '../../main/app/demo-sandbox';
import type { StoredProfile } from '../../main/services/profiles/stored-profile';
import type { SandboxHandle } from '../../main/services/sandbox';
import type { Send } from '../../shared/contract/sends';
import { callService } from './call-service';
import { tempDir } from './temp-dir';

/** What `sends.create` and `recipients.validate` take: a file on a source mailing of client `demo`, mapped. */
export interface SandboxDraft {
  readonly profile: 'Sandbox';
  readonly client: 'demo';
  readonly path: string;
  readonly sourceMailingId: string;
  readonly mapping: unknown[];
}

/** The app on a fresh data dir with the demo sandbox (profile `Sandbox`, client `demo`), as a send test drives it. */
export interface SandboxApp {
  /** The data dir (removed after the file's tests). */
  readonly dataDir: string;
  readonly context: AppContext;
  readonly sandbox: SandboxHandle;
  /** Calls a service through the dispatcher; throws on an error result (see `callService`). */
  call<T>(channel: string, payload: unknown): Promise<T>;
  /** A send of the file at `path` on `mailingId`, with the mapping `recipients.inspect` proposes. */
  draft(path: string, mailingId: string): Promise<SandboxDraft>;
  /** One turn of the loop: upload, the server's run, a status check; answers the send as it is then. */
  drive(id: string): Promise<Send>;
  /** Closes the services and opens them again on the same data dir, the sandbox too (as starting the app again would). */
  restart(): Promise<void>;
}

/**
 * Opens the app with the demo sandbox before the tests of the calling file (the sandbox runs its
 * import and export only when asked, unless `options` say otherwise) and closes it after them.
 * The answer's fields are there once the tests run.
 */
export function useSandboxApp(options: DemoSandboxOptions = {}): SandboxApp {
  let data: ReturnType<typeof tempDir> | undefined;
  let context: AppContext | undefined;
  let sandbox: SandboxHandle | undefined;
  const open = async (dataDir: string) => {
    context = await openAppContext({ dataDir, host: 'memory', secrets: null });
    sandbox = await startDemoSandbox(context, { interval: 0, exportInterval: 0, ...options });
  };
  beforeAll(async () => {
    data = tempDir();
    await open(data.path);
  });
  afterAll(async () => {
    await context?.close();
    data?.cleanup();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useSandboxApp: the app is open only while the tests run');
    return value;
  };
  const app: SandboxApp = {
    get dataDir() {
      return started(data).path;
    },
    get context() {
      return started(context);
    },
    get sandbox() {
      return started(sandbox);
    },
    call: (channel, payload) => callService(app.context, channel, payload),
    async draft(path, mailingId) {
      const inspection = await app.call<{ mapping: unknown[] }>('recipients.inspect', { profile: 'Sandbox', client: 'demo', path });
      return { profile: 'Sandbox', client: 'demo', path, sourceMailingId: mailingId, mapping: inspection.mapping };
    },
    async drive(id) {
      await app.context.services.sends.tick();
      await app.sandbox.processNow();
      const [after] = await app.call<Send[]>('sends.refresh', { id });
      return after;
    },
    async restart() {
      await app.context.close();
      await open(app.dataDir);
    },
  };
  return app;
}

/**
 * Saves the sandbox profile again, as stored with what `change` answers laid over it (a proxy in
 * front of the sandbox, other timeouts, other client settings); its password stays the sandbox's.
 */
export async function changeSandboxProfile(context: AppContext, change: (stored: StoredProfile) => Record<string, unknown>): Promise<void> {
  const stored = context.services.profiles.stored(SANDBOX_PROFILE);
  await context.services.profiles.save({
    replace: true,
    profile: {
      name: stored.name,
      host: stored.host,
      port: stored.port,
      user: stored.user,
      auth: { kind: 'password' },
      trustedKeys: [...stored.trustedKeys],
      clients: stored.clients,
      options: stored.options,
      sandbox: true,
      ...change(stored),
    } as never,
  });
}
