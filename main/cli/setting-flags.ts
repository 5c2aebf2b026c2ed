import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { MasterField, type ClientConfig, type Profile, type ProfileExport, type ProfileInput } from '../../shared/contract/profiles';
import type { MessageId } from '../../shared/i18n/messages';
import { CliError, EXIT_USAGE } from './cli-io';
import type { CliText } from './cli-text';

/**
 * One setting the CLI can change: where it lives in the contract's schema, the flag that sets
 * it, and how the flag's text becomes the value. The contract-walking test
 * (test/unit/cli-setting-coverage.test.ts) fails when a schema field has no entry here, and
 * sets each `example` through the real command to read it back.
 */
export interface SettingFlag {
  /** Path into the schema object, e.g. `['responseDialect', 'encoding']`. */
  readonly path: readonly string[];
  /** The option name without dashes (`response-encoding`). */
  readonly flag: string;
  /** What the value looks like, for the usage text. */
  readonly value: string;
  /** A note on the value for the usage text, in the reader's language. */
  readonly note?: MessageId;
  readonly multiple?: boolean;
  /** Turns the flag's text into the schema value; file flags read and check the file. */
  parse(text: string | string[]): unknown;
  /** What the coverage test passes (as on the command line) … */
  readonly example: string | string[];
  /** … and the value it then reads back at `path` (defaults to `parse(example)`). */
  readonly expected?: unknown;
}

/** A schema field set by another command than `client set` / `profile set` (e.g. mailings). */
export interface SettingCommand {
  readonly path: readonly string[];
  /** The command that changes it, as the usage text names it. */
  readonly command: string;
}

const text = (t: string | string[]) => String(t);
const oneOf =
  <T extends string>(flag: string, values: readonly T[]) =>
  (t: string | string[]): T => {
    if (!(values as readonly string[]).includes(String(t))) throw new CliError('cli.flags.oneOf', { flag: `--${flag}`, values: values.join(', '), got: String(t) }, { exitCode: EXIT_USAGE });
    return String(t) as T;
  };
const yesNo = (flag: string) => (t: string | string[]) => {
  if (/^(yes|true|on|1)$/i.test(String(t))) return true;
  if (/^(no|false|off|0)$/i.test(String(t))) return false;
  throw new CliError('cli.flags.yesNo', { flag: `--${flag}`, got: String(t) }, { exitCode: EXIT_USAGE });
};
const wholeNumber = (flag: string) => (t: string | string[]) => {
  if (!/^\d{1,6}$/.test(String(t))) throw new CliError('cli.flags.wholeNumber', { flag: `--${flag}`, got: String(t) }, { exitCode: EXIT_USAGE });
  return Number(t);
};

/** A fields file as the usage text and errors show it. */
export const FIELDS_EXAMPLE = '[{"name":"Email","type":"Varchar","length":255,"required":true}]';

/** Reads a JSON file of master-list fields (`[{ "name": "Email", "type": "Varchar", "length": 255, "required": true }, …]`). */
export function readFieldsFile(flag: string, path: string): z.output<typeof MasterField>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolve(path), 'utf8'));
  } catch (e) {
    throw new CliError('cli.flags.fieldsUnreadable', { flag: `--${flag}`, path, reason: (e as Error).message }, { exitCode: EXIT_USAGE });
  }
  const checked = z.array(MasterField).min(1).safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new CliError(
      'cli.flags.fieldsInvalid',
      { flag: `--${flag}`, path, issue: `${issue.path.join('.') || 'top'}: ${issue.message}`, example: FIELDS_EXAMPLE, types: 'Varchar, Bigint, URL, Date' },
      { exitCode: EXIT_USAGE },
    );
  }
  return checked.data;
}

/** An IANA time zone (checked now, not at the next upload), or empty for the workstation's. */
function timeZone(t: string | string[]): string {
  const zone = String(t).trim();
  if (zone === '') return '';
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw new CliError('cli.flags.timeZone', { zone, empty: "''" }, { exitCode: EXIT_USAGE });
  }
  return zone;
}

/** Test recipients as typed: `email` or `email,Name`. */
function testRecipients(t: string | string[]): ClientConfig['testRecipients'] {
  return (Array.isArray(t) ? t : [t]).map((entry) => {
    const [email, ...name] = entry.split(',');
    return { email: email.trim(), name: name.join(',').trim() };
  });
}

