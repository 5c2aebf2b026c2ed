import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Result } from '../../shared/contract';
import type { AppErrorInfo } from '../../shared/contract/result';
import { issueLines, type InputIssue } from '../../shared/i18n/error-text';
import type { Locale } from '../../shared/i18n/locale';
import type { MessageId, MessageValues } from '../../shared/i18n/messages';
import { cliText, type CliText } from './cli-text';

/** Options every command understands. */
export interface GlobalOptions {
  /** `--data-dir`, else `LOOPDESK_HOME`, else `~/.loopdesk`. */
  readonly dataDir: string;
  /** `--json`: machine-readable output on stdout. */
  readonly json: boolean;
  /** `--lang`, else the locale variables (see `cliLocale`): the language of every line for people. */
  readonly lang: Locale;
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

/** A command's usage text in one language. */
export type Usage = (text: CliText) => string;

/** How a {@link CliError} ends the command. */
export interface CliErrorOptions {
  /** The exit code (default 1; {@link EXIT_USAGE} for a usage mistake; 0 prints the text on stdout, as `help` does). */
  readonly exitCode?: number;
  /** The error code (`USAGE` for a usage mistake, else `FAILED` or the service's code). */
  readonly code?: string;
  /** Usage text printed after the message. */
  readonly usage?: Usage;
  /** A service's error: its message is built in the reader's language from its key and values. */
  readonly service?: AppErrorInfo;
  /** Problems of an input check, worded in the reader's language into the message's `{issues}` value. */
  readonly issues?: readonly InputIssue[];
}

/**
 * A failure the CLI prints and turns into an exit code, without a stack trace. It carries a
 * catalog key and values, so the message is written in the reader's language when printed;
 * `message` is the English text (`--json`, logs).
 */
export class CliError extends Error {
  readonly exitCode: number;
  /** The error code (`USAGE` for a usage mistake, else the service's code). */
  readonly code: string;
  readonly usage?: Usage;
  readonly service?: AppErrorInfo;
  readonly issues?: readonly InputIssue[];

  constructor(
    /** The message's catalog key; null when the error is its usage text alone. */
    readonly messageId: MessageId | null,
    readonly values: MessageValues = {},
    options: CliErrorOptions = {},
  ) {
    super('');
    this.exitCode = options.exitCode ?? 1;
    this.code = options.code ?? (this.exitCode === EXIT_USAGE ? 'USAGE' : 'FAILED');
    this.usage = options.usage;
    this.service = options.service;
    this.issues = options.issues;
    this.message = options.service ? options.service.message : this.text(cliText('en'));
  }

  /** The usage text alone: `help` (exit 0) or a call without a subcommand (exit 2). */
  static usage(usage: Usage, exitCode = EXIT_USAGE): CliError {
    return new CliError(null, {}, { exitCode, usage });
  }

  /** A service's error as the CLI ends with it (`error CODE: …`). */
  static service(error: AppErrorInfo): CliError {
    return new CliError(null, {}, { code: error.code, service: error });
  }

  /** Everything printed for people, in the language of `text`. */
  text(text: CliText): string {
    const values = this.issues ? { ...this.values, issues: issueLines(text.intl, this.issues) } : this.values;
    const message = this.service ? text.error(this.service) : this.messageId ? text.t(this.messageId, values) : '';
    return [message, this.usage?.(text)].filter(Boolean).join('\n');
  }
}

/** Exit code of a command that did its work. */
export const EXIT_OK = 0;
/** Exit code of a command that failed (the error code is on stderr, and in the JSON with --json). */
export const EXIT_FAILED = 1;

/** The one JSON document `--json` prints on stdout for a failure (its message in English, for scripts and logs). */
export function errorDocument(code: string, message: string, details?: unknown): string {
  return JSON.stringify({ error: { code, message, ...(details === undefined ? {} : { details }) } });
}

/** The line a failure prints on stderr: `error CODE: message` (German `Fehler CODE: …`). */
export function errorLine(text: CliText, code: string, message: string): string {
  return text.t('cli.error.line', { code, message });
}

/**
 * Prints a service result: the value (JSON with --json, or via `human` in the reader's
 * language), or the error code and message on stderr (and, with --json, the error document on
 * stdout). Returns the exit code.
 */
export function report<T>(io: CliIo, options: GlobalOptions, result: Result<unknown>, human: (value: T, text: CliText) => string[]): number {
  const text = cliText(options.lang);
  if (result.ok) {
    if (options.json) io.out(JSON.stringify(result.value));
    else for (const line of human(result.value as T, text)) io.out(line);
    return EXIT_OK;
  }
  if (options.json) io.out(errorDocument(result.error.code, result.error.message, result.error.details));
  io.err(errorLine(text, result.error.code, text.error(result.error)));
  return EXIT_FAILED;
}
