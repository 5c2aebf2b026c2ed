import type { CatalogText } from '../../shared/contract/catalog-text';
import type { AppErrorInfo } from '../../shared/contract/result';
import type { SendState } from '../../shared/contract/sends';
import { errorText, withReason } from '../../shared/i18n/error-text';
import { formats, type Formats } from '../../shared/i18n/formats';
import { appIntl, type AppIntl } from '../../shared/i18n/intl';
import { isLocale, localeFromTag, type Locale } from '../../shared/i18n/locale';
import { EN_MESSAGES, type MessageId, type MessageValues } from '../../shared/i18n/messages';

/**
 * The language the CLI speaks: `--lang de|en` when given, else the locale variables as POSIX
 * ranks them (the first set of `LC_ALL`, `LC_MESSAGES`, `LANG`; `de_*` is German, `C` and
 * `POSIX` English), else English. The app's stored language is not read: a script on a
 * server prints what its environment asks for.
 */
export function cliLocale(lang: string | undefined, env: NodeJS.ProcessEnv): Locale {
  if (isLocale(lang)) return lang;
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const) {
    const value = env[name]?.trim();
    if (value) return localeFromTag(value);
  }
  return 'en';
}

/** What every command needs to speak: messages, values and service errors in one language. */
export interface CliText {
  readonly locale: Locale;
  readonly intl: AppIntl;
  /** One catalog message. */
  t(id: MessageId, values?: MessageValues): string;
  /** Dates, numbers, sizes and durations in this language. */
  readonly fmt: Formats;
  /**
   * A sentence a service produced (`CatalogText`: a row's reason, a connection check, a pulled
   * file's note) in this language, a wrapped reason (`reasonId`) included; `english` where the
   * value carries no known key.
   */
  say(text: CatalogText | null | undefined, english: string): string;
  /** A service error's message in this language (its key and values; English text as it came otherwise). */
  error(error: Pick<AppErrorInfo, 'code' | 'message'> & { readonly messageId?: string; readonly values?: MessageValues }): string;
}

const made = new Map<Locale, CliText>();

/** The {@link CliText} of `locale`. */
export function cliText(locale: Locale): CliText {
  let text = made.get(locale);
  if (!text) {
    const intl = appIntl(locale);
    text = {
      locale,
      intl,
      t: (id, values) => intl.formatMessage({ id }, values as Record<string, string | number> | undefined),
      fmt: formats(intl),
      say: (said, english) => (said && said.id in EN_MESSAGES ? intl.formatMessage({ id: said.id as MessageId }, withReason(intl, said.values)) : english),
      error: (error) => errorText(intl, error),
    };
    made.set(locale, text);
  }
  return text;
}

/** Help text: a command's syntax and its description, one row each. */
export type HelpRow = readonly [syntax: string, description?: string];

/**
 * Lays out help rows as two columns: the description beside a short syntax, else on the next
 * line, its own line breaks indented to the column.
 */
export function helpColumns(rows: readonly HelpRow[], indent = '', column = 27): string {
  const pad = ' '.repeat(indent.length + column);
  return rows
    .map(([syntax, description]) => {
      if (!description) return `${indent}${syntax}`;
      const [first, ...more] = description.split('\n');
      const head = syntax.length < column ? `${indent}${syntax.padEnd(column)}${first}` : `${indent}${syntax}\n${pad}${first}`;
      return [head, ...more.map((l) => `${pad}${l.trimStart()}`)].join('\n');
    })
    .join('\n');
}

/** The word for each send state, as the status lines show it. */
export const STATE_LABELS: Record<SendState, MessageId> = {
  scheduled: 'cli.state.scheduled',
  awaiting_approval: 'cli.state.awaitingApproval',
  queued: 'cli.state.queued',
  uploading: 'cli.state.uploading',
  on_server: 'cli.state.onServer',
  taken: 'cli.state.taken',
  imported: 'cli.state.imported',
  mailing_created: 'cli.state.mailingCreated',
  sending: 'cli.state.sending',
  sent: 'cli.state.sent',
  error: 'cli.state.error',
  cancelled: 'cli.state.cancelled',
};

