import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext } from '../../../main/app/app-context';
import { main } from '../../../main/cli/main';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { tempDir } from '../../helpers/temp-dir';

const run = promisify(execFile);
let sshd: SshdHandle;
let data: ReturnType<typeof tempDir>;

/** Runs the CLI in-process with captured output. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['--data-dir', data.path, ...args], { out: (l) => out.push(l), err: (l) => err.push(l) }, { ...process.env, ...env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

beforeAll(async () => {
  sshd = await startSshd();
  data = tempDir();
  for (const d of ['upload', 'logs', 'responses']) mkdirSync(join(sshd.root, d), { recursive: true });
  await run('chown', ['-R', `${sshd.user}:`, sshd.root]);
});
afterAll(async () => {
  await sshd?.stop();
  data?.cleanup();
});

describe('loopdesk profile (CLI) against a real sshd', () => {
  const dirs = () => ['--client', 'acme', '--upload-dir', join(sshd.root, 'upload'), '--log-dir', join(sshd.root, 'logs'), '--response-dir', join(sshd.root, 'responses')];

  it('adds a password profile, needs trust, then tests green', async () => {
    const env = { ACME_PW: sshd.password };
    const add = await cli(['profile', 'add', '--name', 'acme', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user, '--password-env', 'ACME_PW', ...dirs()], env);
    expect(add.code, add.err).toBe(0);

    const untrusted = await cli(['profile', 'test', 'acme'], env);
    expect(untrusted.code).toBe(1);
    expect(untrusted.err).toContain('HOST_KEY_UNKNOWN');
    expect(untrusted.err).toContain(sshd.hostKeyFingerprint);

    expect((await cli(['profile', 'trust', 'acme', sshd.hostKeyFingerprint])).code).toBe(0);
    const tested = await cli(['--json', 'profile', 'test', 'acme'], env);
    expect(tested.code, tested.err).toBe(0);
    const report = JSON.parse(tested.out);
    expect(report.ok).toBe(true);
    expect(report.serverIdent).toMatch(/OpenSSH/);
    expect(report.fingerprint).toBe(sshd.hostKeyFingerprint);
    expect(report.checks).toHaveLength(3);
    expect(report.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
  });

  it('fails with AUTH_FAILED and a non-zero exit on a wrong password', async () => {
    const r = await cli(['--json', 'profile', 'test', 'acme'], { ACME_PW: 'wrong-password' });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error.code).toBe('AUTH_FAILED');
  });

  it('says which environment variable is missing', async () => {
    const env = { ...process.env };
    delete env.ACME_PW;
    const out: string[] = [];
    const code = await main(['--data-dir', data.path, 'profile', 'test', 'acme'], { out: (l) => out.push(l), err: (l) => out.push(l) }, env);
    expect(code).toBe(1);
    expect(out.join('\n')).toContain('SECRET_UNAVAILABLE');
    expect(out.join('\n')).toContain('ACME_PW');
  });

  it('logs in with a key file and its passphrase from the environment', async () => {
    const add = await cli(['profile', 'add', '--name', 'acme-key', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user, '--key', sshd.encryptedClientKeyPath, '--passphrase-env', 'KEY_PP', '--trust', sshd.hostKeyFingerprint, ...dirs()]);
    expect(add.code, add.err).toBe(0);
    const tested = await cli(['--json', 'profile', 'test', 'acme-key'], { KEY_PP: sshd.clientKeyPassphrase });
    expect(tested.code, tested.err).toBe(0);
  });

  it('lists and removes profiles', async () => {
    const list = await cli(['--json', 'profile', 'list']);
    expect(JSON.parse(list.out).map((p: { name: string }) => p.name)).toEqual(['acme', 'acme-key']);
    expect((await cli(['profile', 'remove', 'acme-key', '--yes'])).code).toBe(0);
    expect(JSON.parse((await cli(['--json', 'profile', 'list'])).out)).toHaveLength(1);
  });

  it('keeps a password given in the UI off the disk', async () => {
    const secret = sshd.password;
    const context = await openAppContext({ dataDir: data.path, host: 'browser', secrets: null });
    try {
      const saved = await context.dispatcher.handle(
        'profiles.save',
        { profile: { name: 'ui', host: '127.0.0.1', port: sshd.port, user: sshd.user, auth: { kind: 'password', password: secret }, trustedKeys: [sshd.hostKeyFingerprint] } },
        { transport: 'memory' },
      );
      expect(saved).toMatchObject({ ok: true, value: { secretAvailable: true, secretStore: 'session' } });
      const tested = await context.dispatcher.handle('profiles.test', { name: 'ui' }, { transport: 'memory' });
      expect(tested, JSON.stringify(tested)).toMatchObject({ ok: true });
      await context.db.run('CHECKPOINT');
    } finally {
      await context.close();
    }
    const files = filesUnder(data.path);
    expect(files.some((f) => f.endsWith('settings.json'))).toBe(true);
    expect(files.some((f) => f.endsWith('.duckdb'))).toBe(true);
    for (const file of files) expect(readFileSync(file).includes(Buffer.from(secret)), file).toBe(false);
  });

  it('a second process on the same data dir is told which PID holds it', async () => {
    const context = await openAppContext({ dataDir: data.path, host: 'cli', secrets: null });
    try {
      const child = await run(process.execPath, ['main/cli/bin.mjs', '--data-dir', data.path, 'profile', 'list']).catch((e) => e);
      expect(child.code).toBe(1);
      expect(child.stderr).toContain(`DATA_DIR_IN_USE`);
      expect(child.stderr).toContain(`in use by PID ${process.pid}`);
    } finally {
      await context.close();
    }
  });
});
