import { readFileSync } from 'node:fs';
import { isAppError } from '../../shared/contract/result';
import { CliError, defaultDataDir, errorDocument, EXIT_FAILED, EXIT_USAGE, processIo, type CliIo, type GlobalOptions } from './cli-io';
import type { Door } from './door';

const HELP = `Loopdesk — the closed-loop interface for Optimizely Campaign.

Usage: loopdesk [--data-dir DIR] [--json] <command> …

Commands:
  start                      the desktop app (falls back to the browser host without an Electron binary)
  serve [--port N] [--no-sandbox] [--no-sandbox-history] [--sandbox-no-halt-on-error] [--sandbox-time-scale N]
                             the app in your browser: serves the UI on 127.0.0.1 and prints its URL
  sandbox --root DIR [--port N] [--interval S] [--export-interval S] [--seed N] [--no-halt-on-error] [--history-days N] [--time-scale N]
                             run the embedded closed-loop server emulator (\`loopdesk sandbox --help\`)
  profile add|set|list|show|export|import|test|trust|untrust|remove …
                             connection profiles (see \`loopdesk profile\`)
  client set|show|add|remove …
                             a client of a profile: master list, encoding, time zone, folders, file names (see \`loopdesk client\`)
  mailing add|list|retire|restore …
                             source mailings, whose IDs go into broadmail_ID (see \`loopdesk mailing\`)
  prepare <file> --mailing <id> [--profile P --client C] [--mapping m.json] [--products p.csv] [--out DIR]
                             read, map, validate and write the closed-loop files; nothing is sent
  send <file> --profile P [--client C] --mailing <id> [--test] [--at <ISO time>] [--yes]
                             validate, confirm, and upload a send (or schedule it)
  send approve <send-id> | send reject <send-id> [--reason TEXT]
                             four-eyes (team mode): approve or reject another member's send
  status [<send>] [--watch [--every S]]
                             where each send stands on the server; --watch follows one send until it ends,
                             or every send (also those started in the app) until Ctrl-C
  pull --profile P [--client C]
                             download and ingest the response files
  export [--profile P] (--mailing <id> | --table <name> [--where col=value …]) --out <file.xlsx>
                             Excel report of a mailing, or a table as filtered
  settings show|set …        data at rest: encryption and retention days
  team init|join|status|leave …
                             team mode: share sends, locks and file names through PostgreSQL (see \`loopdesk team\`)
  version                    the version (also --version)

Global options:
  --data-dir DIR             where settings, the data file and archives live (also LOOPDESK_HOME; default ~/.loopdesk)
  --json                     machine-readable output: one JSON document on stdout (errors: {"error":{code,message}})

While the app or \`loopdesk serve\` owns the data dir, commands talk to it instead of opening the data file.
Exit codes: 0 done, 1 failed (stderr says \`error CODE: …\`), 2 usage mistake.`;

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
    else if ((arg === '--version' || arg === '-v') && command === undefined) command = 'version';
    else if (command === undefined && !arg.startsWith('-')) command = arg;
    else rest.push(arg);
  }
  if (dataDir === '') throw new CliError('--data-dir needs a folder.', EXIT_USAGE);
  return { options: { dataDir: dataDir ?? defaultDataDir(env), json }, command, rest };
}

/** The version from package.json (two folders up, from the sources and from the bundle alike). */
function version(): string {
  return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;
}

/** Runs a command through a door to the data dir's services (this process, or the Loopdesk that owns it). */
async function viaDoor(options: GlobalOptions, env: NodeJS.ProcessEnv, work: (door: Door) => Promise<number>): Promise<number> {
  const { withDoor } = await import('./door');
  return withDoor(options, env, work);
}

/** Entry point of the `loopdesk` command; returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let json = argv.includes('--json');
  try {
    const { options, command, rest } = parseGlobal(argv, env);
    json = options.json;
    switch (command) {
      case undefined:
      case 'help':
        io.out(HELP);
        return command ? 0 : EXIT_USAGE;
      case 'version':
        io.out(options.json ? JSON.stringify({ version: version() }) : version());
        return 0;
      case 'serve': {
        const { serveCommand } = await import('./commands/serve-command');
        return await serveCommand(rest, options, io);
      }
      case 'start': {
        const { startCommand } = await import('./commands/start-command');
        return await startCommand(rest, options, io);
      }
      case 'sandbox': {
        const { runSandboxCli } = await import('../services/sandbox');
        return await runSandboxCli(rest);
      }
      case 'profile': {
        const { profileCommand } = await import('./commands/profile-command');
        return await profileCommand(rest, options, io, env);
      }
      case 'client': {
        const { clientCommand } = await import('./commands/client-command');
        return await clientCommand(rest, options, io, env);
      }
      case 'mailing': {
        const { mailingCommand } = await import('./commands/mailing-command');
        return await mailingCommand(rest, options, io, env);
      }
      case 'prepare': {
        const { prepareCommand } = await import('./commands/send-commands');
        return await prepareCommand(rest, options, io, env);
      }
      case 'send': {
        const { sendCommand } = await import('./commands/send-commands');
        return await viaDoor(options, env, (door) => sendCommand(rest, door, options, io));
      }
      case 'status': {
        const { statusCommand } = await import('./commands/send-commands');
        return await viaDoor(options, env, (door) => statusCommand(rest, door, options, io));
      }
      case 'pull': {
        const { pullCommand } = await import('./commands/response-commands');
        return await viaDoor(options, env, (door) => pullCommand(rest, door, options, io));
      }
      case 'export': {
        const { exportCommand } = await import('./commands/response-commands');
        return await viaDoor(options, env, (door) => exportCommand(rest, door, options, io));
      }
      case 'team': {
        const { teamCommand } = await import('./commands/team-command');
        return await teamCommand(rest, options, io, env);
      }
      case 'settings': {
        const { settingsCommand } = await import('./commands/settings-command');
        return await settingsCommand(rest, options, io);
      }
      default:
        io.err(`error USAGE: unknown command "${command}".\n\n${HELP}`);
        if (json) io.out(errorDocument('USAGE', `Unknown command "${command}".`));
        return EXIT_USAGE;
    }
  } catch (e) {
    // Every failure ends here: `error CODE: message` on stderr, the error document on stdout with --json.
    let code: string;
    let message: string;
    let details: unknown;
    let exit = EXIT_FAILED;
    if (e instanceof CliError) {
      if (e.exitCode === 0) {
        io.out(e.message);
        return 0;
      }
      ({ code, message } = e);
      exit = e.exitCode;
    } else if (isAppError(e)) {
      ({ code, message, details } = e);
    } else if (e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      code = 'USAGE';
      message = `${e.message}. See \`loopdesk help\`.`;
      exit = EXIT_USAGE;
    } else {
      code = 'INTERNAL';
      message = `Loopdesk hit an unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    }
    io.err(`error ${code}: ${message}`);
    if (json) io.out(errorDocument(code, message.split('\n')[0], details));
    return exit;
  }
}
