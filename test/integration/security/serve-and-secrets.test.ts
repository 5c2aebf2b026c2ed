import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openAppContext } from '../../../main/app/app-context';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { tempDir } from '../../helpers/temp-dir';

// The real `loopdesk` command as child processes: `serve` listens on loopback only, and no
// password or passphrase ever reaches stdout, stderr, the activity log, the data file or
// any other file under the data dir, whether given through the CLI's environment
// variables or typed into the browser UI, right or wrong.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'main', 'cli', 'bin.mjs');
const execFileP = promisify(execFile);

let sshd: SshdHandle;
let work: ReturnType<typeof tempDir>;
const started = new Set<ChildProcess>();

/** Values that must never leak: unique random strings, so a hit can only be a leak. */
const WRONG_PASSWORD = `Wrong-Pw-${randomBytes(9).toString('base64url')}`;
const WRONG_PASSPHRASE = `Wrong-Pp-${randomBytes(9).toString('base64url')}`;
const UI_PASSWORD = `Ui-Pw-${randomBytes(9).toString('base64url')}`;

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `loopdesk …` as a child process with extra environment variables. */
async function cli(dataDir: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  try {
    const { stdout, stderr } = await execFileP(process.execPath, [bin, '--data-dir', dataDir, ...args], { cwd: root, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    if (typeof err.code !== 'number') throw e;
    return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

interface Served {
  readonly child: ChildProcess;
  readonly info: { url: string; port: number; pid: number; dataDir: string };
  output(): { stdout: string; stderr: string };
  stop(): Promise<number | null>;
}

/** Starts `loopdesk --json serve …` and waits for its JSON line. */
function serve(dataDir: string, args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [bin, '--data-dir', dataDir, '--json', 'serve', '--port', '0', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`loopdesk serve printed no address in 30 s. stderr: ${stderr}`)), 30_000);
    const onData = () => {
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({
        child,
        info: JSON.parse(line),
        output: () => ({ stdout, stderr }),
        async stop() {
          child.kill('SIGTERM');
          const code = await exited;
          started.delete(child);
          return code;
        },
      });
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => reject(new Error(`loopdesk serve exited with ${code}. stderr: ${stderr}`)));
  });
}

/** The process and all its descendants, from /proc. */
function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
    } catch {
      // the process ended while we looked
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i]) ?? []));
  return tree;
}

/** Decodes /proc/net's little-endian hex address into dotted or colon notation. */
function decodeAddress(hex: string): string {
  if (hex.length === 8) return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
  const words = [0, 1, 2, 3].map((w) => hex.slice(w * 8, w * 8 + 8).match(/../g)!.reverse().join(''));
  const groups = words.join('').match(/..../g)!.map((g) => g.replace(/^0+(?=.)/, ''));
  return groups.join(':');
}

/** Every TCP socket in LISTEN state and every bound UDP socket that belongs to `pids`. */
function listeningSockets(pids: readonly number[]): { proto: string; address: string; port: number }[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const m = /^socket:\[(\d+)\]$/.exec(link);
        if (m) inodes.add(m[1]);
      } catch {
        // fd closed while we looked
      }
    }
  }
  const found: { proto: string; address: string; port: number }[] = [];
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6']) {
    const lines = readFileSync(`/proc/net/${proto}`, 'utf8').trim().split('\n').slice(1);
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      const [addr, port] = f[1].split(':');
      const state = f[3];
      const inode = f[9];
      if (!inodes.has(inode)) continue;
      const listening = proto.startsWith('tcp') ? state === '0A' : parseInt(port, 16) !== 0;
      if (listening) found.push({ proto, address: decodeAddress(addr), port: parseInt(port, 16) });
    }
  }
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The encodings a secret could be written in by accident. */
function needles(secret: string): Buffer[] {
  return [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'utf16le'), Buffer.from(Buffer.from(secret).toString('base64').slice(0, -4))];
}

/** Fails naming the file when any secret appears in any file under `dir`. */
function expectNoSecretOnDisk(dir: string, secrets: readonly string[]): void {
  const files = filesUnder(dir);
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const secret of secrets) for (const needle of needles(secret)) expect(bytes.includes(needle), `${secret} found in ${file}`).toBe(false);
  }
}

