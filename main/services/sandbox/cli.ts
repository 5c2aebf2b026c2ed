import { parseArgs } from 'node:util';
import { isAppError } from '../../../shared/contract/result';
import { errorText } from '../../../shared/i18n/error-text';
import { appIntl, type AppIntl } from '../../../shared/i18n/intl';
import type { Locale } from '../../../shared/i18n/locale';
import { startSandbox } from './sandbox';

function usage(intl: AppIntl): string {
  return [
    intl.formatMessage(
      { id: 'cli.sandbox.usage' },
      { syntax: 'loopdesk sandbox --root DIR [--port N] [--interval S] [--export-interval S] [--seed N] [--export-at HH:MM] [--restart] [--no-halt-on-error] [--history-days N] [--time-scale N]' },
    ),
    `  --no-halt-on-error  ${intl.formatMessage({ id: 'cli.sandbox.usage.noHalt' })}`,
    `  --history-days N    ${intl.formatMessage({ id: 'cli.sandbox.usage.history' })}`,
    `  --time-scale N      ${intl.formatMessage({ id: 'cli.sandbox.usage.timeScale' })}`,
  ].join('\n');
}

/** A flag that is not a whole number, told in the reader's language. */
class NotANumber extends Error {
  constructor(
    readonly flag: string,
    readonly got: string,
  ) {
    super(`--${flag} must be a whole number, got "${got}"`);
  }
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new NotANumber(name, v);
  return Number(v);
}

/** A failure of the sandbox in the reader's language: a service error by its key, anything else as it is. */
function failure(intl: AppIntl, e: unknown): string {
  return isAppError(e) ? errorText(intl, e) : String(e);
}

/**
 * `loopdesk sandbox …`: runs the sandbox in the foreground until SIGINT/SIGTERM.
 *
 * Prints exactly one JSON line when ready (host, port, user, password, fingerprint,
 * clients) so scripts and test harnesses can read how to connect. Returns the exit code.
 * Lines for people (usage, failures) are in `locale`.
 */
export async function runSandboxCli(argv: readonly string[], signals: NodeJS.EventEmitter = process, locale: Locale = 'en'): Promise<number> {
  const intl = appIntl(locale);
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        root: { type: 'string' },
        port: { type: 'string' },
        interval: { type: 'string' },
        'export-interval': { type: 'string' },
        'export-at': { type: 'string' },
        seed: { type: 'string' },
        restart: { type: 'boolean', default: false },
        'no-halt-on-error': { type: 'boolean', default: false },
        'history-days': { type: 'string' },
        'time-scale': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    process.stderr.write(`${intl.formatMessage({ id: 'cli.error.arguments' }, { reason: (e as Error).message })}\n${usage(intl)}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage(intl) + '\n');
    return 0;
  }
  if (!values.root) {
    process.stderr.write(`${intl.formatMessage({ id: 'cli.sandbox.rootRequired' })}\n${usage(intl)}\n`);
    return 2;
  }
  let opts;
  try {
    opts = {
      root: values.root,
      port: num('port', values.port),
      interval: num('interval', values.interval),
      exportInterval: num('export-interval', values['export-interval']),
      exportAt: values['export-at'],
      seed: values.seed,
      restart: values.restart,
      // Absent: each client's `haltOnError` in sandbox.json decides.
      haltOnError: values['no-halt-on-error'] ? false : undefined,
      history: { days: num('history-days', values['history-days']) ?? 0 },
      timeScale: num('time-scale', values['time-scale']),
    };
  } catch (e) {
    const message = e instanceof NotANumber ? intl.formatMessage({ id: 'cli.sandbox.wholeNumber' }, { flag: `--${e.flag}`, got: e.got }) : String(e);
    process.stderr.write(`${message}\n${usage(intl)}\n`);
    return 2;
  }
  let sandbox;
  try {
    sandbox = await startSandbox(opts);
  } catch (e) {
    process.stderr.write(`${intl.formatMessage({ id: 'cli.sandbox.failed' }, { message: failure(intl, e) })}\n`);
    return 1;
  }
  const ready = {
    host: sandbox.host,
    port: sandbox.port,
    user: sandbox.user,
    password: sandbox.password,
    fingerprint: sandbox.fingerprint,
    clients: sandbox.clients.map((c) => ({ name: c.name, uploadDir: c.uploadDir, logDir: c.logDir, responseDir: c.responseDir, mailings: c.mailingIds })),
  };
  process.stdout.write(JSON.stringify(ready) + '\n');
  // A seeded history's response files are there soon after start, without waiting for the daily export.
  if (sandbox.historyMailings > 0) {
    void sandbox.exportNow().catch((e) => process.stderr.write(`${intl.formatMessage({ id: 'cli.sandbox.historyFailed' }, { message: failure(intl, e) })}\n`));
  }
  await new Promise<void>((resolve) => {
    const done = (): void => {
      signals.off('SIGINT', done);
      signals.off('SIGTERM', done);
      resolve();
    };
    signals.on('SIGINT', done);
    signals.on('SIGTERM', done);
  });
  await sandbox.stop();
  return 0;
}
