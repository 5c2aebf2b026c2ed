import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The first sandbox client's response directory on disk, where a test puts files the server then
 * offers over SFTP as its own exports (`<data dir>/sandbox/sftp/<client>/responses`).
 */
export function sandboxResponseDir(dataDir: string): string {
  const config = JSON.parse(readFileSync(join(dataDir, 'sandbox', 'sandbox.json'), 'utf8')) as { clients: { name: string }[] };
  return join(dataDir, 'sandbox', 'sftp', config.clients[0]!.name, 'responses');
}

/**
 * Yesterday as the server names its daily files (`YYYYMMDD`): a day the sandbox without a history
 * exports nothing for and does not clear (its retention removes only older days), so a file a test
 * puts there stays as it was put.
 */
export function yesterdayStamp(): string {
  return new Date(Date.now() - 24 * 3600 * 1000).toISOString().slice(0, 10).replaceAll('-', '');
}
