import { readFileSync } from 'node:fs';
import { ConnectionOptions } from '../../shared/contract/profiles';
import type { SftpTarget } from '../../main/services/sftp';
import type { SshdHandle } from './sshd';

/**
 * Builds an {@link SftpTarget} for the test sshd.
 *
 * Tests vary one thing at a time (auth kind, pinned keys, options); everything else stays
 * the profile defaults, so a test reads as the difference it checks.
 */
export function sshdTarget(
  sshd: SshdHandle,
  over: {
    readonly auth?: 'password' | 'key' | 'encrypted-key';
    readonly password?: string;
    readonly trustedKeys?: readonly string[];
    readonly options?: Partial<ConnectionOptions>;
  } = {},
): SftpTarget {
  const auth = over.auth ?? 'password';
  const options = ConnectionOptions.parse({ connectTimeoutSeconds: 10, operationTimeoutSeconds: 20, ...over.options });
  const base = { host: sshd.host, port: sshd.port, username: sshd.user, trustedKeys: over.trustedKeys ?? [sshd.hostKeyFingerprint], options };
  if (auth === 'key') return { ...base, privateKey: readFileSync(sshd.clientKeyPath) };
  if (auth === 'encrypted-key') return { ...base, privateKey: readFileSync(sshd.encryptedClientKeyPath), passphrase: sshd.clientKeyPassphrase };
  return { ...base, password: over.password ?? sshd.password };
}
