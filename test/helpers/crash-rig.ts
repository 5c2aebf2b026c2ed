import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openAppContext, type AppContext } from '../../main/app/app-context';
import { startSandbox, type SandboxHandle } from '../../main/services/sandbox';
import { startFaultProxy, type FaultProxy } from './fault-proxy';

/** The repository root, where `main/cli/bin.mjs` lives. */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** Name of the profile the rig saves; its port is the throttling proxy, not the sandbox. */
export const CRASH_PROFILE = 'crash';
/** Environment variable the profile reads the sandbox password from. */
const PASSWORD_ENV = 'CRASH_SB_PW';

/** Options of {@link startCrashRig}. */
export interface CrashRigOptions {
  /** Folder the rig owns (sandbox root, data dir, input files). */
  readonly dir: string;
  /** Recipient rows in the input file; ~85 bytes each in the closed-loop file. */
  readonly recipients: number;
  /** Throttle of the proxy while a child sends, so an upload lasts long enough to be hit. */
  readonly bytesPerSecond: number;
  /** Seed of the sandbox (outcomes and IDs). */
  readonly seed: string;
}

/** A sandbox behind a throttling proxy, a data dir with a profile for it, and input files. */
export interface CrashRig {
  readonly sandbox: SandboxHandle;
  readonly proxy: FaultProxy;
  readonly dataDir: string;
  readonly recipientsFile: string;
  readonly productsFile: string;
  /** The sandbox client's upload directory on disk. */
  readonly uploadDir: string;
  readonly logDir: string;
  /** Source mailings a send may use. */
  readonly mailingIds: readonly string[];
  /** Environment for a child `loopdesk` process (password variable set). */
  readonly env: NodeJS.ProcessEnv;
  /** Connections accepted from now on are throttled (true) or passed at full speed (false). */
  throttle(on: boolean): void;
  stop(): Promise<void>;
}

/**
 * Starts everything a crash iteration needs except the process under test.
 *
 * The sandbox runs in the test process so its upload directory can be watched and its cron
 * job run on demand; the profile points at a proxy so the child's upload can be slowed to
 * the length of a kill window while the restart afterwards runs at full speed.
 */
export async function startCrashRig(options: CrashRigOptions): Promise<CrashRig> {
  mkdirSync(options.dir, { recursive: true });
  const sandbox = await startSandbox({ root: join(options.dir, 'sandbox'), port: 0, interval: 0, seed: options.seed });
  const proxy = await startFaultProxy({ targetPort: sandbox.port, seed: options.seed });
  const throttled = { kind: 'throttle', bytesPerSecond: options.bytesPerSecond } as const;
  proxy.setDefault({ kind: 'pass' });
  const c = sandbox.clients[0];
  const dataDir = join(options.dir, 'home');
  const context = await openAppContext({ dataDir, host: 'cli', secrets: null });
  try {
    const saved = await context.dispatcher.handle(
      'profiles.save',
      {
        profile: {
          name: CRASH_PROFILE,
          host: proxy.host,
          port: proxy.port,
          user: sandbox.user,
          auth: { kind: 'password', passwordEnv: PASSWORD_ENV },
          trustedKeys: [sandbox.fingerprint],
          clients: [
            {
              name: c.name,
              uploadDir: c.uploadDir,
              logDir: c.logDir,
              responseDir: c.responseDir,
              fields: c.fields,
              productFields: c.productFields,
              mailings: c.mailings.map((m) => ({ id: m.id, name: m.name })),
            },
          ],
        },
      },
      { transport: 'memory' },
    );
    if (!saved.ok) throw new Error(`profiles.save failed: ${saved.error.code} ${saved.error.message}`);
  } finally {
    await context.close();
  }
  const recipientsFile = join(options.dir, 'recipients.csv');
  const productsFile = join(options.dir, 'products.csv');
  const products = ['P-100', 'P-200', 'P-300'];
  const rows = ['Email,Salutation,First name,Last name,product_1'];
  for (let i = 0; i < options.recipients; i++) rows.push(`person.${i}@example.com,Frau,Vorname${i},Nachname${i},${products[i % products.length]}`);
  writeFileSync(recipientsFile, rows.join('\n') + '\n');
  writeFileSync(
    productsFile,
    ['product_id,title,description,image_url,link_url,price', ...products.map((p, i) => `${p},Product ${i},A product,https://shop.example.com/${p}.png,https://shop.example.com/${p},${(i + 1) * 10}.00`)].join('\n') + '\n',
  );
  return {
    sandbox,
    proxy,
    dataDir,
    recipientsFile,
    productsFile,
    uploadDir: join(c.localDir, 'upload'),
    logDir: join(c.localDir, 'logs'),
    mailingIds: c.mailingIds,
    env: { ...process.env, [PASSWORD_ENV]: sandbox.password },
    throttle(on) {
      proxy.setDefault(on ? throttled : { kind: 'pass' });
    },
    async stop() {
      await proxy.stop();
      await sandbox.stop();
    },
  };
}

