import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Result } from '../../shared/contract';

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
    /** The error code (`USAGE` for a usage mistake, else the service's code). */
    readonly code = exitCode === EXIT_USAGE ? 'USAGE' : 'FAILED',
  ) {
    super(message);
  }
}

/** Exit code of a command that did its work. */
export const EXIT_OK = 0;
/** Exit code of a command that failed (the error code is on stderr, and in the JSON with --json). */
export const EXIT_FAILED = 1;

/** The one JSON document `--json` prints on stdout for a failure. */
export function errorDocument(code: string, message: string, details?: unknown): string {
  return JSON.stringify({ error: { code, message, ...(details === undefined ? {} : { details }) } });
}

/**
 * Prints a service result: the value (JSON with --json, or via `human`), or the error
 * code and message on stderr (and, with --json, the error document on stdout). Returns the exit code.
 */
export function report<T>(io: CliIo, options: GlobalOptions, result: Result<unknown>, human: (value: T) => string[]): number {
  if (result.ok) {
    if (options.json) io.out(JSON.stringify(result.value));
    else for (const line of human(result.value as T)) io.out(line);
    return EXIT_OK;
  }
  if (options.json) io.out(errorDocument(result.error.code, result.error.message, result.error.details));
  io.err(`error ${result.error.code}: ${result.error.message}`);
  return EXIT_FAILED;
}
