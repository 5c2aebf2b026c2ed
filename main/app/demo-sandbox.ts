import { existsSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProfileInput } from '../../shared/contract/profiles';
import { ingestFile } from '../services/responses/ingest';
import { responseDownloadDir, responseFilesIn } from '../services/responses/response-pull';
import { startSandbox, type SandboxHandle } from '../services/sandbox';
import type { AppContext } from './app-context';

/**
 * The note earlier versions wrote on the sandbox's source mailings, in the language the app spoke
 * then (English or German). Cleared on the next start so no window shows it in the other language;
 * a note the operator wrote stays. Literal, as written then: the catalog may change, old data does not.
 */
const EARLIER_NOTES: ReadonlySet<string> = new Set(['Sandbox source mailing', 'Quellmailing der Sandbox']);

/** Options of the demo sandbox. */
export interface DemoSandboxOptions {
  /** Seconds between the sandbox's processing runs (default 60). */
  readonly interval?: number;
  /** Seconds between extra response exports (default 300). */
  readonly exportInterval?: number;
  /** Whether a server error halts the sandbox's interface until restarted (default: `sandbox.json`, on). */
  readonly haltOnError?: boolean;
  /**
   * Seed about 60 days of past mailings on the sandbox's first start and load them into this
   * data dir, so a new user sees full grids at once. Off unless asked: `npm start` and
   * `loopdesk serve` ask; tests that count rows do not.
   */
  readonly history?: boolean;
  /** How much faster than real time new sends unfold on the sandbox (default 1). */
  readonly timeScale?: number;
  /** Seed of a new sandbox root (default: a random one); the same seed gives the same history. */
  readonly seed?: string;
  /** Seconds the sandbox server's clock runs ahead of this machine's (negative: behind; default 0), for tests of a server with a wrong clock. */
  readonly clockOffsetSeconds?: number;
}

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
export async function startDemoSandbox(context: AppContext, options: DemoSandboxOptions = {}): Promise<SandboxHandle & { readonly historyLoaded: Promise<void> }> {
  const sandbox = await startSandbox({
    root: join(context.dataDir, 'sandbox'),
    port: 0,
    interval: options.interval ?? 60,
    exportInterval: options.exportInterval ?? 300,
    haltOnError: options.haltOnError,
    history: options.history ?? false,
    timeScale: options.timeScale,
    seed: options.seed,
    clockOffsetSeconds: options.clockOffsetSeconds,
  });
  context.onClose(() => sandbox.stop());
  const profiles = context.services.profiles;
  const existing = await profiles.list({});
  const current = existing.find((p) => p.sandbox);
  if (existing.length > 0 && !current) {
    context.sandbox = { running: true, profile: null, port: sandbox.port, demoList: null };
    return { ...sandbox, historyLoaded: Promise.resolve() };
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
        // No note: a note is the operator's text, stored as written, so one written for them could not
        // follow the reader's language; the connection is marked as the sandbox's, which says the same.
        mailings: previous?.mailings?.length
          ? previous.mailings.map((m) => (EARLIER_NOTES.has(m.notes ?? '') ? { ...m, notes: '' } : m))
          : c.mailings.map((m) => ({ id: m.id, name: m.name, notes: '', retired: false })),
      };
    }),
  };
  await profiles.save({ replace: true, profile: profile as never });
  await profiles.setSecret({ name, secret: sandbox.password, remember: false });
  context.sandbox = { running: true, profile: name, port: sandbox.port, demoList: await ensureDemoList(context.dataDir) };
  // Loaded once per data dir; a load cut short by closing the app is done again on the next start.
  const loadedMarker = join(context.dataDir, 'sandbox', HISTORY_LOADED);
  if (sandbox.historyMailings === 0 || (await stat(loadedMarker).then(() => true, () => false))) return { ...sandbox, historyLoaded: Promise.resolve() };
  // A failed load loses nothing: the next pull (Pull now, or the daily one) takes the server's files.
  const stop = { requested: false };
  const historyLoaded = loadHistory(context, sandbox, name, stop).catch((e: unknown) => {
    if (!stop.requested) console.error('[loopdesk] the sandbox demo history could not be loaded:', e);
  });
  // Registered after the sandbox's own stop, so it runs first on close: the load stops at the next
  // step (what is in stays in; the next pull takes the rest) and the sandbox stops its export,
  // before the data file goes. Closing never waits for the whole history.
  context.onClose(async () => {
    stop.requested = true;
    await sandbox.stop();
    await historyLoaded;
  });
  return { ...sandbox, historyLoaded };
}

/**
 * Gives a new demo data dir the sandbox's seeded history as if Loopdesk had pulled it every
 * day: the files the server no longer offers (past its 30-day retention) are ingested as
 * earlier pulls would have left them, then the server exports the rest and one ordinary pull
 * takes it over SFTP. Runs in the background; the Responses screen fills as it goes.
 */
async function loadHistory(context: AppContext, sandbox: SandboxHandle, profile: string, stop: { readonly requested: boolean }): Promise<void> {
  for (const client of sandbox.clients) {
    const dir = responseDownloadDir(join(context.dataDir, 'responses'), profile, client.name);
    const names = await sandbox.earlierExports(client.name, dir);
    for (const file of responseFilesIn(names.map((name) => ({ name, size: 0, modifyTime: 0 })))) {
      if (stop.requested) return;
      const localPath = join(dir, file.name);
      const st = await stat(localPath);
      await ingestFile(context.db, { profile, client: client.name, kind: file.kind, localPath, remoteName: file.name, size: st.size, mtime: st.mtime });
      // Like a pulled file past the server's retention: its rows stay, the copy is not needed.
      await rm(localPath, { force: true });
    }
  }
  if (stop.requested) return;
  await sandbox.exportNow();
  if (stop.requested) return;
  await context.services.responses.pull({ profile });
  await writeFile(join(context.dataDir, 'sandbox', HISTORY_LOADED), `${new Date().toISOString()}\n`);
}

/** Marker in the sandbox root: this data dir has the seeded history (ingesting it again would change nothing, but costs seconds). */
const HISTORY_LOADED = 'demo-history-loaded';
