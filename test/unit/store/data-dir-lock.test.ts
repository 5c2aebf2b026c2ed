import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir } from '../../../main/services/store/data-dir-lock';
import { tempDir } from '../../helpers/temp-dir';

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

describe('data dir lock', () => {
  it('refuses a second owner with the PID of the first, and frees on release', () => {
    const d = tempDir();
    dirs.push(d);
    // A live foreign owner: our parent process stands in for "another Loopdesk".
    writeFileSync(join(d.path, 'loopdesk.lock'), String(process.ppid));
    expect(() => lockDataDir(d.path)).toThrow(`in use by PID ${process.ppid}`);
  });

  it('takes over a lock left by a dead process', async () => {
    const d = tempDir();
    dirs.push(d);
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    writeFileSync(join(d.path, 'loopdesk.lock'), String(deadPid));
    const lock = lockDataDir(d.path);
    expect(readFileSync(lock.path, 'utf8').split(' ')[0]).toBe(String(process.pid));
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });
});

describe('data dir lock after a crash', () => {
  it('takes over a lock whose PID now belongs to another program (start time differs)', () => {
    const d = tempDir();
    dirs.push(d);
    // Our parent is alive, but it did not start at time 1: a reused PID, not the owner.
    writeFileSync(join(d.path, 'loopdesk.lock'), `${process.ppid} 1`);
    const lock = lockDataDir(d.path);
    expect(readFileSync(lock.path, 'utf8').split(' ')[0]).toBe(String(process.pid));
    lock.release();
  });
});
