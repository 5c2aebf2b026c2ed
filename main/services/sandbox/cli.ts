import { parseArgs } from 'node:util';
import { isAppError } from '../../../shared/contract/result';
import { startSandbox } from './sandbox';

const USAGE =
  'usage: loopdesk sandbox --root DIR [--port N] [--interval S] [--export-interval S] [--seed N] [--export-at HH:MM] [--restart] [--no-halt-on-error] [--history-days N] [--time-scale N]\n' +
  '  --no-halt-on-error  an error writes its error file and the next uploads are still processed (default: halt, as sandbox.json says)\n' +
  '  --history-days N    on a new root, seed N days (e.g. 60) of past mailings and their responses (default 0: none)\n' +
  '  --time-scale N      new uploads are sent and answered N times faster than real time (default 1; 3600: an hour a second)';

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a whole number, got "${v}"`);
  return Number(v);
}

/**
 * `loopdesk sandbox …`: runs the sandbox in the foreground until SIGINT/SIGTERM.
 *
 * Prints exactly one JSON line when ready (host, port, user, password, fingerprint,
 * clients) so scripts and test harnesses can read how to connect. Returns the exit code.
 */
export async function runSandboxCli(argv: readonly string[], signals: NodeJS.EventEmitter = process): Promise<number> {
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
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (!values.root) {
    process.stderr.write(`--root is required\n${USAGE}\n`);
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
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let sandbox;
  try {
    sandbox = await startSandbox(opts);
  } catch (e) {
    process.stderr.write(`sandbox: ${isAppError(e) ? e.message : String(e)}\n`);
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
  if (sandbox.historyMailings > 0) void sandbox.exportNow().catch((e) => process.stderr.write(`sandbox: the history export failed: ${isAppError(e) ? e.message : String(e)}\n`));
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
