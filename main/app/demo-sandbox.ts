import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../services/sandbox';
import type { AppContext } from './app-context';

/** Name of the profile that points at the embedded sandbox. */
export const SANDBOX_PROFILE = 'Sandbox';

/**
 * Starts the embedded sandbox inside the data dir and makes sure a ready profile points at
 * it: created when no profiles exist yet, kept up to date (port, host key, password) when
 * the sandbox profile exists. Other profiles are never touched.
 */
export async function startDemoSandbox(context: AppContext, options: { interval?: number; exportInterval?: number } = {}): Promise<SandboxHandle> {
  const sandbox = await startSandbox({
    root: join(context.dataDir, 'sandbox'),
    port: 0,
    interval: options.interval ?? 60,
    exportInterval: options.exportInterval ?? 300,
  });
  context.onClose(() => sandbox.stop());
  const profiles = context.services.profiles;
  const existing = await profiles.list({});
  const current = existing.find((p) => p.sandbox);
  if (existing.length === 0 || current) {
    const name = current?.name ?? SANDBOX_PROFILE;
    await profiles.save({
      replace: true,
      profile: {
        name,
        host: sandbox.host,
        port: sandbox.port,
        user: sandbox.user,
        auth: { kind: 'password' },
        trustedKeys: [sandbox.fingerprint],
        sandbox: true,
        clients: sandbox.clients.map((client) => {
          const previous = current?.clients.find((c) => c.name === client.name);
          return {
            ...(previous ?? {}),
            name: client.name,
            uploadDir: client.uploadDir,
            logDir: client.logDir,
            responseDir: client.responseDir,
            testRecipients: previous?.testRecipients.length
              ? previous.testRecipients
              : [
                  { email: 'test.one@example.com', name: 'Test One' },
                  { email: 'test.two@example.com', name: 'Test Two' },
                ],
            mailings: previous?.mailings.length ? previous.mailings : client.mailings.map((m) => ({ id: m.id, name: m.name, notes: 'Sandbox source mailing', retired: false })),
          };
        }),
        options: { ...(current?.options ?? {}), pollMinutes: 1 } as never,
      },
    });
    await profiles.setSecret({ name, secret: sandbox.password, remember: false });
    context.sandbox = { running: true, profile: name, port: sandbox.port };
  } else {
    context.sandbox = { running: true, profile: null, port: sandbox.port };
  }
  return sandbox;
}