const DELIMITERS: Record<string, string> = { ';': ';', ',': ',', '|': '|', tab: '\t', '\t': '\t' };

/** Every client setting `loopdesk client set` changes, one flag each. */
export const CLIENT_FLAGS: readonly SettingFlag[] = [
  { path: ['name'], flag: 'rename', value: 'NEW-NAME', parse: text, example: 'renamed' },
  { path: ['uploadDir'], flag: 'upload-dir', value: 'DIR', parse: text, example: 'in/upload' },
  { path: ['logDir'], flag: 'log-dir', value: 'DIR', parse: text, example: 'in/logs' },
  { path: ['responseDir'], flag: 'response-dir', value: 'DIR', parse: text, example: 'out/responses' },
  { path: ['responseFileNames'], flag: 'response-names', value: "'{date}_{kind}.csv'", parse: text, example: 'export_{date}_{kind}.csv' },
  { path: ['fields'], flag: 'fields', value: 'FILE.json', parse: (t) => readFieldsFile('fields', String(t)), example: '@fields' },
  { path: ['productFields'], flag: 'product-fields', value: 'FILE.json', parse: (t) => readFieldsFile('product-fields', String(t)), example: '@product-fields' },
  { path: ['encoding'], flag: 'encoding', value: 'utf-8|iso-8859-1|windows-1252', parse: oneOf('encoding', ['utf-8', 'iso-8859-1', 'windows-1252'] as const), example: 'windows-1252' },
  { path: ['timeZone'], flag: 'time-zone', value: "Europe/Berlin|''", parse: timeZone, example: 'Europe/Berlin' },
  { path: ['testRecipients'], flag: 'test-recipient', value: "'EMAIL[,NAME]'", note: 'cli.flags.testRecipientNote', multiple: true, parse: testRecipients, example: ['qa@example.com,QA Desk', 'boss@example.com'] },
  { path: ['fourEyes'], flag: 'four-eyes', value: 'yes|no', parse: yesNo('four-eyes'), example: 'yes' },
  { path: ['lineBreaks'], flag: 'line-breaks', value: 'space|reject|keep', parse: oneOf('line-breaks', ['space', 'reject', 'keep'] as const), example: 'reject' },
  { path: ['productsFileName'], flag: 'products-name', value: "'{stamp}_products.csv'", parse: text, example: '{stamp}_items.csv' },
  { path: ['responseDialect', 'encoding'], flag: 'response-encoding', value: 'utf-8|iso-8859-1|windows-1252', parse: oneOf('response-encoding', ['utf-8', 'iso-8859-1', 'windows-1252'] as const), example: 'iso-8859-1' },
  {
    path: ['responseDialect', 'delimiter'],
    flag: 'response-delimiter',
    value: "';'|','|tab|'|'",
    parse: (t) => {
      const d = DELIMITERS[String(t)];
      if (!d) throw new CliError('cli.flags.delimiter', { got: String(t) }, { exitCode: EXIT_USAGE });
      return d;
    },
    example: 'tab',
    expected: '\t',
  },
  { path: ['responseDialect', 'header'], flag: 'response-header', value: 'yes|no', parse: yesNo('response-header'), example: 'no' },
  { path: ['responseDialect', 'timestampFormat'], flag: 'response-timestamp-format', value: "'YYYY-MM-DD HH:mm:ss'", parse: text, example: 'DD.MM.YYYY HH:mm' },
];

/** Client fields changed by their own commands. */
export const CLIENT_COMMANDS: readonly SettingCommand[] = [
  { path: ['mailings'], command: 'loopdesk mailing add|retire|restore' },
  { path: ['testRecipients'], command: 'loopdesk client set --clear-test-recipients' },
];

