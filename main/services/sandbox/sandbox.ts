/**
 * The sandbox's public entry point: {@link startSandbox} checks the options, opens the root,
 * starts the SFTP server and the runtime (sandbox-runtime.ts) and hands back a handle.
 */
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import type { MasterField } from '../../../shared/contract/profiles';
import { AppError } from '../../../shared/contract/result';
import { hostKeyFingerprint, hostPublicKeyLine, loadOrCreateRoot } from './config';
import type { ExportReport } from './daily-export';
import { diskQuotaCheck } from './disk-quota';
import { Ledger } from './ledger';
import { SandboxRuntime } from './sandbox-runtime';
import { startSftpServer, type SftpServerHandle } from './sftp-server';
import type { ProcessReport } from './upload-processing';

export { ERROR_HEADER, HALTED_FILE, LOG_HEADER, type LogEvent } from './client-logs';
export type { ExportReport } from './daily-export';
export { SUBSCRIBERS_FILE, type ProcessReport } from './upload-processing';

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /** Directory holding config, host key, state and the SFTP tree; created when missing. */
  readonly root: string;
  /** SFTP port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** Seconds between processing runs (default 600, the real interface's 10 minutes); 0 disables the timer. */
  readonly interval?: number;
  /** Seconds between extra response exports for demos and tests; 0 or absent disables. */
  readonly exportInterval?: number;
  /** Seed for every simulated outcome and ID; overrides the one in `sandbox.json`. */
  readonly seed?: string | number;
  /** Daily export time `HH:MM` (local); overrides `sandbox.json`. */
  readonly exportAt?: string;
  /** Clear a halt left from a previous run (as `restart()` would). */
  readonly restart?: boolean;
  /** Failures of timer-driven runs go here (default: console.error); API calls throw instead. */
  readonly onError?: (error: unknown) => void;
  /**
   * Whether an error halts the interface; overrides every client's `haltOnError` in
   * `sandbox.json` (on by default there). Off: error file written, next uploads processed.
   */
  readonly haltOnError?: boolean;
  /**
   * On the root's first start, seed a history of past mailings (`true`: 60 days) with their
   * responses, so a demo shows full grids and charts at once. Off by default; the demo set-up of
   * `npm start` / `loopdesk serve` turns it on. Deterministic by seed.
   */
  readonly history?: boolean | { readonly days: number };
  /** The server's clock (default: the machine's); tests move it to let days pass. */
  readonly now?: () => Date;
  /**
   * How much faster than real time a new upload's sending and responses unfold (default 1,
   * real time): 3600 makes an hour a second, so a rehearsal or test sees a day of opens and
   * clicks within half a minute. Recorded per mailing, so changing it never rewrites history.
   */
  readonly timeScale?: number;
  /**
   * How many seconds the server's clock runs ahead of this machine's (negative: behind; default
   * 0), as a real server's may when nobody keeps it in sync: the times it writes into its logs and
   * the file times it reports over SFTP are shifted by it, so a rehearsal or test can show what a
   * client makes of a server whose clock is wrong. Added to `now` when both are given.
   */
  readonly clockOffsetSeconds?: number;
}

/** A source mailing as the operator needs it for a profile. */
export interface SandboxMailingInfo {
  readonly id: string;
  readonly name: string;
}

/** One client's directories, as SFTP paths, and its usable source mailings. */
export interface SandboxClientInfo {
  readonly name: string;
  /** SFTP path, e.g. `/demo/upload`. */
  readonly uploadDir: string;
  readonly logDir: string;
  readonly responseDir: string;
  /** Source mailings uploads may use (the activated and deactivated ones are not among them). */
  readonly mailings: readonly SandboxMailingInfo[];
  /** IDs of {@link mailings}, in the same order. */
  readonly mailingIds: readonly string[];
  /** Activated source mailings: an upload naming one fails (for error demos and tests). */
  readonly activatedMailingIds: readonly string[];
  /** Source mailings whose copies are imported but fail to start (the second error case). */
  readonly deactivatedMailingIds: readonly string[];
  /** Master-list fields in upload order; a profile for this client must use exactly these. */
  readonly fields: readonly MasterField[];
  /** Fields of the products file. */
  readonly productFields: readonly MasterField[];
  /** Which of {@link fields} hold product IDs. */
  readonly productIdFields: readonly string[];
  /** The client's directory on disk (`<root>/sftp/<name>`), for tests and tools on the same machine. */
  readonly localDir: string;
}

