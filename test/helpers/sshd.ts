import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** OpenSSH's server binary (Debian package openssh-server). */
export const SSHD_BIN = '/usr/sbin/sshd';
/** Local system account the test server logs in; created on demand. */
export const SSHD_TEST_USER = 'loopdesk-test';
/** Its password: only ever valid on throw-away test machines and only on 127.0.0.1. */
export const SSHD_TEST_PASSWORD = 'Loopdesk-Test-Password-7';
/** Passphrase of the second, encrypted client key. */
export const SSHD_KEY_PASSPHRASE = 'loopdesk key passphrase';

/** Options for {@link startSshd}. */
export interface SshdOptions {
  /** Host key type; ed25519 is fast to generate. */
  readonly hostKeyType?: 'ed25519' | 'rsa' | 'ecdsa';
  /** Extra sshd_config lines (e.g. to restrict algorithms). */
  readonly extraConfig?: readonly string[];
}

/** A running test sshd and what a client needs to reach it. */
export interface SshdHandle {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `SHA256:…` of the current host key (changes after {@link SshdHandle.rotateHostKey}). */
  readonly hostKeyFingerprint: string;
  /** Path of the current host public key, for `ssh-keygen -lf`. */
  readonly hostPublicKeyPath: string;
  readonly user: string;
  readonly password: string;
  /** ed25519 key without passphrase, authorised for {@link user}. */
  readonly clientKeyPath: string;
  /** ed25519 key protected by {@link clientKeyPassphrase}, also authorised. */
  readonly encryptedClientKeyPath: string;
  readonly clientKeyPassphrase: string;
  /** Absolute directory owned by the test user, private to this server; SFTP paths go under it. */
  readonly root: string;
  /** Temp dir with config, keys and known_hosts material. */
  readonly dir: string;
  /** PID of the listening sshd. */
  readonly pid: number;
  /** sshd's stderr so far (for failure messages). */
  logs(): string;
  /** Restarts sshd on the same port with a freshly generated host key; returns the new fingerprint. */
  rotateHostKey(): Promise<string>;
  /** Stops the listener (existing sessions die with it); {@link SshdHandle.resume} brings it back on the same port. */
  pause(): Promise<void>;
  /** Starts the listener again after {@link pause}. */
  resume(): Promise<void>;
  /** Kills every per-connection sshd process (the server side of open sessions), not the listener. */
  killSessions(): number;
  /** Stops this sshd and removes its temp files and SFTP root. */
  stop(): Promise<void>;
}

/** sshd processes started by this process; killed on exit so a crashed test run leaves none behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function run(cmd: string, args: readonly string[], input?: string): string {
  return execFileSync(cmd, args as string[], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Fails loudly when OpenSSH is not installed: a silently skipped integration test proves nothing. */
