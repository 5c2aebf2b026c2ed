import { describe, expect, it } from 'vitest';
import { fingerprintOf, keyTypeOf, normaliseFingerprint } from '../../../main/services/sftp';

/** An ed25519 public key and the fingerprint `ssh-keygen -lf -E sha256` printed for it. */
const PUBLIC_KEY_BLOB = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIPgfWYH3uWtARghCJVMIlgzl935siFmTaVm8ZVlWGq/n', 'base64');
const SSH_KEYGEN_FINGERPRINT = 'SHA256:f197NIEzdWYzWq30ZxH/kk784k0UPseT9V1XS2b/v9Q';

describe('fingerprintOf', () => {
  it('gives exactly what ssh-keygen prints: SHA256: plus unpadded base64', () => {
    expect(fingerprintOf(PUBLIC_KEY_BLOB)).toBe(SSH_KEYGEN_FINGERPRINT);
    expect(fingerprintOf(PUBLIC_KEY_BLOB)).not.toMatch(/=$/);
  });

  it('differs for a different key', () => {
    const other = Buffer.from(PUBLIC_KEY_BLOB);
    other[other.length - 1] ^= 1;
    expect(fingerprintOf(other)).not.toBe(SSH_KEYGEN_FINGERPRINT);
  });
});

describe('keyTypeOf', () => {
  it('reads the algorithm name from the blob', () => {
    expect(keyTypeOf(PUBLIC_KEY_BLOB)).toBe('ssh-ed25519');
  });

  it('says "unknown" for malformed blobs instead of throwing', () => {
    expect(keyTypeOf(Buffer.alloc(0))).toBe('unknown');
    expect(keyTypeOf(Buffer.from([0, 0, 0]))).toBe('unknown');
    expect(keyTypeOf(Buffer.from([0, 0, 0, 0]))).toBe('unknown');
    // A length beyond the blob, and an absurd length.
    expect(keyTypeOf(Buffer.from([0, 0, 0, 20, 0x73, 0x73, 0x68]))).toBe('unknown');
    expect(keyTypeOf(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x73]))).toBe('unknown');
  });
});

describe('normaliseFingerprint', () => {
  it('drops the base64 padding older tools print, and surrounding white space', () => {
    expect(normaliseFingerprint(`${SSH_KEYGEN_FINGERPRINT}=`)).toBe(SSH_KEYGEN_FINGERPRINT);
    expect(normaliseFingerprint(`  ${SSH_KEYGEN_FINGERPRINT}\n`)).toBe(SSH_KEYGEN_FINGERPRINT);
    expect(normaliseFingerprint(SSH_KEYGEN_FINGERPRINT)).toBe(SSH_KEYGEN_FINGERPRINT);
  });

  it('keeps case: base64 is case-sensitive, so a differently cased fingerprint is another key', () => {
    expect(normaliseFingerprint(SSH_KEYGEN_FINGERPRINT.toLowerCase())).not.toBe(SSH_KEYGEN_FINGERPRINT);
  });
});
