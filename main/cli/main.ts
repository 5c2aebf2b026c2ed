import { readFileSync } from 'node:fs';
import { isAppError } from '../../shared/contract/result';
import { CliError, defaultDataDir, errorDocument, errorLine, EXIT_FAILED, EXIT_USAGE, processIo, type CliIo, type GlobalOptions } from './cli-io';
import { cliLocale, cliText, helpColumns, type CliText } from './cli-text';
import type { Door } from './door';

/** `loopdesk help`: every command and global option, in the reader's language. */
function help(c: CliText): string {
  const t = c.t;
  return [
    t('cli.help.title'),
    '',
    t('cli.help.usage', { syntax: 'loopdesk [--data-dir DIR] [--json] [--lang en|de] <command> …' }),
    '',
    t('cli.help.commands'),
    helpColumns(
      [
        ['start', t('cli.help.start')],
        ['serve [--port N] [--no-sandbox] [--no-sandbox-history] [--sandbox-no-halt-on-error] [--sandbox-time-scale N] [--sandbox-seed TEXT]', t('cli.help.serve')],
        ['serve --sandbox-seed TEXT', t('cli.help.serveSandboxSeed')],
        ['sandbox --root DIR [--port N] [--interval S] [--export-interval S] [--seed N] [--no-halt-on-error] [--history-days N] [--time-scale N]', t('cli.help.sandbox')],
        ['profile add|set|list|show|export|import|test|trust|untrust|remove …', t('cli.help.profile')],
        ['client set|show|add|remove …', t('cli.help.client')],
        ['mailing add|list|retire|restore …', t('cli.help.mailing')],
        ['prepare <file> --mailing <id> [--profile P --client C] [--mapping m.json] [--products p.csv] [--out DIR]', t('cli.help.prepare')],
        ['send <file> --profile P [--client C] --mailing <id> [--test] [--at <ISO time>] [--yes]', t('cli.help.send')],
        ['send approve <send-id> | send reject <send-id> [--reason TEXT]', t('cli.help.approve')],
        ['send resolve <send-id> --is-this-send | --not-this-send --yes', t('sends.held.cli.help')],
        ['status [<send>] [--watch [--every S]]', t('cli.help.status')],
        ['activity [--mine] [--level L] [--search TEXT] [--limit N] [--watch]', t('cli.help.activity')],
        ['pull --profile P [--client C]', t('cli.help.pull')],
        ['export [--profile P] (--mailing <id> | --table <name> [--where col=value …]) --out <file.xlsx>', t('cli.help.export')],
        ['settings show|set …', t('cli.help.settings')],
        ['team init|join|status|leave …', t('cli.help.team')],
        ['version', t('cli.help.version')],
      ],
      '  ',
    ),
    '',
    t('cli.help.globalOptions'),
    helpColumns(
      [
        ['--data-dir DIR', t('cli.help.dataDir')],
        ['--json', t('cli.help.json', { example: '{"error":{code,message}}' })],
        ['--lang en|de', t('cli.help.lang')],
      ],
      '  ',
    ),
    '',
    t('cli.help.door'),
    t('cli.help.exitCodes'),
  ].join('\n');
}

/** Splits global options from the command and its own arguments. */
function parseGlobal(argv: string[], env: NodeJS.ProcessEnv): { options: GlobalOptions; command: string | undefined; rest: string[] } {
  let dataDir: string | undefined;
  let json = false;
  let lang: string | undefined;
  const rest: string[] = [];
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--data-dir') dataDir = argv[++i];
    else if (arg.startsWith('--data-dir=')) dataDir = arg.slice('--data-dir='.length);
    else if (arg === '--lang') lang = argv[++i] ?? '';
    else if (arg.startsWith('--lang=')) lang = arg.slice('--lang='.length);
    else if (arg === '--json') json = true;
    else if ((arg === '--version' || arg === '-v') && command === undefined) command = 'version';
    else if (command === undefined && !arg.startsWith('-')) command = arg;
    else rest.push(arg);
  }
  if (lang !== undefined && lang !== 'en' && lang !== 'de') throw new CliError('cli.error.lang', { value: lang }, { exitCode: EXIT_USAGE });
  if (dataDir === '') throw new CliError('cli.error.dataDir', {}, { exitCode: EXIT_USAGE });
  return { options: { dataDir: dataDir ?? defaultDataDir(env), json, lang: cliLocale(lang, env) }, command, rest };
}

/** The language of `argv` before the options are checked, so even a mistake in them is told in it. */
function earlyLocale(argv: string[], env: NodeJS.ProcessEnv) {
  const i = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  const lang = i < 0 ? undefined : argv[i] === '--lang' ? argv[i + 1] : argv[i].slice('--lang='.length);
  return cliLocale(lang, env);
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

/** Node's own messages for a mistake in the arguments (`parseArgs`), by its error code. */
function parseArgsMistake(c: CliText, e: NodeJS.ErrnoException): string {
  const option = /'(-[^']*)'/.exec(e.message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return c.t('cli.error.unknownOption', { option });
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) return c.t('cli.error.optionValue', { option });
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return c.t('cli.error.positional', { argument: /'([^']*)'/.exec(e.message)?.[1] ?? '' });
  return c.t('cli.error.arguments', { reason: e.message });
}

/** Entry point of the `loopdesk` command; returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let json = argv.includes('--json');
  let c = cliText(earlyLocale(argv, env));
  try {
    const { options, command, rest } = parseGlobal(argv, env);
    json = options.json;
    c = cliText(options.lang);
    switch (command) {
      case undefined:
      case 'help':
        io.out(help(c));
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
        return await runSandboxCli(rest, process, options.lang);
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
      case 'activity': {
        const { activityCommand } = await import('./commands/activity-command');
        return await viaDoor(options, env, (door) => activityCommand(rest, door, options, io));
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
        io.err(`${errorLine(c, 'USAGE', c.t('cli.error.unknownCommand', { command }))}\n\n${help(c)}`);
        if (json) io.out(errorDocument('USAGE', cliText('en').t('cli.error.unknownCommand', { command })));
        return EXIT_USAGE;
    }
  } catch (e) {
    // Every failure ends here: `error CODE: message` on stderr (in the reader's language), the
    // error document on stdout with --json (its message in English, as scripts and logs read it).
    let code: string;
    let message: string;
    let english: string;
    let details: unknown;
    let exit = EXIT_FAILED;
    if (e instanceof CliError) {
      if (e.exitCode === 0) {
        io.out(e.text(c));
        return 0;
      }
      code = e.code;
      message = e.text(c);
      english = e.message;
      exit = e.exitCode;
    } else if (isAppError(e)) {
      ({ code, message: english, details } = e);
      message = c.error(e);
    } else if (e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      code = 'USAGE';
      message = parseArgsMistake(c, e as NodeJS.ErrnoException);
      english = `${e.message}. See \`loopdesk help\`.`;
      exit = EXIT_USAGE;
    } else {
      code = 'INTERNAL';
      const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
      message = c.t('cli.error.unexpected', { detail });
      english = cliText('en').t('cli.error.unexpected', { detail });
    }
    io.err(errorLine(c, code, message));
    if (json) io.out(errorDocument(code, english.split('\n')[0], details));
    return exit;
  }
}
