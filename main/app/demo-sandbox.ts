import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProfileInput } from '../../shared/contract/profiles';
import { startSandbox, type SandboxHandle } from '../services/sandbox';
import type { AppContext } from './app-context';

/** Name of the profile that points at the embedded sandbox. */
export const SANDBOX_PROFILE = 'Sandbox';

const TEST_RECIPIENTS = [
  { email: 'test.one@example.com', name: 'Test One' },
  { email: 'test.two@example.com', name: 'Test Two' },
];

/** The demo recipients: made-up people at example.com, in the demo client's field names (so the mapping is exact). */
const DEMO_LIST = [
  'Email;Salutation;First name;Last name',
  'anna.schmidt@example.com;Frau;Anna;Schmidt',
  'jonas.mueller@example.com;Herr;Jonas;Müller',
  'lena.weber@example.com;Frau;Lena;Weber',
  'felix.wagner@example.com;Herr;Felix;Wagner',
  'marie.becker@example.com;Frau;Marie;Becker',
].join('\n');

/** Writes the demo recipient list into the data dir once (an operator's edits to it are kept); answers its path. */
export async function ensureDemoList(dataDir: string): Promise<string> {
  const path = join(dataDir, 'demo', 'demo-recipients.csv');
  if (!existsSync(path)) {
    await mkdir(join(dataDir, 'demo'), { recursive: true });
    await writeFile(path, `${DEMO_LIST}\n`, 'utf8');
  }
  return path;
}

/**
 * Starts the embedded sandbox inside the data dir and makes sure a ready profile points at
 * it: created when no profiles exist yet, kept up to date (port, host key, password) when
 * the sandbox profile exists. The operator's own edits to the sandbox profile (test
 * recipients, source mailings, options) are kept. Other profiles are never touched.
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
  if (existing.length > 0 && !current) {
    context.sandbox = { running: true, profile: null, port: sandbox.port, demoList: null };
    return sandbox;
  }
  const name = current?.name ?? SANDBOX_PROFILE;
  const profile: ProfileInput = {
    name,
    host: sandbox.host,
    port: sandbox.port,
    user: sandbox.user,
    auth: { kind: 'password' },
    trustedKeys: [sandbox.fingerprint],
    sandbox: true,
    options: current?.options ?? { pollMinutes: 1 },
    clients: sandbox.clients.map((c) => {
      const previous = current?.clients.find((p) => p.name === c.name);
      return {
        ...previous,
        name: c.name,
        uploadDir: c.uploadDir,
        logDir: c.logDir,
        responseDir: c.responseDir,
        fields: c.fields.map((f) => ({ ...f })),
        productFields: c.productFields.map((f) => ({ ...f })),
        testRecipients: previous?.testRecipients?.length ? previous.testRecipients : TEST_RECIPIENTS,
        mailings: previous?.mailings?.length ? previous.mailings : c.mailings.map((m) => ({ id: m.id, name: m.name, notes: 'Sandbox source mailing', retired: false })),
      };
    }),
  };
  await profiles.save({ replace: true, profile: profile as never });
  await profiles.setSecret({ name, secret: sandbox.password, remember: false });
  context.sandbox = { running: true, profile: name, port: sandbox.port, demoList: await ensureDemoList(context.dataDir) };
  return sandbox;
}
