import { parseArgs } from 'node:util';
import { ClientConfig, type Profile } from '../../../shared/contract/profiles';
import { CliError, EXIT_USAGE, report, type CliIo, type GlobalOptions, type Usage } from '../cli-io';
import { cliText, type CliText } from '../cli-text';
import { call, withDoor, type Door } from '../door';
import { applyFlags, CLIENT_FLAGS, FIELDS_EXAMPLE, flagOptions, flagUsage, profileToInput } from '../setting-flags';

const USAGE: Usage = (c) =>
  [
    'loopdesk client show --profile P [--client C]',
    'loopdesk client set --profile P [--client C] [--clear-test-recipients]',
    flagUsage(CLIENT_FLAGS, c),
    `loopdesk client add --profile P --client C […]   ${c.t('cli.client.usage.add')}`,
    'loopdesk client remove --profile P --client C',
    c.t('cli.client.usage.fields', { example: FIELDS_EXAMPLE, types: 'Varchar, Bigint, URL, Date' }),
  ].join('\n');

/** The client a command means: the one named, or the profile's only client. */
export function pickClient(profile: Profile, client: string | undefined): ClientConfig {
  const names = profile.clients.map((c) => c.name).join(', ');
  if (client) {
    const found = profile.clients.find((c) => c.name === client);
    if (!found) throw new CliError('cli.client.missing', { profile: profile.name, client, clients: names, count: profile.clients.length }, { code: 'NOT_FOUND' });
    return found;
  }
  if (profile.clients.length === 1) return profile.clients[0];
  throw new CliError('cli.client.which', { profile: profile.name, count: profile.clients.length, clients: names }, { exitCode: EXIT_USAGE });
}

function describe(client: ClientConfig, c: CliText): string[] {
  const { t } = c;
  const fields = (fs: ClientConfig['fields']) =>
    fs.map((f) => `${f.name} ${f.type}${f.length ? `(${f.length})` : ''}${f.required ? ` ${t('cli.client.show.required')}` : ''}`).join('; ');
  const dialect = client.responseDialect;
  return [
    t('cli.client.show.title', { name: client.name }),
    `  ${t('cli.client.show.folders', { upload: client.uploadDir, logs: client.logDir, responses: client.responseDir })}`,
    `  ${t(client.timeZone ? 'cli.client.show.recipientFile' : 'cli.client.show.recipientFileLocal', { encoding: client.encoding, zone: client.timeZone, lineBreaks: client.lineBreaks })}`,
    `  ${t('cli.client.show.masterList', { fields: fields(client.fields) })}`,
    `  ${t('cli.client.show.productFields', { fields: fields(client.productFields), file: client.productsFileName })}`,
    `  ${t(dialect.header ? 'cli.client.show.responseFiles' : 'cli.client.show.responseFilesNoHeader', { names: client.responseFileNames, encoding: dialect.encoding, delimiter: JSON.stringify(dialect.delimiter), timestamps: dialect.timestampFormat })}`,
    `  ${client.testRecipients.length ? t('cli.client.show.testRecipients', { recipients: client.testRecipients.map((r) => (r.name ? `${r.email} (${r.name})` : r.email)).join(', ') }) : t('cli.client.show.noTestRecipients')}`,
    `  ${client.mailings.length ? t('cli.client.show.mailings', { mailings: client.mailings.map((m) => (m.retired ? t('cli.client.show.retiredMailing', { id: m.id, name: m.name }) : `${m.id} ${m.name}`)).join(', ') }) : t('cli.client.show.noMailings')}`,
  ];
}

/** `loopdesk client …`: one client of a profile, every setting the Connections screen has. */
export async function clientCommand(argv: string[], options: GlobalOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help') throw CliError.usage(USAGE, sub ? 0 : EXIT_USAGE);
  if (!['show', 'set', 'add', 'remove'].includes(sub)) throw new CliError('cli.client.unknown', { command: sub }, { exitCode: EXIT_USAGE, usage: USAGE });
  const { values } = parseArgs({
    args: rest,
    options: { profile: { type: 'string' }, client: { type: 'string' }, 'clear-test-recipients': { type: 'boolean', default: false }, ...flagOptions(CLIENT_FLAGS) },
  });
  if (!values.profile) throw new CliError('cli.usage.profileRequired', {}, { exitCode: EXIT_USAGE, usage: USAGE });
  if ((sub === 'add' || sub === 'remove') && !values.client) throw new CliError('cli.usage.clientRequired', {}, { exitCode: EXIT_USAGE, usage: USAGE });
  // Usage mistakes in the settings (a bad zone, an unreadable fields file) are told before anything is opened.
  applyFlags(ClientConfig.parse({ name: 'check' }), CLIENT_FLAGS, values);
  return withDoor(options, env, (door) => clientSub(sub, values as Record<string, unknown> & { profile: string; client?: string }, door, options, io));
}

async function clientSub(sub: string, values: Record<string, unknown> & { profile: string; client?: string }, door: Door, options: GlobalOptions, io: CliIo): Promise<number> {
  const profile = await call<Profile>(door, 'profiles.get', { name: values.profile });
  const input = profileToInput(profile);
  if (sub === 'show') {
    const client = pickClient(profile, values.client);
    io.out(options.json ? JSON.stringify(client) : describe(client, cliText(options.lang)).join('\n'));
    return 0;
  }
  let clients: ClientConfig[];
  let name: string;
  if (sub === 'remove') {
    name = pickClient(profile, values.client).name;
    clients = profile.clients.filter((c) => c.name !== name);
  } else {
    let base: ClientConfig;
    if (sub === 'add') {
      if (profile.clients.some((c) => c.name === values.client)) throw new CliError('cli.client.existsAdd', { profile: profile.name, client: String(values.client) }, { code: 'ALREADY_EXISTS' });
      base = ClientConfig.parse({ name: values.client });
    } else base = pickClient(profile, values.client);
    const { result, changed } = applyFlags(base, CLIENT_FLAGS, values);
    if (values['clear-test-recipients']) {
      if (values['test-recipient']) throw new CliError('cli.client.recipientsBoth', {}, { exitCode: EXIT_USAGE });
      result.testRecipients = [];
      changed.push('testRecipients');
    }
    if (sub === 'set' && changed.length === 0) throw new CliError('cli.usage.nothingToChange', {}, { exitCode: EXIT_USAGE, usage: USAGE });
    if (result.name !== base.name && profile.clients.some((c) => c.name === result.name)) throw new CliError('cli.client.exists', { profile: profile.name, client: result.name }, { code: 'ALREADY_EXISTS' });
    name = result.name;
    clients = sub === 'add' ? [...profile.clients, result] : profile.clients.map((c) => (c.name === base.name ? result : c));
  }
  const saved = await door.invoke('profiles.save', { profile: { ...input, clients }, replace: true });
  return report(io, options, saved, (p: Profile, c) => {
    if (sub === 'remove') return [c.t('cli.client.removed', { client: name, profile: p.name })];
    return [c.t('cli.client.saved', { client: name, profile: p.name }), ...describe(p.clients.find((x) => x.name === name)!, c)];
  });
}
