import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import SftpClient from 'ssh2-sftp-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../../main/services/sandbox';
import { tempDir } from '../../fixtures/sandbox/files';

const run = promisify(execFile);
let sb: SandboxHandle;
let work: string;
let outside: string;
let client: SftpClient;

beforeAll(async () => {
  for (const bin of ['/usr/bin/sftp', '/usr/bin/ssh-keygen']) if (!existsSync(bin)) throw new Error(`${bin} is missing: install the Debian package openssh-client`);
  work = tempDir('sandbox-sftp');
  outside = path.join(work, 'outside');
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.txt'), 'top secret');
  sb = await startSandbox({ root: path.join(work, 'root'), seed: 7, interval: 0 });
  // Symlinks inside the root that lead out: a directory, a file and a dangling one.
  const up = path.join(sb.sftpRoot, 'demo', 'upload');
  symlinkSync(outside, path.join(up, 'evil-dir'));
  symlinkSync(path.join(outside, 'secret.txt'), path.join(up, 'evil-file'));
  symlinkSync(path.join(outside, 'created-through-link.txt'), path.join(up, 'dangling'));
  symlinkSync('../logs', path.join(up, 'logs-link')); // stays inside: allowed
  client = new SftpClient();
  await client.connect({ host: sb.host, port: sb.port, username: sb.user, password: sb.password });
});

afterAll(async () => {
  await client?.end();
  await sb?.stop();
});

