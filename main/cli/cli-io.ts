import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Result } from '../../shared/contract';
import type { AppContext } from '../app/app-context';

/** Options every command understands. */
export interface GlobalOptions {
  /** `--data-dir`, else `LOOPDESK_HOME`, else `~/.loopdesk`. */
  readonly dataDir: string;
  /** `--json`: machine-readable output on stdout. */
  readonly json: boolean;
}

/** Where output goes; tests capture it. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** Real stdout/stderr. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Exit code for a usage mistake. */
export const EXIT_USAGE = 2;

/** Default data dir. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOOPDESK_HOME && env.LOOPDESK_HOME.length > 0 ? env.LOOPDESK_HOME : join(homedir(), '.loopdesk');
}

/** A failure the CLI prints and turns into an exit code, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly code = 'USAGE',
  ) {
    super(message);
  }
}

/**
 * Prints a service result: the value (JSON with --json, or via `human`), or the error
 * code and message on stderr. Returns the exit code.
 */
export function report<T>(io: CliIo, options: GlobalOptions, result: Result<unknown>, human: (value: T) => string[]): number {
  if (result.ok) {
    if (options.json) io.out(JSON.stringify(result.value));
    else for (const line of human(result.value as T)) io.out(line);
    return 0;
  }
  if (options.json) io.out(JSON.stringify({ error: result.error }));
  io.err(`error ${result.error.code}: ${result.error.message}`);
  return 1;
}

/**
 * Calls a service through the dispatcher (so the CLI gets the same checks as every other
 * host) and returns its value; an expected failure becomes a {@link CliError} with its code.
 */
export async function callService<T>(context: AppContext, channel: string, payload: unknown): Promise<T> {
  const result = await context.dispatcher.handle(channel, payload, { transport: 'cli' });
  if (!result.ok) throw new CliError(`error ${result.error.code}: ${result.error.message}`, 1, result.error.code);
  return result.value as T;
}
