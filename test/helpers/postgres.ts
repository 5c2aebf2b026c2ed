import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './sshd';

/** Debian's PostgreSQL 15 binaries (package `postgresql`). */
export const PG_BIN = '/usr/lib/postgresql/15/bin';
/** The system account that runs the test cluster: `initdb` and `postgres` refuse root. */
const PG_USER = 'postgres';
/** Superuser of the test cluster and its password: only ever valid on 127.0.0.1 of a throw-away cluster. */
export const PG_TEST_SUPERUSER = 'loopdesk_admin';
export const PG_TEST_PASSWORD = 'Loopdesk-Pg-Test-Password-3';

/** A running test cluster. */
export interface PostgresHandle {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** A database created for this cluster's test. */
  readonly database: string;
  /** `postgres://user@127.0.0.1:port/db` without the password (as the settings file keeps it). */
  readonly url: string;
  /** The same with the password, for admin work in the test itself. */
  readonly urlWithPassword: string;
  /** PID of the postmaster. */
  readonly pid: number;
  /** Temp folder holding the cluster, its socket and log. */
  readonly dir: string;
  /** The server log so far (for failure messages). */
  logs(): string;
  /** Makes a further empty database and returns its name. */
  createDatabase(name: string): string;
  /** Stops the cluster (fast shutdown, then SIGKILL) and removes its folder. */
  stop(): Promise<void>;
}

/** Clusters started by this process (runuser child → data folder); killed on exit so a crashed run leaves none behind. */
const running = new Map<ChildProcess, string>();
process.once('exit', () => {
  for (const [child, data] of running) {
    const pid = postmasterPid(data);
    if (pid) process.kill(pid, 'SIGKILL');
    child.kill('SIGKILL');
  }
});

/** Fails loudly when PostgreSQL is missing: a silently skipped test proves nothing. */
function requirePostgres(): void {
  for (const bin of ['initdb', 'postgres', 'psql']) {
    if (!existsSync(join(PG_BIN, bin)) && !(bin === 'psql' && existsSync('/usr/bin/psql'))) {
      throw new Error(`${join(PG_BIN, bin)} is missing. Install PostgreSQL 15 with: apt-get install -y postgresql`);
    }
  }
  if (process.getuid?.() !== 0) throw new Error('The PostgreSQL test helper must run as root (it runs the cluster as the postgres user).');
}

