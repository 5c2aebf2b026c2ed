import { createHash } from 'node:crypto';

/**
 * OpenSSH-style fingerprint of a raw SSH public key blob.
 *
 * Operators compare what Loopdesk shows with `ssh-keygen -lf`, so we use exactly that
 * form (`SHA256:` + unpadded base64) instead of ssh2's hex `hostHash`.
 */
export function fingerprintOf(rawPublicKey: Buffer): string {
  const digest = createHash('sha256').update(rawPublicKey).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/**
 * Key algorithm name (`ssh-ed25519`, `ssh-rsa`, …) from a raw SSH public key blob.
 *
 * The blob starts with the type as an SSH string; reading it ourselves avoids depending
 * on ssh2's internal key parser. Returns `unknown` for a malformed blob.
 */
export function keyTypeOf(rawPublicKey: Buffer): string {
  if (rawPublicKey.length < 4) return 'unknown';
  const len = rawPublicKey.readUInt32BE(0);
  if (len === 0 || len > 64 || rawPublicKey.length < 4 + len) return 'unknown';
  return rawPublicKey.subarray(4, 4 + len).toString('latin1');
}

/**
 * Normalises a pinned fingerprint for comparison.
 *
 * Profiles may hold the form with a trailing `=` (older tools print it); OpenSSH does not.
 */
export function normaliseFingerprint(fingerprint: string): string {
  return fingerprint.trim().replace(/=+$/, '');
}
