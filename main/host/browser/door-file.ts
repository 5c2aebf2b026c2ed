import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How another process on this machine reaches the Loopdesk that owns a data dir: its
 * WebSocket port and per-launch token. Only the owner of the data dir writes it; the CLI
 * reads it to talk to that owner instead of refusing with DATA_DIR_IN_USE.
 */
export interface DoorInfo {
  readonly port: number;
  readonly token: string;
  readonly pid: number;
}

/** The door file's name inside the data dir. */
export const DOOR_FILE = 'loopdesk.door.json';

/**
 * Writes the door file readable by this user only (mode 0600): the token grants every
 * service call, so it never goes into a file others can read, and it is never printed.
 */
export function writeDoorFile(dataDir: string, info: DoorInfo): string {
  const path = join(dataDir, DOOR_FILE);
  rmSync(path, { force: true });
  writeFileSync(path, JSON.stringify(info), { mode: 0o600, flag: 'wx' });
  // The umask can only remove bits; chmod makes the mode exact on every platform that has one.
  chmodSync(path, 0o600);
  return path;
}

/** Reads the door file, or undefined when there is none (or it is not ours to read). */
export function readDoorFile(dataDir: string): DoorInfo | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, DOOR_FILE), 'utf8')) as Partial<DoorInfo>;
    if (!Number.isInteger(parsed.port) || typeof parsed.token !== 'string' || !Number.isInteger(parsed.pid)) return undefined;
    return { port: parsed.port!, token: parsed.token, pid: parsed.pid! };
  } catch {
    return undefined;
  }
}

/** Removes the door file when it is still the one this process wrote. */
export function removeDoorFile(dataDir: string, token: string): void {
  if (readDoorFile(dataDir)?.token === token) rmSync(join(dataDir, DOOR_FILE), { force: true });
}
