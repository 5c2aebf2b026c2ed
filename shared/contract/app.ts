import { z } from 'zod';
import { method, service } from './define';

/** Facts about the running host the UI shows (which host, which data dir, sandbox state). */
export const AppInfo = z.object({
  version: z.string(),
  host: z.enum(['electron', 'browser', 'cli', 'memory']),
  dataDir: z.string(),
  pid: z.number(),
  sandbox: z.object({ running: z.boolean(), profile: z.string().nullable(), port: z.number().nullable() }),
});
export type AppInfo = z.output<typeof AppInfo>;

/** The app itself. */
export const appContract = service('app', {
  info: method('Version, host kind, data dir and sandbox state', z.object({}), AppInfo),
});