/** A running sandbox. */
export interface SandboxHandle {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Host key fingerprint as `ssh-keygen -lf` prints it: `SHA256:<base64 without padding>`. */
  readonly fingerprint: string;
  /** Host public key line (`ssh-ed25519 AAAA…`), for a known_hosts file. */
  readonly hostPublicKey: string;
  readonly root: string;
  /** Disk directory SFTP users are chrooted to. */
  readonly sftpRoot: string;
  readonly seed: string;
  readonly clients: readonly SandboxClientInfo[];
  /** Mailings of the root's seeded demo history (seeded on its first start; 0 when it has none). */
  readonly historyMailings: number;
  /** Runs the cron job now (waits for a run already in progress). */
  processNow(): Promise<ProcessReport>;
  /** Writes the response files now. */
  exportNow(): Promise<ExportReport>;
  /**
   * Writes into a local `dir` the response files of `client` that earlier daily exports wrote and
   * the server has deleted since (past retention); answers their names. For seeding a demo's own
   * history of pulled files; nothing changes on the server.
   */
  earlierExports(client: string, dir: string): Promise<readonly string[]>;
  /** Clears every halt (removes `logs/HALTED`); the failed upload stays out of `upload/`. */
  restart(): Promise<{ readonly cleared: readonly string[] }>;
  /** Adds an OpenSSH public key line to the root's `authorized_keys`. */
  authorizeKey(publicKeyLine: string): Promise<void>;
  /** Stops timers and the SFTP server; waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Starts the embedded sandbox: the server side of the closed-loop interface (SFTP
 * endpoint, the cron job that imports and "sends" uploads, and the response export).
 *
 * It lets the whole loop run on a fresh machine, and makes outcomes reproducible: the
 * same seed and uploads give byte-identical response files.
 */
export async function startSandbox(options: SandboxOptions): Promise<SandboxHandle> {
  const seedOpt = options.seed === undefined ? undefined : String(options.seed);
  if (options.exportAt !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(options.exportAt))
    throw new AppError('INVALID_INPUT', 'error.sandbox.exportAt', { value: options.exportAt });
  for (const [k, v] of [['port', options.port], ['interval', options.interval], ['exportInterval', options.exportInterval]] as const)
    if (v !== undefined && (!Number.isFinite(v) || v < 0 || (k === 'port' && (v > 65535 || !Number.isInteger(v)))))
      throw new AppError('INVALID_INPUT', k === 'port' ? 'error.sandbox.port' : 'error.sandbox.option', { option: k, value: String(v) });
  if (options.timeScale !== undefined && !(Number.isFinite(options.timeScale) && options.timeScale >= 1 && options.timeScale <= 1_000_000))
    throw new AppError('INVALID_INPUT', 'error.sandbox.timeScale', { value: String(options.timeScale) });
  const offset = options.clockOffsetSeconds ?? 0;
  if (!Number.isFinite(offset) || Math.abs(offset) > 366 * 86_400)
    throw new AppError('INVALID_INPUT', 'error.sandbox.clockOffset', { value: String(offset) });
  const clockOffsetMs = Math.round(offset * 1000);
  const historyDays = options.history === true ? 60 : options.history ? options.history.days : 0;
  if (!Number.isInteger(historyDays) || historyDays < 0 || historyDays > 366)
    throw new AppError('INVALID_INPUT', 'error.sandbox.history', { value: String(historyDays) });
  const { paths, config, hostKey, created } = await loadOrCreateRoot(options.root, seedOpt);
  const seed = seedOpt ?? config.seed;
  const ledger = await Ledger.load(paths.stateDir);
  const onError = options.onError ?? ((e: unknown) => console.error('[sandbox]', e));
  const runtime = new SandboxRuntime(paths, config, seed, ledger, onError, options.haltOnError, () => new Date((options.now?.() ?? new Date()).getTime() + clockOffsetMs), options.timeScale ?? 1);
  if (options.restart) await runtime.restart();
  // Only a new root gets a history: an existing one already has whatever it has sent.
  if (created && historyDays > 0 && ledger.entries().length === 0) await runtime.seedHistory(historyDays);
  const historyMailings = ledger.entries().filter((e) => e.audience).length;
  // The seeded history's files are written by the next export (timer, daily run or exportNow()),
  // not here: formatting ~100 000 recipients' rows must not slow the host's start-up.

  let server: SftpServerHandle;
  try {
    server = await startSftpServer({
      root: paths.sftpRoot,
      hostKey,
      users: config.users,
      authorizedKeysFile: paths.authorizedKeys,
      port: options.port ?? 0,
      canWrite: diskQuotaCheck(paths.sftpRoot, config.clients),
      clockOffsetMs,
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new AppError('CONFLICT', 'error.sandbox.portInUse', { port: String(options.port) });
    throw new AppError('INTERNAL', 'error.sandbox.serverFailed', { reason: (e as Error).message }, { cause: (e as Error).message });
  }
  runtime.schedule(options.interval ?? 600, options.exportInterval ?? 0, options.exportAt ?? config.exportAt);

  const user = config.users[0];
  const clients: SandboxClientInfo[] = config.clients.map((c) => {
    const usable = c.mailings.filter((m) => !m.activated && !m.deactivated);
    return {
      name: c.name,
      uploadDir: `/${c.name}/upload`,
      logDir: `/${c.name}/logs`,
      responseDir: `/${c.name}/responses`,
      mailings: usable.map((m) => ({ id: m.id, name: m.name })),
      mailingIds: usable.map((m) => m.id),
      activatedMailingIds: c.mailings.filter((m) => m.activated).map((m) => m.id),
      deactivatedMailingIds: c.mailings.filter((m) => m.deactivated && !m.activated).map((m) => m.id),
      fields: c.fields,
      productFields: c.productFields,
      productIdFields: c.productIdFields,
      localDir: path.join(paths.sftpRoot, c.name),
    };
  });
  let stopping: Promise<void> | null = null;
  return {
    host: server.host,
    port: server.port,
    user: user.name,
    password: user.password,
    fingerprint: hostKeyFingerprint(hostKey),
    hostPublicKey: hostPublicKeyLine(hostKey),
    root: paths.root,
    sftpRoot: paths.sftpRoot,
    seed,
    clients,
    historyMailings,
    processNow: () => runtime.processNow(),
    exportNow: () => runtime.exportNow(),
    earlierExports: (client, dir) => runtime.earlierExports(client, dir),
    restart: () => runtime.restart(),
    authorizeKey: async (line) => {
      const t = line.trim();
      if (!/^(ssh-|ecdsa-|sk-)\S+ [A-Za-z0-9+/=]+/.test(t)) throw new AppError('INVALID_INPUT', 'error.sandbox.publicKey', { example: 'ssh-ed25519 AAAA… comment' });
      await appendFile(paths.authorizedKeys, t + '\n', { mode: 0o600 });
    },
    stop: () => (stopping ??= (async () => {
      await runtime.stop();
      await server.close();
    })()),
  };
}