function asPostgres(cmd: string, args: readonly string[], input?: string): string {
  return execFileSync('runuser', ['-u', PG_USER, '--', cmd, ...args], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

function psqlBin(): string {
  return existsSync(join(PG_BIN, 'psql')) ? join(PG_BIN, 'psql') : '/usr/bin/psql';
}

/**
 * Starts a private PostgreSQL 15 cluster on a loopback port: `initdb` in a temp folder owned by
 * the postgres user, password (scram) authentication over TCP, the unix socket in the same folder
 * so no system-wide cluster is touched. Stop it in `afterAll` with {@link PostgresHandle.stop}.
 */
export async function startPostgres(options: { readonly tls?: boolean } = {}): Promise<PostgresHandle> {
  requirePostgres();
  const dir = await mkdtemp(join(tmpdir(), 'loopdesk-pg-'));
  const { uid, gid } = pgIds();
  await chown(dir, uid, gid);
  const data = join(dir, 'data');
  const pwFile = join(dir, 'pw');
  await writeFile(pwFile, PG_TEST_PASSWORD, { mode: 0o600 });
  await chown(pwFile, uid, gid);
  asPostgres(join(PG_BIN, 'initdb'), ['-D', data, '-U', PG_TEST_SUPERUSER, '--pwfile', pwFile, '-A', 'scram-sha-256', '-E', 'UTF8', '--locale', 'C', '--no-sync']);
  const tlsArgs: string[] = [];
  if (options.tls) {
    // A self-signed certificate for 127.0.0.1: enough for sslmode=require, refused by verify-full.
    const cert = join(dir, 'server.crt');
    const key = join(dir, 'server.key');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=loopdesk-test-db', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    await chown(cert, uid, gid);
    await chown(key, uid, gid);
    tlsArgs.push('-c', 'ssl=on', '-c', `ssl_cert_file=${cert}`, '-c', `ssl_key_file=${key}`);
  }
  const logFile = join(dir, 'server.log');
  const env = { ...process.env, PGPASSWORD: PG_TEST_PASSWORD };
  /**
   * Starts the postmaster on a port that was free a moment ago. Another process (a parallel test
   * file's server) may take that port before the postmaster binds it: then it exits saying so, and
   * the next port is tried. Ready is what THIS postmaster logs, never an answer on the port, which
   * could come from whoever took it.
   */
  const launch = async (port: number) => {
    const child = spawn(
      'runuser',
      ['-u', PG_USER, '--', join(PG_BIN, 'postgres'), '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200', '-c', `log_destination=stderr`, ...tlsArgs],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    running.set(child, data);
    const started = { child, log: '', exited: new Promise<void>((resolve) => child.once('exit', () => resolve())) };
    child.stderr!.on('data', (b: Buffer) => (started.log += b.toString()));
    child.once('exit', () => running.delete(child));
    const deadline = Date.now() + 30_000;
    while (!started.log.includes('database system is ready to accept connections')) {
      if (child.exitCode !== null || child.signalCode !== null) {
        await started.exited;
        if (started.log.includes('Address already in use')) return undefined;
        throw new Error(`postgres exited with ${child.exitCode ?? child.signalCode} before accepting connections:\n${started.log}`);
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`postgres did not accept connections within 30 s:\n${started.log}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return started;
  };
  let port = 0;
  let server: Awaited<ReturnType<typeof launch>>;
  for (let attempt = 1; !server; attempt++) {
    port = await freePort();
    server = await launch(port);
    if (!server && attempt === 5) throw new Error('postgres found its port taken five times in a row');
  }
  const { child, exited } = server;
  const log = () => server!.log;
  execFileSync(join(PG_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', PG_TEST_SUPERUSER], { stdio: 'ignore', env });
  const psql = (sql: string, db = 'postgres') =>
    execFileSync(psqlBin(), ['-h', '127.0.0.1', '-p', String(port), '-U', PG_TEST_SUPERUSER, '-d', db, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], { encoding: 'utf8', env });
  const createDatabase = (name: string) => {
    psql(`CREATE DATABASE "${name}"`);
    return name;
  };
  const database = createDatabase('loopdesk_team');
  const url = `postgres://${PG_TEST_SUPERUSER}@127.0.0.1:${port}/${database}`;
  return {
    host: '127.0.0.1',
    port,
    user: PG_TEST_SUPERUSER,
    password: PG_TEST_PASSWORD,
    database,
    url,
    urlWithPassword: `postgres://${PG_TEST_SUPERUSER}:${encodeURIComponent(PG_TEST_PASSWORD)}@127.0.0.1:${port}/${database}`,
    pid: postmasterPid(data) ?? child.pid!,
    dir,
    logs: () => log() || (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    createDatabase,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        // Signal the postmaster itself (runuser would turn any signal into SIGTERM, PostgreSQL's
        // "smart" shutdown that waits for every client): SIGINT is its fast shutdown.
        const postmaster = postmasterPid(data);
        if (postmaster) process.kill(postmaster, 'SIGINT');
        else child.kill('SIGKILL');
        const timer = setTimeout(() => {
          const still = postmasterPid(data);
          if (still) process.kill(still, 'SIGKILL');
          child.kill('SIGKILL');
        }, 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The postmaster's PID from its `postmaster.pid` file (first line), if it runs. */
function postmasterPid(data: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function pgIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${PG_USER}:`));
  if (!line) throw new Error(`There is no "${PG_USER}" system user; install PostgreSQL with: apt-get install -y postgresql`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