describe('sandbox SFTP server', () => {
  it('reports its host key as ssh-keygen -lf does, and keeps it across restarts', async () => {
    const pub = path.join(work, 'host.pub');
    writeFileSync(pub, sb.hostPublicKey + '\n');
    const { stdout } = await run('/usr/bin/ssh-keygen', ['-lf', pub]);
    expect(stdout.split(' ')[1]).toBe(sb.fingerprint);
    expect(sb.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const again = await startSandbox({ root: sb.root, interval: 0 });
    try {
      expect(again.fingerprint).toBe(sb.fingerprint);
      expect(again.password).toBe(sb.password);
      expect(again.port).not.toBe(sb.port);
    } finally {
      await again.stop();
    }
  });

  it("OpenSSH's sftp logs in with a key and can put, rename, ls, get and rm", async () => {
    const key = path.join(work, 'id_ed25519');
    await run('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    await sb.authorizeKey(readFileSync(key + '.pub', 'utf8'));
    const knownHosts = path.join(work, 'known_hosts');
    writeFileSync(knownHosts, `[${sb.host}]:${sb.port} ${sb.hostPublicKey}\n`);
    const local = path.join(work, 'local.csv');
    const content = '"a@example.com";"1";"";"";"";"";"";""\n'.repeat(1000);
    writeFileSync(local, content);
    const batch = path.join(work, 'batch');
    writeFileSync(
      batch,
      [
        'cd /demo/upload',
        `put ${local} 20250101120000_subscribers.csv.part`,
        'rename 20250101120000_subscribers.csv.part openssh.csv',
        'ls -l',
        `get openssh.csv ${path.join(work, 'back.csv')}`,
        'rm openssh.csv',
        'ls',
      ].join('\n') + '\n',
    );
    const { stdout } = await run('/usr/bin/sftp', [
      '-F', '/dev/null',
      '-b', batch,
      '-i', key,
      '-P', String(sb.port),
      '-o', `UserKnownHostsFile=${knownHosts}`,
      '-o', 'StrictHostKeyChecking=yes',
      '-o', 'IdentitiesOnly=yes',
      '-o', 'PasswordAuthentication=no',
      '-o', 'BatchMode=yes',
      `${sb.user}@${sb.host}`,
    ]);
    expect(stdout).toMatch(/-rw\S+\s+1 loopdesk\s+loopdesk\s+\d+ \w{3} [ \d]\d [\d :]{5} openssh\.csv/);
    expect(readFileSync(path.join(work, 'back.csv'), 'utf8')).toBe(content);
    expect(existsSync(path.join(sb.sftpRoot, 'demo', 'upload', 'openssh.csv'))).toBe(false);
  });

  it('rejects a key that is not authorised and a wrong password', async () => {
    const key = path.join(work, 'stranger');
    await run('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const knownHosts = path.join(work, 'known_hosts2');
    writeFileSync(knownHosts, `[${sb.host}]:${sb.port} ${sb.hostPublicKey}\n`);
    const batch = path.join(work, 'batch2');
    writeFileSync(batch, 'ls\n');
    await expect(
      run('/usr/bin/sftp', ['-F', '/dev/null', '-b', batch, '-i', key, '-P', String(sb.port), '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', `${sb.user}@${sb.host}`]),
    ).rejects.toThrow(/Permission denied/);
    const c = new SftpClient();
    await expect(c.connect({ host: sb.host, port: sb.port, username: sb.user, password: 'wrong-password', retries: 0 })).rejects.toThrow(/authentication/i);
  });

  it('ssh2-sftp-client: put, stat, list with types and rights, rename, get, mkdir, rmdir, delete', async () => {
    const dir = '/demo/upload';
    await client.put(Buffer.from('hello'), `${dir}/a.txt.part`);
    await client.rename(`${dir}/a.txt.part`, `${dir}/a.txt`);
    expect((await client.stat(`${dir}/a.txt`)).size).toBe(5);
    const listing = await client.list(dir);
    const a = listing.find((e) => e.name === 'a.txt');
    expect(a).toMatchObject({ type: '-', size: 5, rights: { user: 'rw' } });
    expect(listing.find((e) => e.name === 'evil-dir')?.type).toBe('l');
    expect(((await client.get(`${dir}/a.txt`)) as Buffer).toString()).toBe('hello');
    await client.mkdir(`${dir}/sub`);
    expect(await client.exists(`${dir}/sub`)).toBe('d');
    await client.rmdir(`${dir}/sub`);
    expect(await client.realPath('demo/upload/../logs')).toBe('/demo/logs');
    await client.delete(`${dir}/a.txt`);
    expect(await client.exists(`${dir}/a.txt`)).toBe(false);
    await expect(client.get(`${dir}/nope.txt`)).rejects.toThrow(/No such file/);
  });

  it('RENAME onto an existing file fails and leaves both files, as on OpenSSH', async () => {
    await client.put(Buffer.from('one'), '/demo/upload/one.txt');
    await client.put(Buffer.from('two'), '/demo/upload/two.txt');
    await expect(client.rename('/demo/upload/one.txt', '/demo/upload/two.txt')).rejects.toThrow();
    expect(((await client.get('/demo/upload/two.txt')) as Buffer).toString()).toBe('two');
    expect(((await client.get('/demo/upload/one.txt')) as Buffer).toString()).toBe('one');
    await client.delete('/demo/upload/one.txt');
    await client.delete('/demo/upload/two.txt');
  });

  it('refuses paths that escape the root and reads or writes nothing outside it', async () => {
    const sftp = (client as unknown as { sftp: import('ssh2').SFTPWrapper }).sftp;
    const raw = (fn: (cb: (err: Error | null | undefined) => void) => void): Promise<string> =>
      new Promise((resolve) => fn((err) => resolve(err ? String((err as { code?: number }).code) : 'ok')));
    // `..` above the root: PERMISSION_DENIED (3), never clamped to the root.
    expect(await raw((cb) => sftp.stat('/../../etc/passwd', cb))).toBe('3');
    expect(await raw((cb) => sftp.stat('../etc/hostname', cb))).toBe('3');
    expect(await raw((cb) => sftp.realpath('/..', cb))).toBe('3');
    expect(await raw((cb) => sftp.opendir('/demo/../..', cb))).toBe('3');
    // Writing to `..` and to a host absolute path touches nothing on the host.
    await expect(client.put(Buffer.from('x'), `/../${path.basename(work)}/escaped.txt`)).rejects.toThrow();
    await expect(client.put(Buffer.from('x'), path.join(outside, 'absolute.txt'))).rejects.toThrow();
    expect(existsSync(path.join(work, 'escaped.txt'))).toBe(false);
    expect(existsSync(path.join(outside, 'absolute.txt'))).toBe(false);
    // An absolute path means a path inside the chroot, so the host's /etc/hostname is not there.
    expect(await raw((cb) => sftp.stat('/etc/hostname', cb))).toBe('2');
    // Symlinks inside the root that lead out are refused for read, list, write and rename.
    await expect(client.get('/demo/upload/evil-file')).rejects.toThrow(/denied/i);
    await expect(client.list('/demo/upload/evil-dir')).rejects.toThrow(/denied/i);
    await expect(client.get('/demo/upload/evil-dir/secret.txt')).rejects.toThrow(/denied/i);
    await expect(client.put(Buffer.from('x'), '/demo/upload/evil-dir/new.txt')).rejects.toThrow(/denied/i);
    await expect(client.put(Buffer.from('x'), '/demo/upload/dangling')).rejects.toThrow(/denied/i);
    expect(await raw((cb) => sftp.rename('/demo/upload/x', '/demo/upload/evil-dir/x', cb))).toBe('3');
    expect(await raw((cb) => sftp.realpath('/demo/upload/evil-dir', cb))).toBe('3');
    expect(existsSync(path.join(outside, 'new.txt'))).toBe(false);
    expect(existsSync(path.join(outside, 'created-through-link.txt'))).toBe(false);
    expect(readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
    // The private parts of the sandbox root are not reachable either.
    expect(await raw((cb) => sftp.stat('/../sandbox.json', cb))).toBe('3');
    expect(await raw((cb) => sftp.stat('/sandbox.json', cb))).toBe('2');
    // A symlink that stays inside the root works.
    expect(Array.isArray(await client.list('/demo/upload/logs-link'))).toBe(true);
    // No symlink creation: a client cannot plant a way out.
    expect(await raw((cb) => sftp.symlink('/etc', '/demo/upload/mine', cb))).toBe('8');
  });
});
