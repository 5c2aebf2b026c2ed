import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
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
  /** The nightly backup: the app closed, the data dir copied aside (all but the sandbox server's own files), the app opened again. */
  backup(): Promise<void>;
  /** The restore of the last {@link backup}: the app closed, the data dir replaced by it (the server's files stay as they are), opened again. */
  restore(): Promise<void>;
  /** The logs of recipient files the sandbox server has taken (one per upload it received). */
  recipientLogs(): string[];
}

/** Copies every part of the data dir but the sandbox server's own files from `from` to `to` (both closed). */
function copyDataDir(from: string, to: string): void {
  for (const name of readdirSync(to)) if (name !== 'sandbox') rmSync(join(to, name), { recursive: true, force: true });
  for (const name of readdirSync(from)) if (name !== 'sandbox') cpSync(join(from, name), join(to, name), { recursive: true });
}

/**
 * Opens the app with the demo sandbox before the tests of the calling file (the sandbox runs its
 * import and export only when asked, unless `options` say otherwise) and closes it after them.
 * The answer's fields are there once the tests run.
 */
export function useSandboxApp(options: DemoSandboxOptions = {}): SandboxApp {
  let data: ReturnType<typeof tempDir> | undefined;
  let backup: ReturnType<typeof tempDir> | undefined;
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
    backup?.cleanup();
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
    async backup() {
      backup ??= tempDir();
      await app.context.close();
      copyDataDir(app.dataDir, backup.path);
      await open(app.dataDir);
    },
    async restore() {
      if (!backup) throw new Error('useSandboxApp: restore() needs a backup() first');
      await app.context.close();
      copyDataDir(backup.path, app.dataDir);
      await open(app.dataDir);
    },
    recipientLogs: () => readdirSync(join(app.sandbox.clients[0].localDir, 'logs')).filter((n) => /^\d{14}_subscribers\.log$/.test(n)),
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