/** Reads the data dir back: the activity log through the service, and every text column of every table. */
async function expectNoSecretInData(dataDir: string, secrets: readonly string[], present: string): Promise<{ entries: number }> {
  const context = await openAppContext({ dataDir, host: 'cli', secrets: null });
  try {
    const listed = await context.dispatcher.handle('activity.list', { limit: 10000 }, { transport: 'memory' });
    expect(listed.ok, JSON.stringify(listed)).toBe(true);
    const log = JSON.stringify(listed);
    for (const secret of secrets) expect(log.includes(secret), `${secret} in the activity log`).toBe(false);
    // DuckDB compresses stored strings, so a byte search of the file is not enough: ask it.
    const columns = await context.db.all<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE data_type IN ('VARCHAR', 'JSON', 'BLOB') OR data_type LIKE '%[]' OR data_type LIKE 'STRUCT%' OR data_type LIKE 'MAP%'",
    );
    expect(columns.length).toBeGreaterThan(0);
    const hits = async (value: string) => {
      const found: string[] = [];
      for (const { table_name, column_name } of columns) {
        const [{ n }] = await context.db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM "${table_name}" WHERE contains(CAST("${column_name}" AS VARCHAR), ?)`, [value]);
        if (n > 0) found.push(`${table_name}.${column_name}`);
      }
      return found;
    };
    // The control: a value that is stored is found, so an empty answer below means something.
    expect((await hits(present)).length, `${present} is stored somewhere`).toBeGreaterThan(0);
    for (const secret of secrets) expect(await hits(secret), `${secret} stored in the data file`).toEqual([]);
    await context.db.run('CHECKPOINT');
    return { entries: (listed as { ok: true; value: { total: number } }).value.total };
  } finally {
    await context.close();
  }
}

beforeAll(async () => {
  work = tempDir('loopdesk-secrets-');
  sshd = await startSshd();
  for (const d of ['upload', 'logs', 'responses']) mkdirSync(join(sshd.root, d), { recursive: true });
  await execFileP('chown', ['-R', `${sshd.user}:`, sshd.root]);
});
afterAll(async () => {
  for (const child of started) child.kill('SIGKILL');
  await sshd?.stop();
  work?.cleanup();
});

describe('loopdesk serve listens on loopback only', () => {
  it('with --no-sandbox and with the demo sandbox, every listening socket is on 127.0.0.1', { timeout: 120_000 }, async () => {
    const [plain, withSandbox] = await Promise.all([
      serve(join(work.path, 'serve-plain'), ['--no-sandbox']),
      serve(join(work.path, 'serve-sandbox'), ['--sandbox-interval', '3600', '--sandbox-export-interval', '3600']),
    ]);
    try {
      for (const [served, minimum] of [
        [plain, 1],
        [withSandbox, 2],
      ] as const) {
        expect(served.info.pid).toBe(served.child.pid);
        const sockets = listeningSockets(processTree(served.child.pid!));
        expect(sockets.length, JSON.stringify(sockets)).toBeGreaterThanOrEqual(minimum);
        expect(sockets.some((s) => s.port === served.info.port)).toBe(true);
        for (const s of sockets) expect(`${s.proto} ${s.address}:${s.port}`).toBe(`${s.proto} 127.0.0.1:${s.port}`);
      }
    } finally {
      expect(await plain.stop()).toBe(0);
      expect(await withSandbox.stop()).toBe(0);
    }
  });
});

describe('secrets are never printed, logged or stored', () => {
  it('CLI: profile add / list / test with right and wrong password and passphrase', { timeout: 180_000 }, async () => {
    const dirs = ['--client', 'acme', '--upload-dir', join(sshd.root, 'upload'), '--log-dir', join(sshd.root, 'logs'), '--response-dir', join(sshd.root, 'responses')];
    const target = ['--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user, '--trust', sshd.hostKeyFingerprint, ...dirs];
    const secrets = [sshd.password, sshd.clientKeyPassphrase, WRONG_PASSWORD, WRONG_PASSPHRASE];
    const runs: CliRun[] = [];
    const stepper = (dataDir: string) => async (args: string[], env: Record<string, string> = {}) => {
      const r = await cli(dataDir, args, env);
      runs.push(r);
      return r;
    };
    // Two data dirs side by side (one process owns a data dir), to halve the wall time.
    const pwDir = join(work.path, 'cli-password');
    const keyDir = join(work.path, 'cli-key');
    await Promise.all([
      (async () => {
        const step = stepper(pwDir);
        expect((await step(['profile', 'add', '--name', 'pw', '--password-env', 'LD_PW', ...target], { LD_PW: sshd.password })).code).toBe(0);
        const list = await step(['--json', 'profile', 'list']);
        expect(JSON.parse(list.stdout).map((p: { name: string }) => p.name)).toEqual(['pw']);
        const good = await step(['--json', 'profile', 'test', 'pw'], { LD_PW: sshd.password });
        expect(good.code, good.stderr).toBe(0);
        const wrongJson = await step(['--json', 'profile', 'test', 'pw'], { LD_PW: WRONG_PASSWORD });
        expect(wrongJson.code).toBe(1);
        expect(JSON.parse(wrongJson.stdout).error.code).toBe('AUTH_FAILED');
        const wrongText = await step(['profile', 'test', 'pw'], { LD_PW: WRONG_PASSWORD });
        expect(wrongText.code).toBe(1);
        expect(wrongText.stderr).toContain('AUTH_FAILED');
      })(),
      (async () => {
        const step = stepper(keyDir);
        expect((await step(['profile', 'add', '--name', 'key', '--key', sshd.encryptedClientKeyPath, '--passphrase-env', 'LD_PP', ...target], { LD_PP: sshd.clientKeyPassphrase })).code).toBe(0);
        const good = await step(['--json', 'profile', 'test', 'key'], { LD_PP: sshd.clientKeyPassphrase });
        expect(good.code, good.stderr).toBe(0);
        const wrong = await step(['profile', 'test', 'key'], { LD_PP: WRONG_PASSPHRASE });
        expect(wrong.code).toBe(1);
      })(),
    ]);

    for (const r of runs) for (const secret of secrets) expect(`${r.stdout}\n${r.stderr}`.includes(secret), `${secret} printed:\n${r.stdout}\n${r.stderr}`).toBe(false);
    for (const [dataDir, variable, minimum] of [
      [pwDir, 'LD_PW', 3],
      [keyDir, 'LD_PP', 2],
    ] as const) {
      const { entries } = await expectNoSecretInData(dataDir, secrets, 'Profile created');
      expect(entries, 'the runs above were logged (so the log was really checked)').toBeGreaterThanOrEqual(minimum);
      expectNoSecretOnDisk(dataDir, secrets);
      // Only the variable's name is kept.
      const settings = filesUnder(dataDir).filter((f) => f.endsWith('.json')).map((f) => readFileSync(f, 'utf8')).join('\n');
      expect(settings).toContain(variable);
    }
  });

  it('browser host: passwords typed in the UI, right and wrong, over the real WebSocket', { timeout: 120_000 }, async () => {
    const dataDir = join(work.path, 'browser');
    const served = await serve(dataDir, ['--no-sandbox']);
    const secrets = [sshd.password, UI_PASSWORD, WRONG_PASSWORD, sshd.clientKeyPassphrase, WRONG_PASSPHRASE];
    const origin = `http://127.0.0.1:${served.info.port}`;
    const token = new URL(served.info.url).searchParams.get('token')!;
    const ws = new WebSocket(`ws://127.0.0.1:${served.info.port}/ws?token=${token}`, { headers: { origin } });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const traffic: string[] = [];
    const replies = new Map<number, unknown>();
    ws.on('message', (m) => {
      const text = String(m);
      const msg = JSON.parse(text);
      if (msg.type === 'reply') {
        replies.set(msg.id, msg.result);
        traffic.push(text);
      } else traffic.push(text);
    });
    let id = 0;
    const call = async (channel: string, payload: unknown) => {
      const n = ++id;
      ws.send(JSON.stringify({ type: 'call', id: n, channel, payload }));
      await expect.poll(() => replies.has(n), { timeout: 30_000 }).toBe(true);
      return replies.get(n) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
    };
    try {
      ws.send(JSON.stringify({ type: 'subscribe', event: 'activity.onEntry' }));
      const base = { host: '127.0.0.1', port: sshd.port, user: sshd.user, trustedKeys: [sshd.hostKeyFingerprint] };
      expect((await call('profiles.save', { profile: { name: 'ui', ...base, auth: { kind: 'password', password: sshd.password } } })).ok).toBe(true);
      expect(await call('profiles.test', { name: 'ui' })).toMatchObject({ ok: true, value: { ok: true } });
      expect((await call('profiles.setSecret', { name: 'ui', secret: WRONG_PASSWORD, remember: true })).ok).toBe(true);
      expect(await call('profiles.test', { name: 'ui' })).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
      expect((await call('profiles.save', { profile: { name: 'ui2', ...base, port: 1, auth: { kind: 'password', password: UI_PASSWORD } } })).ok).toBe(true);
      expect((await call('profiles.test', { name: 'ui2' })).ok).toBe(false);
      const key = readFileSync(sshd.encryptedClientKeyPath, 'utf8');
      expect((await call('profiles.save', { profile: { name: 'uikey', ...base, auth: { kind: 'key', privateKey: key, passphrase: WRONG_PASSPHRASE } } })).ok).toBe(true);
      expect((await call('profiles.test', { name: 'uikey' })).ok).toBe(false);
      expect((await call('profiles.save', { replace: true, profile: { name: 'uikey', ...base, auth: { kind: 'key', privateKey: key, passphrase: sshd.clientKeyPassphrase } } })).ok).toBe(true);
      expect(await call('profiles.test', { name: 'uikey' })).toMatchObject({ ok: true, value: { ok: true } });
      const listed = await call('profiles.list', {});
      expect((listed.value as unknown[]).length).toBe(3);
      const activity = await call('activity.list', { limit: 10000 });
      expect((activity.value as { total: number }).total).toBeGreaterThanOrEqual(4);
      expect(traffic.some((t) => t.includes('"activity.onEntry"'))).toBe(true);
      // Replies and events the page receives carry no secret (the key itself is a secret too).
      const keyBody = key.split('\n')[1];
      for (const secret of [...secrets, keyBody]) expect(traffic.join('\n').includes(secret), `${secret.slice(0, 12)}… sent to the page`).toBe(false);
    } finally {
      ws.close();
      expect(await served.stop()).toBe(0);
    }
    const { stdout, stderr } = served.output();
    for (const secret of secrets) expect(`${stdout}\n${stderr}`.includes(secret), `${secret} printed by serve`).toBe(false);
    await expectNoSecretInData(dataDir, secrets, 'uikey');
    expectNoSecretOnDisk(dataDir, secrets);
  });
});
