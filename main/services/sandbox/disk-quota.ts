/** The sandbox's `diskQuotaBytes` fault switch: a full disk on the server, per client. */
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { SandboxClient } from './config';

/** Bytes held by the regular files below `dir` (symlinks not followed; unreadable entries skipped). */
async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await treeBytes(p);
    else if (entry.isFile()) total += (await lstat(p).catch(() => null))?.size ?? 0;
  }
  return total;
}

/**
 * The WRITE check behind the `diskQuotaBytes` fault switch, or undefined when no client sets one
 * (then the server never asks). Usage is measured on every growing write, which is fine for the
 * sandbox's small trees and makes freed space count at once.
 */
export function diskQuotaCheck(sftpRoot: string, clients: readonly SandboxClient[]): ((virtualPath: string, growth: number) => Promise<boolean>) | undefined {
  const quotas = new Map(clients.flatMap((c) => (c.diskQuotaBytes === undefined ? [] : [[c.name, c.diskQuotaBytes] as const])));
  if (quotas.size === 0) return undefined;
  return async (virtualPath, growth) => {
    const client = virtualPath.split('/')[1] ?? '';
    const quota = quotas.get(client);
    if (quota === undefined) return true;
    return (await treeBytes(path.join(sftpRoot, client))) + growth <= quota;
  };
}
