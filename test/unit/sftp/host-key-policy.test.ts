import { describe, expect, it } from 'vitest';
import { checkHostKey } from '../../../main/services/sftp';

const KEY_A = 'SHA256:f197NIEzdWYzWq30ZxH/kk784k0UPseT9V1XS2b/v9Q';
const KEY_B = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';

describe('checkHostKey', () => {
  it('accepts a key on the pinned list', () => {
    expect(checkHostKey(KEY_A, 'ssh-ed25519', [KEY_A])).toBeNull();
    expect(checkHostKey(KEY_A, 'ssh-ed25519', [KEY_B, KEY_A])).toBeNull();
  });

  it('accepts a pin written with the trailing "=" some tools print', () => {
    expect(checkHostKey(KEY_A, 'ssh-ed25519', [`${KEY_A}=`])).toBeNull();
    expect(checkHostKey(`${KEY_A}=`, 'ssh-ed25519', [KEY_A])).toBeNull();
  });

  it('never trusts silently: an empty list means HOST_KEY_UNKNOWN with the fingerprint to compare', () => {
    const err = checkHostKey(KEY_A, 'ssh-ed25519', []);
    expect(err?.code).toBe('HOST_KEY_UNKNOWN');
    expect(err?.message).toContain(KEY_A);
    expect(err?.message).toContain('ssh-ed25519');
    expect(err?.details).toEqual({ fingerprint: KEY_A, keyType: 'ssh-ed25519' });
  });

  it('a key outside a non-empty list is HOST_KEY_CHANGED, with a warning and the old pins', () => {
    const err = checkHostKey(KEY_B, 'ssh-rsa', [KEY_A]);
    expect(err?.code).toBe('HOST_KEY_CHANGED');
    expect(err?.message).toMatch(/WARNING.*man-in-the-middle/);
    expect(err?.message).toContain(KEY_B);
    expect(err?.details).toEqual({ fingerprint: KEY_B, keyType: 'ssh-rsa', trusted: [KEY_A] });
  });

  it('does not match on a prefix or on case', () => {
    expect(checkHostKey(KEY_A.slice(0, -1), 'ssh-ed25519', [KEY_A])?.code).toBe('HOST_KEY_CHANGED');
    expect(checkHostKey(KEY_A.toLowerCase(), 'ssh-ed25519', [KEY_A])?.code).toBe('HOST_KEY_CHANGED');
  });
});
