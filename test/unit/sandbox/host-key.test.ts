import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { loadOrCreateRoot, newHostKey } from '../../../main/services/sandbox/config';

describe('sandbox host key', () => {
  it('every new key is one ssh2 reads back (its generator makes an unreadable one about 1 in 256 times)', () => {
    // 2000 keys: with the generator's own keys, a run without an unreadable one has a chance of 0.04 %.
    for (let i = 0; i < 2000; i++) {
      const key = newHostKey();
      expect(ssh2.utils.parseKey(key) instanceof Error, key).toBe(false);
    }
  });

  it('a root whose stored key ssh2 cannot read gets a new one instead of never starting', async () => {
    const root = mkdtempSync(join(tmpdir(), 'loopdesk-hostkey-'));
    const first = await loadOrCreateRoot(root);
    const keyPath = join(root, 'host_key');
    expect(readFileSync(keyPath, 'utf8')).toBe(first.hostKey);
    // The same root keeps its key.
    expect((await loadOrCreateRoot(root)).hostKey).toBe(first.hostKey);
    writeFileSync(keyPath, '-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5\n-----END OPENSSH PRIVATE KEY-----\n');
    const again = await loadOrCreateRoot(root);
    expect(ssh2.utils.parseKey(again.hostKey) instanceof Error).toBe(false);
    expect(readFileSync(keyPath, 'utf8')).toBe(again.hostKey);
  });
});