function requireSshd(): void {
  if (!existsSync(SSHD_BIN)) {
    throw new Error(`${SSHD_BIN} is missing. Install it with: apt-get install -y openssh-server`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error('The sshd test helper must run as root (it starts sshd and creates the test user).');
  }
}

/** Creates the test account idempotently and (re)sets its password. */
function ensureTestUser(): { uid: number; gid: number; home: string } {
  try {
    run('id', ['-u', SSHD_TEST_USER]);
  } catch {
    try {
      run('useradd', ['--create-home', '--shell', '/bin/sh', SSHD_TEST_USER]);
    } catch (err) {
      // Two test files may race to create the user; only a still-missing user is an error.
      try {
        run('id', ['-u', SSHD_TEST_USER]);
      } catch {
        throw err;
      }
    }
  }
  run('chpasswd', [], `${SSHD_TEST_USER}:${SSHD_TEST_PASSWORD}\n`);
  const uid = Number(run('id', ['-u', SSHD_TEST_USER]).trim());
  const gid = Number(run('id', ['-g', SSHD_TEST_USER]).trim());
  const home = run('getent', ['passwd', SSHD_TEST_USER]).trim().split(':')[5] || `/home/${SSHD_TEST_USER}`;
  return { uid, gid, home };
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Generates an ed25519 (or other) key pair without passphrase unless one is given. */
function keygen(path: string, type: string, passphrase = ''): void {
  run('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', 'loopdesk-test', '-f', path]);
}

/** OpenSSH's own fingerprint of a public key file (`ssh-keygen -lf`), the reference we test against. */
export function sshKeygenFingerprint(pubKeyPath: string): string {
  const out = run('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubKeyPath]);
  const fp = out.split(/\s+/)[1];
  if (!fp?.startsWith('SHA256:')) throw new Error(`Unexpected ssh-keygen output: ${out}`);
  return fp;
}

/** Waits until the port answers with an SSH banner, or the process dies. */
async function waitForBanner(port: number, proc: ChildProcess, logs: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`sshd exited (${proc.exitCode ?? proc.signalCode}) before listening:\n${logs()}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect({ host: '127.0.0.1', port });
      const done = (v: boolean) => {
        sock.destroy();
        resolve(v);
      };
      sock.setTimeout(1000, () => done(false));
      sock.once('data', (d) => done(d.toString('latin1').startsWith('SSH-')));
      sock.once('error', () => done(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not answer on 127.0.0.1:${port} within ${timeoutMs} ms:\n${logs()}`);
}

/** PIDs of all descendants of `pid`, read from /proc (no pkill: we only touch our own tree). */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the parenthesised command name, which may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while we were reading /proc.
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift() as number;
    for (const c of children.get(p) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

/** The one-letter state of a process (R, S, D, T, Z, …) from /proc, or undefined once it is gone. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0];
  } catch {
    return undefined;
  }
}

/** Sends SIGSTOP to each PID and waits (up to `timeoutMs`) until each is stopped, a zombie or gone. */
async function stopAll(pids: readonly number[], timeoutMs = 3000): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGSTOP');
    } catch {
      // Already gone.
    }
  }
  // kill() returns before the target stops; a fork it is in the middle of may still complete.
  // Once its state reads T, that fork is done and the child shows up in /proc.
  const deadline = Date.now() + timeoutMs;
  const settled = (pid: number) => ['T', 't', 'Z', 'X', undefined].includes(processState(pid));
  while (!pids.every(settled) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
}

/**
 * Freezes `root` and every process below it, so none of them can accept a connection or fork,
 * and returns the PIDs below `root`, all stopped and ready to be killed.
 *
 * A snapshot taken while the listener runs is not enough: a listener woken by SIGTERM while a
 * connection waits in its backlog sees the ready socket first (ppoll reports it before the
 * signal), so it accepts and forks that connection before it handles the SIGTERM. That session
 * was not in the snapshot, survived the "pause" and served the client (CI: a reconnect sent
 * after the pause deleted a `.part` on the supposedly unreachable server).
 */
async function freezeTree(root: number): Promise<number[]> {
  await stopAll([root]);
  const frozen = new Set<number>();
  for (;;) {
    const found = descendantsOf(root).filter((pid) => !frozen.has(pid));
    if (found.length === 0) return [...frozen];
    for (const pid of found) frozen.add(pid);
    await stopAll(found);
  }
}

/**
 * Starts a private OpenSSH sshd on 127.0.0.1 with its own host key, config and SFTP root.
 *
 * Real server, real crypto, real `internal-sftp`: what the integration tests and the
 * benchmark measure against. Each call gets its own port, temp dir and root directory,
 * so test files can run in parallel.
 */