/** Every profile setting `loopdesk profile set` changes (server and connection options). */
export const PROFILE_FLAGS: readonly SettingFlag[] = [
  { path: ['host'], flag: 'host', value: 'HOST', parse: text, example: 'sftp2.example.com' },
  { path: ['port'], flag: 'port', value: 'N', parse: wholeNumber('port'), example: '2222' },
  { path: ['user'], flag: 'user', value: 'USER', parse: text, example: 'acme2' },
  { path: ['sandbox'], flag: 'sandbox', value: 'yes|no', parse: yesNo('sandbox'), example: 'yes' },
  { path: ['options', 'keepaliveSeconds'], flag: 'keepalive', value: 'SECONDS', parse: wholeNumber('keepalive'), example: '30' },
  { path: ['options', 'connectTimeoutSeconds'], flag: 'connect-timeout', value: 'SECONDS', parse: wholeNumber('connect-timeout'), example: '45' },
  { path: ['options', 'operationTimeoutSeconds'], flag: 'operation-timeout', value: 'SECONDS', parse: wholeNumber('operation-timeout'), example: '120' },
  { path: ['options', 'transferMode'], flag: 'transfer-mode', value: 'fast|plain', parse: oneOf('transfer-mode', ['fast', 'plain'] as const), example: 'plain' },
  { path: ['options', 'legacyAlgorithms'], flag: 'legacy-algorithms', value: 'yes|no', parse: yesNo('legacy-algorithms'), example: 'yes' },
  { path: ['options', 'retries'], flag: 'retries', value: 'N', parse: wholeNumber('retries'), example: '5' },
  { path: ['options', 'pollMinutes'], flag: 'poll-minutes', value: 'MINUTES', parse: wholeNumber('poll-minutes'), example: '2' },
  { path: ['options', 'pullTime'], flag: 'pull-time', value: 'HH:MM', parse: text, example: '06:15' },
];

/** Profile fields changed by their own commands. */
export const PROFILE_COMMANDS: readonly SettingCommand[] = [
  { path: ['name'], command: 'loopdesk profile add --name N (or profile import)' },
  { path: ['auth'], command: 'loopdesk profile set NAME (--password-env VAR | --key FILE [--passphrase-env VAR])' },
  { path: ['trustedKeys'], command: 'loopdesk profile trust|untrust NAME SHA256:…' },
  { path: ['clients'], command: 'loopdesk client add|set|remove' },
  { path: ['share'], command: 'loopdesk profile share|unshare NAME (team mode)' },
  { path: ['baseVersion'], command: 'loopdesk profile set / client set send the team version they read (team mode)' },
];

/** parseArgs option specs for a list of setting flags. */
export function flagOptions(flags: readonly SettingFlag[]): Record<string, { type: 'string'; multiple?: boolean }> {
  return Object.fromEntries(flags.map((f) => [f.flag, { type: 'string' as const, ...(f.multiple ? { multiple: true } : {}) }]));
}

/** Usage lines for a list of setting flags. */
export function flagUsage(flags: readonly SettingFlag[], text: CliText): string {
  return flags.map((f) => `  [--${f.flag} ${f.value}]${f.note ? `  ${text.t(f.note)}` : ''}`).join('\n');
}

/** Returns `target` with every given flag applied at its path (a copy; nested objects copied too). */
export function applyFlags<T extends object>(target: T, flags: readonly SettingFlag[], values: Record<string, unknown>): { result: T; changed: string[] } {
  const result = structuredClone(target) as Record<string, unknown>;
  const changed: string[] = [];
  for (const f of flags) {
    const given = values[f.flag];
    if (given === undefined) continue;
    let node = result;
    for (const key of f.path.slice(0, -1)) node = (node[key] = { ...((node[key] as Record<string, unknown>) ?? {}) });
    node[f.path[f.path.length - 1]] = f.parse(given as string | string[]);
    changed.push(f.path.join('.'));
  }
  return { result: result as T, changed };
}

/**
 * The stored profile as ProfileInput, its login kept as it is (the variable names and key
 * path; secrets stay where they are), so a save through `profiles.save` changes only what the
 * command changed.
 */
export function profileToInput(p: Profile): ProfileInput {
  // Everything but the view-only login facts is carried over as it is, so a setting added to
  // the contract later survives a `client set` without a change here.
  const { authKind, keyPath, passwordEnv, passphraseEnv, secretAvailable: _available, secretStore: _store, team, ...settings } = p;
  return {
    ...settings,
    // Team mode: the save is checked against the team's version this copy had (no lost update).
    ...(team?.shared ? { baseVersion: team.version } : {}),
    auth:
      authKind === 'password'
        ? { kind: 'password', ...(passwordEnv ? { passwordEnv } : {}) }
        : { kind: 'key', ...(keyPath ? { keyPath } : {}), ...(passphraseEnv ? { passphraseEnv } : {}) },
  };
}

/** What `loopdesk profile export` writes: the whole profile without its login. */
export function profileToExport(p: Profile): ProfileExport {
  const { auth: _login, ...settings } = profileToInput(p);
  return { format: 'loopdesk-profile/1', ...settings, authKind: p.authKind } as ProfileExport;
}
