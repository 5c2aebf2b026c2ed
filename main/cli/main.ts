import { parseArgs } from 'node:util';
import { isAppError } from '../../shared/contract/result';
import { openAppContext, type AppContext } from '../app/app-context';
import { CliError, defaultDataDir, EXIT_USAGE, processIo, type CliIo, type GlobalOptions } from './cli-io';

const HELP = `Loopdesk — the closed-loop interface for Optimizely Campaign.

Usage: loopdesk [--data-dir DIR] [--json] <command> …

Commands:
  start                      the desktop app (falls back to the browser host without an Electron binary)
  serve [--port N] [--no-sandbox]
                             the app in your browser: serves the UI on 127.0.0.1 and prints its URL
  sandbox --root DIR [--port N] [--interval S] [--export-interval S] [--seed N]
                             run the embedded closed-loop server emulator
  profile add|list|test|trust|remove …
                             connection profiles (see \`loopdesk profile\`)
  prepare <file> --mailing <id> [--profile P --client C] [--mapping m.json] [--products p.csv] [--out DIR]
                             read, map, validate and write the closed-loop files; nothing is sent
  send <file> --profile P [--client C] --mailing <id> [--test] [--at <ISO time>] [--yes]
                             validate, confirm, and upload a send (or schedule it)
  status [<send>] [--watch]  where each send stands on the server
  pull --profile P [--client C]
                             download and ingest the response files
  export [--profile P] (--mailing <id> | --table <name> [--where col=value …]) --out <file.xlsx>
                             Excel report of a mailing, or a table as filtered
  settings show|set …        data at rest: encryption and retention days
  bench                      speed and memory benchmarks

Global options:
  --data-dir DIR             where settings, the data file and archives live (also LOOPDESK_HOME; default ~/.loopdesk)
  --json                     machine-readable output`;

/** Splits global options from the command and its own arguments. */
function parseGlobal(argv: string[], env: NodeJS.ProcessEnv): { options: GlobalOptions; command: string | undefined; rest: string[] } {
  let dataDir: string | undefined;
  let json = false;
  const rest: string[] = [];
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--data-dir') dataDir = argv[++i];
    else if (arg.startsWith('--data-dir=')) dataDir = arg.slice('--data-dir='.length);
    else if (arg === '--json') json = true;
    else if (command === undefined && !arg.startsWith('-')) command = arg;
    else rest.push(arg);
  }
  if (dataDir === '') throw new CliError('--data-dir needs a folder.', EXIT_USAGE);
  return { options: { dataDir: dataDir ?? defaultDataDir(env), json }, command, rest };
}

/** Resolves when the process is asked to stop (Ctrl-C, SIGTERM). */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

async function withContext(
  options: GlobalOptions,
  host: 'cli' | 'browser',
  work: (context: AppContext) => Promise<number>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const context = await openAppContext({ dataDir: options.dataDir, host, env });
  try {
    return await work(context);
  } finally {
    await context.close();
  }
}

/** Entry point of the `loopdesk` command; returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const { options, command, rest } = parseGlobal(argv, env);
    switch (command) {
      case undefined:
      case 'help':
        io.out(HELP);
        return command ? 0 : EXIT_USAGE;
      case 'serve':
        return await serve(rest, options, io);
      case 'start': {
        const { startCommand } = await import('./commands/start-command');
        return await startCommand(rest, options, io, serve);
      }
      case 'sandbox': {
        const { runSandboxCli } = await import('../services/sandbox');
        return await runSandboxCli(rest);
      }
      case 'profile': {
        const { profileCommand } = await import('./commands/profile-command');
        return await withContext(options, 'cli', (context) => profileCommand(rest, context, options, io), env);
      }
      case 'prepare': {
        const { prepareCommand } = await import('./commands/send-commands');
        return await prepareCommand(rest, options, io);
      }
      case 'send': {
        const { sendCommand } = await import('./commands/send-commands');
        return await withContext(options, 'cli', (context) => sendCommand(rest, context, options, io), env);
      }
      case 'status': {
        const { statusCommand } = await import('./commands/send-commands');
        return await withContext(options, 'cli', (context) => statusCommand(rest, context, options, io), env);
      }
      case 'pull': {
        const { pullCommand } = await import('./commands/response-commands');
        return await withContext(options, 'cli', (context) => pullCommand(rest, context, options, io), env);
      }
      case 'export': {
        const { exportCommand } = await import('./commands/response-commands');
        return await withContext(options, 'cli', (context) => exportCommand(rest, context, options, io), env);
      }
      case 'settings': {
        const { settingsCommand } = await import('./commands/settings-command');
        return await settingsCommand(rest, options, io);
      }
      case 'bench': {
        const { benchCommand } = await import('./commands/bench-command');
        return await benchCommand(rest, io);
      }
      default:
        io.err(`Unknown command "${command}".\n\n${HELP}`);
        return EXIT_USAGE;
    }
  } catch (e) {
    if (e instanceof CliError) {
      (e.exitCode === 0 ? io.out : io.err)(e.message);
      return e.exitCode;
    }
    if (isAppError(e)) {
      io.err(`error ${e.code}: ${e.message}`);
      return 1;
    }
    if (e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${e.message}. See \`loopdesk help\`.`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

/** `loopdesk serve`: the browser host, with the demo sandbox unless --no-sandbox. */
export async function serve(argv: string[], options: GlobalOptions, io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      'no-sandbox': { type: 'boolean', default: false },
      'sandbox-interval': { type: 'string' },
      'sandbox-export-interval': { type: 'string' },
    },
  });
  const { startBrowserHost } = await import('../host/browser/browser-host');
  const { rendererDir } = await import('../host/paths');
  return withContext(options, 'browser', async (context) => {
    if (!values['no-sandbox']) {
      const { startDemoSandbox } = await import('../app/demo-sandbox');
      await startDemoSandbox(context, {
        interval: values['sandbox-interval'] ? Number(values['sandbox-interval']) : undefined,
        exportInterval: values['sandbox-export-interval'] ? Number(values['sandbox-export-interval']) : undefined,
      });
    }
    const host = await startBrowserHost(context, { port: Number(values.port), rendererDir: rendererDir() });
    context.onClose(() => host.close());
    // This process owns the data dir: it uploads due sends and follows them on the server.
    context.services.sends.startScheduler();
    context.services.responses.startPullSchedule();
    if (options.json) io.out(JSON.stringify({ url: host.url, port: host.port, dataDir: context.dataDir, pid: process.pid }));
    else {
      io.out(`Loopdesk is running at ${host.url}`);
      io.out(`Open that address in Chromium, Chrome, Edge or Firefox. Data dir: ${context.dataDir}. Press Ctrl-C to stop.`);
    }
    await untilStopped();
    return 0;
  });
}
