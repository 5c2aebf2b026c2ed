import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Where files written for the operator go, under the data dir: reports and lists, resend drafts. */
export type OutputFolder = 'exports' | 'drafts';

/** `20261204-093000`: when the file was written (UTC), so names sort by time. */
const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/**
 * A new path `<dataDir>/<folder>/<name>-<stamp>.<extension>` (the folder is created); `name`
 * is reduced to characters every file system takes.
 */
export async function newOutputPath(dataDir: string, folder: OutputFolder, name: string, extension: 'xlsx' | 'csv'): Promise<string> {
  const dir = join(dataDir, folder);
  await mkdir(dir, { recursive: true });
  return join(dir, `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}-${stamp()}.${extension}`);
}