/** A running `loopdesk send` child. */
export interface SendChild {
  readonly child: ChildProcess;
  /** When it was spawned (ms since epoch). */
  readonly startedAt: number;
  /** Resolves with the time (ms since spawn) the confirmation summary appeared, i.e. just before `sends.create`. */
  readonly summary: Promise<number>;
  /** Resolves when the process has ended. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly at: number }>;
  stdout(): string;
  stderr(): string;
  /** SIGKILLs it now; false when it had already ended. */
  kill(): boolean;
}

/** Spawns `node main/cli/bin.mjs --data-dir D --json send … --yes` as the real CLI would run. */
export function spawnSend(rig: CrashRig, mailingId: string): SendChild {
  const args = ['main/cli/bin.mjs', '--data-dir', rig.dataDir, '--json', 'send', rig.recipientsFile, '--products', rig.productsFile, '--profile', CRASH_PROFILE, '--mailing', mailingId, '--yes'];
  const startedAt = Date.now();
  const child = spawn(process.execPath, args, { cwd: REPO, env: rig.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let ended = false;
  let onSummary: (ms: number) => void = () => undefined;
  const summary = new Promise<number>((resolve) => (onSummary = resolve));
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
    if (/REAL send to client/.test(err)) onSummary(Date.now() - startedAt);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = true;
      resolve({ code, signal, at: Date.now() - startedAt });
    }),
  );
  return {
    child,
    startedAt,
    summary,
    exited,
    stdout: () => out,
    stderr: () => err,
    kill() {
      if (ended || child.exitCode !== null || child.signalCode !== null) return false;
      return child.kill('SIGKILL');
    },
  };
}

/** What the sandbox's upload directory holds right now. */
export interface UploadDirState {
  readonly parts: readonly string[];
  readonly finals: readonly string[];
}

/** Lists `.part` and final closed-loop names in the upload directory. */
export function uploadDirState(dir: string): UploadDirState {
  const names = existsSync(dir) ? readdirSync(dir) : [];
  return {
    parts: names.filter((n) => n.endsWith('.part')).sort(),
    finals: names.filter((n) => /^\d{14}_(subscribers|products)\.csv$/.test(n)).sort(),
  };
}

/** Size of a file, or -1 when it is missing. */
export function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
}

/**
 * Calls `onEvent` with every name that appears or changes in a directory.
 *
 * inotify reports a rename on the server side within a millisecond or two, far sooner than
 * the client can hear the rename reply through the throttled proxy; that is how a kill lands
 * between the rename and the journal update.
 */
export function watchDir(dir: string, onEvent: (name: string) => void): FSWatcher {
  return watch(dir, (_type, name) => {
    if (name) onEvent(String(name));
  });
}

/** Opens the data dir in this process (as an app restart would). */
export function openRestarted(rig: CrashRig): Promise<AppContext> {
  return openAppContext({ dataDir: rig.dataDir, host: 'cli', secrets: null, env: rig.env });
}
