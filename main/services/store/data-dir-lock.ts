import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/contract/result';

/** A held lock on a data dir; release it on shutdown. */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When a process started (Linux: field 22 of /proc/<pid>/stat), so a PID reused by another
 * program after a crash is not mistaken for the owner. Empty where /proc does not exist.
 */
function startTimeOf(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

/** The lock file's content: `<pid> <start time>`. */
function ownerLine(pid: number): string {
  return `${pid} ${startTimeOf(pid)}`.trim();
}

/** True when the recorded owner still runs (same PID and, where known, same start time). */
function ownerAlive(line: string): number | undefined {
  const [pidText, started] = line.trim().split(/\s+/);
  const pid = Number.parseInt(pidText ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) return undefined;
  if (started && startTimeOf(pid) && startTimeOf(pid) !== started) return undefined;
  return pid;
}

/**
 * Claims a data dir for this process. DuckDB allows one writer, and scheduled work must
 * run exactly once, so a second process gets DATA_DIR_IN_USE naming the owner's PID.
 * A lock left by a dead process (crash, SIGKILL) is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'loopdesk.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, ownerLine(process.pid));
      closeSync(fd);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          try {
            if (readFileSync(path, 'utf8').trim().split(/\s+/)[0] === String(process.pid)) rmSync(path);
          } catch {
            // already gone: nothing to release
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = ownerAlive(readFileSync(path, 'utf8'));
      if (owner !== undefined) {
        throw new AppError('DATA_DIR_IN_USE', 'error.store.dataDirInUse', { dataDir, pid: String(owner) }, { pid: owner, dataDir });
      }
      rmSync(path, { force: true });
    }
  }
  throw new AppError('DATA_DIR_IN_USE', 'error.store.dataDirStarting', { dataDir });
}
