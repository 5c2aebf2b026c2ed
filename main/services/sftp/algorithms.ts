import type { Algorithms } from 'ssh2';

/**
 * Extra algorithms offered when a profile enables `legacyAlgorithms`.
 *
 * Old SFTP appliances still only speak SHA-1 key exchange, CBC ciphers or DSA host keys.
 * We append (never replace) them, so a modern server still negotiates a modern algorithm.
 */
export function algorithmsFor(legacyAlgorithms: boolean): Algorithms | undefined {
  if (!legacyAlgorithms) return undefined;
  return {
    kex: { append: ['diffie-hellman-group14-sha1', 'diffie-hellman-group-exchange-sha1', 'diffie-hellman-group1-sha1'] },
    cipher: { append: ['aes128-cbc', 'aes192-cbc', 'aes256-cbc', '3des-cbc'] },
    serverHostKey: { append: ['ssh-rsa', 'ssh-dss'] },
    hmac: { append: ['hmac-sha1', 'hmac-md5'] },
  } as Algorithms;
}