export async function startSshd(opts: SshdOptions = {}): Promise<SshdHandle> {
  requireSshd();
  await mkdir('/run/sshd', { recursive: true });
  const account = ensureTestUser();
  const hostKeyType = opts.hostKeyType ?? 'ed25519';

  const dir = await mkdtemp(join(tmpdir(), 'loopdesk-sshd-'));
  // sshd reads authorized_keys as the target user, so the user must be able to reach it.
  await chmod(dir, 0o755);
  const clientKeyPath = join(dir, 'client_ed25519');
  const encryptedClientKeyPath = join(dir, 'client_ed25519_enc');
  keygen(clientKeyPath, 'ed25519');
  keygen(encryptedClientKeyPath, 'ed25519', SSHD_KEY_PASSPHRASE);
  const authorizedKeys = join(dir, 'authorized_keys');
  await writeFile(authorizedKeys, readFileSync(`${clientKeyPath}.pub`, 'utf8') + readFileSync(`${encryptedClientKeyPath}.pub`, 'utf8'), { mode: 0o644 });

  const root = join(account.home, `sftp-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`);
  await mkdir(root, { recursive: true });
  await chown(root, account.uid, account.gid);
  await chmod(account.home, 0o755);

  let port = await freePort();
  const configPath = join(dir, 'sshd_config');
  let generation = 0;
  let hostKeyPath = '';
  let hostKeyFingerprint = '';
  let proc: ChildProcess | undefined;
  let stderr = '';

  const newHostKey = () => {
    generation += 1;
    hostKeyPath = join(dir, `host_${hostKeyType}_${generation}`);
    keygen(hostKeyPath, hostKeyType);
    hostKeyFingerprint = sshKeygenFingerprint(`${hostKeyPath}.pub`);
  };

  const writeConfig = () =>
    writeFile(
      configPath,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKeyPath}`,
        'PidFile none',
        'UsePAM no',
        'StrictModes no',
        `AuthorizedKeysFile ${authorizedKeys}`,
        'PasswordAuthentication yes',
        'PubkeyAuthentication yes',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin no',
        `AllowUsers ${SSHD_TEST_USER}`,
        'Subsystem sftp internal-sftp',
        'MaxStartups 50:30:100',
        'MaxAuthTries 6',
        'LogLevel INFO',
        ...(opts.extraConfig ?? []),
        '',
      ].join('\n'),
      { mode: 0o600 },
    );

  /**
   * Starts sshd on `port` and waits until THIS process says it listens (an SSH banner on the port
   * could come from another test file's server that took the port in between). Answers false when
   * sshd found the port taken.
   */
  const listen = async (): Promise<boolean> => {
    await writeConfig();
    const child = spawn(SSHD_BIN, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let own = '';
    child.stderr?.on('data', (d: Buffer) => {
      own += d.toString('utf8');
      stderr += d.toString('utf8');
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
    });
    proc = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    while (!own.includes(`Server listening on 127.0.0.1 port ${port}`)) {
      if (child.exitCode !== null || child.signalCode !== null) {
        await exited;
        if (own.includes('Address already in use')) return false;
        throw new Error(`sshd exited (${child.exitCode ?? child.signalCode}) before listening:\n${stderr}`);
      }
      if (Date.now() > deadline) throw new Error(`sshd did not listen on 127.0.0.1:${port} within 10 s:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitForBanner(port, child, () => stderr);
    return true;
  };
  /** Starts sshd again on the port its clients know (after a pause or a new host key). */
  const launch = async () => {
    if (!(await listen())) throw new Error(`sshd could not listen on 127.0.0.1:${port} again: another process took the port meanwhile.\n${stderr}`);
  };

  const halt = async () => {
    const child = proc;
    proc = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Session processes are children of the listener; stop them too so nothing outlives us.
    // Freeze first, kill after: from the moment this starts, no new session can be served.
    const sessions = await freezeTree(child.pid);
    for (const pid of [child.pid, ...sessions]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await exited;
  };

  newHostKey();
  try {
    // The port was free a moment ago; should another process have taken it since, take another.
    for (let attempt = 1; !(await listen()); attempt++) {
      if (attempt === 5) throw new Error(`sshd found its port taken five times in a row:\n${stderr}`);
      port = await freePort();
    }
  } catch (err) {
    await halt();
    await rm(dir, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
    throw err;
  }

  const handle: SshdHandle = {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    get hostKeyFingerprint() {
      return hostKeyFingerprint;
    },
    get hostPublicKeyPath() {
      return `${hostKeyPath}.pub`;
    },
    user: SSHD_TEST_USER,
    password: SSHD_TEST_PASSWORD,
    clientKeyPath,
    encryptedClientKeyPath,
    clientKeyPassphrase: SSHD_KEY_PASSPHRASE,
    root,
    dir,
    get pid() {
      return proc?.pid ?? -1;
    },
    logs: () => stderr,
    async rotateHostKey() {
      await halt();
      newHostKey();
      await launch();
      return hostKeyFingerprint;
    },
    pause: halt,
    resume: launch,
    killSessions() {
      const pid = proc?.pid;
      if (pid === undefined) return 0;
      let killed = 0;
      for (const child of descendantsOf(pid)) {
        try {
          process.kill(child, 'SIGKILL');
          killed += 1;
        } catch {
          // Already gone.
        }
      }
      return killed;
    },
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true });
      await rm(root, { recursive: true, force: true });
    },
  };
  return handle;
}
