import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * Normalises an SFTP path to an absolute path inside the virtual root, or null when it
 * would climb above it.
 *
 * Every client is chrooted: `/` is the sandbox's SFTP root and relative paths start
 * there. `..` past the root is refused rather than clamped, so a client that tries to
 * escape gets an error instead of silently landing somewhere else.
 */
export function normalizeVirtualPath(input: string): string | null {
  if (input.includes('\u0000')) return null;
  const stack: string[] = [];
  for (const seg of input.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (stack.length === 0) return null;
      stack.pop();
      continue;
    }
    stack.push(seg);
  }
  return '/' + stack.join('/');
}

/** True when `candidate` is `root` or lies below it (both real, absolute paths). */
export function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** A client path mapped to disk, after the jail check. */
export interface JailedPath {
  /** Normalised path as the client sees it (`/demo/upload/x.csv`). */
  readonly virtual: string;
  /** Path on disk below the SFTP root (symlinks not resolved). */
  readonly local: string;
}

/** Why a path was refused: escapes the root, or names something that does not exist. */
export type JailError = 'outside' | 'missing';

/**
 * Maps client paths to disk and checks that what they name stays inside the root.
 *
 * Symlinks are resolved before the check (`follow`), or only the parent directory is
 * (`nofollow`, for LSTAT/REMOVE/RENAME, which act on the link itself). A symlink inside the
 * root that points out is therefore refused, as is a `..` that climbs out.
 */
export class PathJail {
  private constructor(
    /** Disk path of the SFTP root, symlinks resolved. */
    readonly realRoot: string,
  ) {}

  /** Creates a jail around `root` (which must exist). */
  static async create(root: string): Promise<PathJail> {
    return new PathJail(await realpath(root));
  }

  /** Maps without touching the disk; null when the path climbs out. */
  map(input: string): JailedPath | null {
    const virtual = normalizeVirtualPath(input);
    if (virtual === null) return null;
    return { virtual, local: virtual === '/' ? this.realRoot : path.join(this.realRoot, ...virtual.slice(1).split('/')) };
  }

  /**
   * Maps and checks against symlinks. With `follow`, an existing target is resolved
   * fully; a missing one by its parent (so a new file can be created there).
   */
  async resolve(input: string, mode: 'follow' | 'nofollow'): Promise<JailedPath | JailError> {
    const mapped = this.map(input);
    if (!mapped) return 'outside';
    if (mapped.virtual === '/') return mapped;
    if (mode === 'follow') {
      try {
        const real = await realpath(mapped.local);
        return isInside(this.realRoot, real) ? mapped : 'outside';
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return 'missing';
        // A dangling symlink would be followed by open(O_CREAT): treat it as leading out.
        const st = await lstat(mapped.local).catch(() => null);
        if (st?.isSymbolicLink()) return 'outside';
      }
    }
    try {
      const parentReal = await realpath(path.dirname(mapped.local));
      return isInside(this.realRoot, parentReal) ? mapped : 'outside';
    } catch {
      return 'missing';
    }
  }

  /** The client-visible path of a disk path inside the root, or null when outside. */
  toVirtual(real: string): string | null {
    if (!isInside(this.realRoot, real)) return null;
    const rel = path.relative(this.realRoot, real);
    return rel === '' ? '/' : '/' + rel.split(path.sep).join('/');
  }
}
