import { parseArgs } from 'node:util';
import type { DemoSandboxOptions } from '../../app/demo-sandbox';
import { CliError, EXIT_USAGE, type CliIo, type GlobalOptions } from '../cli-io';
import { cliText } from '../cli-text';

/** Resolves when the process is asked to stop (Ctrl-C, SIGTERM). */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/**
 * Reads `serve`'s own options (before anything is built or opened, so a mistake is told at once):
 * the port, and the demo sandbox's options, or null with --no-sandbox.
 */
export function serveOptions(argv: string[]): { port: number; sandbox: DemoSandboxOptions | null } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      'no-sandbox': { type: 'boolean', default: false },
      'sandbox-interval': { type: 'string' },
      'sandbox-export-interval': { type: 'string' },
      // The demo sandbox seeds ~60 days of past mailings on its first start; tests that count rows turn it off.
      'no-sandbox-history': { type: 'boolean', default: false },
      'sandbox-no-halt-on-error': { type: 'boolean', default: false },
      'sandbox-time-scale': { type: 'string' },
      // Fixes the sandbox's IDs and simulated outcomes (response counts), for runs that compare them.
      'sandbox-seed': { type: 'string' },
    },
  });
  const seed = values['sandbox-seed'];
  if (seed !== undefined && seed.trim() === '') throw new CliError('cli.error.sandboxSeed', {}, { exitCode: EXIT_USAGE });
  if (values['no-sandbox']) return { port: Number(values.port), sandbox: null };
  return {
    port: Number(values.port),
    sandbox: {
      interval: values['sandbox-interval'] ? Number(values['sandbox-interval']) : undefined,
      exportInterval: values['sandbox-export-interval'] ? Number(values['sandbox-export-interval']) : undefined,
      history: !values['no-sandbox-history'],
      haltOnError: values['sandbox-no-halt-on-error'] ? false : undefined,
      timeScale: values['sandbox-time-scale'] ? Number(values['sandbox-time-scale']) : undefined,
      seed,
    },
  };
}

/**
 * `loopdesk serve`: the browser host, with the demo sandbox unless --no-sandbox. It owns the
 * data dir: it builds a missing or stale UI first, runs the scheduler, and opens a door (a
 * 0600 file with its port and token) so `loopdesk` commands talk to it instead of refusing.
 */
export async function serveCommand(argv: string[], options: GlobalOptions, io: CliIo): Promise<number> {
  const { port, sandbox } = serveOptions(argv);
  const { ensureRendererBuilt } = await import('../../host/renderer-build');
  await ensureRendererBuilt(io.err, options.lang);
  const { startBrowserHost } = await import('../../host/browser/browser-host');
  const { rendererDir } = await import('../../host/paths');
  const { openAppContext } = await import('../../app/app-context');
  const stopped = untilStopped().then(() => 'stop' as const);
  let kept: { port: number; token: string } | undefined;
  // A setting that applies only at start-up (encryption at rest) restarts the data dir's
  // services in this process; port and token stay, so open pages reconnect.
  for (;;) {
    let requestRestart: () => void = () => undefined;
    const restartRequested = new Promise<'restart'>((resolve) => (requestRestart = () => resolve('restart')));
    const context = await openAppContext({ dataDir: options.dataDir, host: 'browser', requestRestart: () => requestRestart() });
    let why: 'stop' | 'restart';
    try {
      if (sandbox) {
        const { startDemoSandbox } = await import('../../app/demo-sandbox');
        await startDemoSandbox(context, sandbox);
      }
      const host = await startBrowserHost(context, { port: kept?.port ?? port, token: kept?.token, rendererDir: rendererDir(), doorFile: true });
      context.onClose(() => host.close());
      // This process owns the data dir: it uploads due sends and follows them on the server.
      context.services.sends.startScheduler();
      context.services.responses.startPullSchedule();
      // Team mode: other workstations' profile changes arrive within a second (LISTEN/NOTIFY).
      void context.services.profiles.startTeamSync();
      const { t } = cliText(options.lang);
      if (kept) io.err(t('cli.serve.restarted'));
      else if (options.json) io.out(JSON.stringify({ url: host.url, port: host.port, dataDir: context.dataDir, pid: process.pid }));
      else {
        io.out(t('cli.serve.running', { url: host.url }));
        io.out(t('cli.serve.open', { dataDir: context.dataDir }));
        io.out(t('cli.serve.door'));
      }
      kept = { port: host.port, token: host.token };
      why = await Promise.race([stopped, restartRequested]);
    } finally {
      await context.close();
    }
    if (why === 'stop') return 0;
  }
}
