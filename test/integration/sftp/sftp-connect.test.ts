import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf, openSftp, probeHostKey, withRetry, type SftpSession } from '../../../main/services/sftp';
import { freePort, sshKeygenFingerprint, startSshd, type SshdHandle } from '../../helpers/sshd';
import { sshdTarget } from '../../helpers/sshd-target';
import { appErrorOf } from '../faults/fault-support';

describe('SFTP connection against a real OpenSSH sshd', () => {
  let sshd: SshdHandle;
  const open: SftpSession[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
  });

  afterAll(async () => {
    await Promise.all(open.map((s) => s.end()));
    await sshd?.stop();
  });

  it('computes fingerprints exactly as ssh-keygen -lf prints them', async () => {
    const reference = sshKeygenFingerprint(sshd.hostPublicKeyPath);
    expect(sshd.hostKeyFingerprint).toBe(reference);
    const probe = await probeHostKey({ host: sshd.host, port: sshd.port, timeoutMs: 5000 });
    expect(probe.fingerprint).toBe(reference);
    expect(probe.keyType).toBe('ssh-ed25519');
    expect(probe.serverIdent).toMatch(/^SSH-2\.0-OpenSSH_/);
    // The probe must not log in: no auth attempt may appear in sshd's log.
    expect(sshd.logs()).not.toMatch(/Accepted|Failed password/);
  });

  it('refuses an unknown host key with HOST_KEY_UNKNOWN carrying the fingerprint', async () => {
    const err = await appErrorOf(openSftp(sshdTarget(sshd, { trustedKeys: [] })));
    expect(err.code).toBe('HOST_KEY_UNKNOWN');
    expect(err.details).toEqual({ fingerprint: sshKeygenFingerprint(sshd.hostPublicKeyPath), keyType: 'ssh-ed25519' });
    expect(err.message).toContain(sshd.hostKeyFingerprint);
  });

  it('logs in with a password when the key is pinned, and reports ident and extensions', async () => {
    const session = await openSftp(sshdTarget(sshd));
    open.push(session);
    expect(session.connected).toBe(true);
    expect(session.fingerprint).toBe(sshd.hostKeyFingerprint);
    expect(session.serverIdent).toMatch(/^SSH-2\.0-OpenSSH_9/);
    // OpenSSH's internal-sftp advertises these; the ssh2 sandbox server does not.
    expect(session.extensions).toContain('posix-rename@openssh.com');
    expect(session.extensions).toContain('statvfs@openssh.com');
    expect(await session.stat(sshd.root)).toMatchObject({ isDirectory: true });
    await session.end();
    expect(session.connected).toBe(false);
  });

  it('logs in with a private key, and with a passphrase-protected key', async () => {
    const plain = await openSftp(sshdTarget(sshd, { auth: 'key' }));
    open.push(plain);
    expect(await plain.exists(sshd.root)).toBe(true);
    await plain.end();
    const encrypted = await openSftp(sshdTarget(sshd, { auth: 'encrypted-key' }));
    open.push(encrypted);
    expect(await encrypted.exists(sshd.root)).toBe(true);
    await encrypted.end();
  });

  it('reports AUTH_FAILED for a wrong password and a wrong key passphrase, telling what to check', async () => {
    const err = await appErrorOf(openSftp(sshdTarget(sshd, { password: 'not-the-password' })));
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toMatch(/user name and the password or private key/);
    const badKey = { ...sshdTarget(sshd, { auth: 'encrypted-key' }), passphrase: 'wrong passphrase' };
    expect((await appErrorOf(openSftp(badKey))).code).toBe('AUTH_FAILED');
  });

  it('refuses to connect without any credential instead of trying anonymous login', async () => {
    const { password: _unused, ...noSecret } = sshdTarget(sshd);
    expect((await appErrorOf(openSftp(noSecret))).code).toBe('SECRET_UNAVAILABLE');
  });

  it('maps a closed port to CONNECTION_FAILED and a silent server to TIMEOUT', async () => {
    const closedPort = await freePort();
    const refused = await appErrorOf(openSftp({ ...sshdTarget(sshd), port: closedPort }));
    expect(refused.code).toBe('CONNECTION_FAILED');
    expect(refused.details).toMatchObject({ cause: 'ECONNREFUSED' });

    // Accepts TCP but never speaks SSH: the handshake must time out, not hang.
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = Date.now();
      const err = await appErrorOf(openSftp({ ...sshdTarget(sshd, { options: { connectTimeoutSeconds: 1 } }), port }));
      expect(err.code).toBe('TIMEOUT');
      expect(Date.now() - started).toBeLessThan(5000);
      const probeErr = await appErrorOf(probeHostKey({ host: '127.0.0.1', port, timeoutMs: 500 }));
      expect(probeErr.code).toBe('TIMEOUT');
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => silent.close(r));
    }
  });

  it('retries transient failures with back-off and never retries auth or trust failures', async () => {
    // Server down for a moment: the connect succeeds once it is back.
    await sshd.pause();
    const resumed = new Promise<void>((resolve, reject) => setTimeout(() => sshd.resume().then(resolve, reject), 400));
    const attempts: number[] = [];
    const session = await withRetry(
      (attempt) => {
        attempts.push(attempt);
        return openSftp(sshdTarget(sshd));
      },
      { retries: 6, baseDelayMs: 100 },
    );
    open.push(session);
    await resumed;
    expect(attempts.length).toBeGreaterThan(1);
    expect(await session.exists(sshd.root)).toBe(true);
    await session.end();

    let authCalls = 0;
    const auth = await appErrorOf(
      withRetry(() => (authCalls++, openSftp(sshdTarget(sshd, { password: 'wrong' }))), { retries: 3, baseDelayMs: 10 }),
    );
    expect(auth.code).toBe('AUTH_FAILED');
    expect(authCalls).toBe(1);

    let trustCalls = 0;
    const trust = await appErrorOf(withRetry(() => (trustCalls++, openSftp(sshdTarget(sshd, { trustedKeys: [] }))), { retries: 3, baseDelayMs: 10 }));
    expect(trust.code).toBe('HOST_KEY_UNKNOWN');
    expect(trustCalls).toBe(1);

    // A transient error that persists is thrown after exactly `retries` extra attempts.
    let refusedCalls = 0;
    const closedPort = await freePort();
    const refused = await appErrorOf(
      withRetry(() => (refusedCalls++, openSftp({ ...sshdTarget(sshd), port: closedPort })), { retries: 2, baseDelayMs: 10 }),
    );
    expect(refused.code).toBe('CONNECTION_FAILED');
    expect(refusedCalls).toBe(3);
  });

  it('detects a changed host key as HOST_KEY_CHANGED with a clear warning (runs last: rotates the key)', async () => {
    const oldFingerprint = sshd.hostKeyFingerprint;
    const newFingerprint = await sshd.rotateHostKey();
    expect(newFingerprint).not.toBe(oldFingerprint);
    expect(newFingerprint).toBe(sshKeygenFingerprint(sshd.hostPublicKeyPath));

    const err = await appErrorOf(openSftp(sshdTarget(sshd, { trustedKeys: [oldFingerprint] })));
    expect(err.code).toBe('HOST_KEY_CHANGED');
    expect(err.message).toMatch(/attack/);
    expect(err.message).toMatch(/trust the new one/);
    expect(err.details).toMatchObject({ fingerprint: newFingerprint, trusted: [oldFingerprint] });

    // Rotation with both keys pinned is the supported way to re-trust.
    const session = await openSftp(sshdTarget(sshd, { trustedKeys: [oldFingerprint, newFingerprint] }));
    open.push(session);
    expect(session.fingerprint).toBe(newFingerprint);
    await session.end();
  });

  it('reaches an old-style server (SHA-1 kex, CBC cipher) only with legacy algorithms enabled', async () => {
    const legacy = await startSshd({ extraConfig: ['KexAlgorithms diffie-hellman-group14-sha1', 'Ciphers aes128-cbc'] });
    try {
      const modernOnly = await appErrorOf(openSftp(sshdTarget(legacy)));
      expect(modernOnly.code).toBe('CONNECTION_FAILED');
      expect(modernOnly.message).toMatch(/legacy algorithms/);
      const session = await openSftp(sshdTarget(legacy, { options: { legacyAlgorithms: true } }));
      open.push(session);
      expect(await session.exists(legacy.root)).toBe(true);
      await session.end();
    } finally {
      await legacy.stop();
    }
    // Legacy mode only appends algorithms: a modern server still works with it.
    const modern = await openSftp(sshdTarget(sshd, { options: { legacyAlgorithms: true } }));
    open.push(modern);
    await modern.end();
  });

  it('fingerprintOf matches OpenSSH for a known key blob', () => {
    // Public key blob of an ed25519 key and the fingerprint ssh-keygen -lf printed for it.
    const blob = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIH5DBXZrQ7RmuVwwv5ErZWnjKTG28315jkC8OY6TWNBB', 'base64');
    expect(fingerprintOf(blob)).toBe('SHA256:V7+3/D75Qekw0I7FB3WWf8+Ek0fEpF9bWV+mYvxS/+U');
  });
});
