import { parseArgs } from 'node:util';
import { ClientConfig, type Profile } from '../../../shared/contract/profiles';
import { CliError, EXIT_USAGE, report, type CliIo, type GlobalOptions } from '../cli-io';
import { call, withDoor, type Door } from '../door';
import { applyFlags, CLIENT_FLAGS, flagOptions, flagUsage, profileToInput } from '../setting-flags';

const USAGE = `loopdesk client show --profile P [--client C]
loopdesk client set --profile P [--client C] [--clear-test-recipients]
${flagUsage(CLIENT_FLAGS)}
loopdesk client add --profile P --client C [the same settings]
loopdesk client remove --profile P --client C
Fields files are JSON arrays: [{"name":"Email","type":"Varchar","length":255,"required":true}, …]; types Varchar, Bigint, URL, Date.`;

/** The client a command means: the one named, or the profile's only client. */
export function pickClient(profile: Profile, client: string | undefined): ClientConfig {
  if (client) {
    const found = profile.clients.find((c) => c.name === client);
    if (!found) throw new CliError(`Profile "${profile.name}" has no client "${client}". Its clients: ${profile.clients.map((c) => c.name).join(', ') || 'none'} (add one with \`loopdesk client add\`).`, 1, 'NOT_FOUND');
    return found;
  }
  if (profile.clients.length === 1) return profile.clients[0];
  throw new CliError(`Profile "${profile.name}" has ${profile.clients.length} clients (${profile.clients.map((c) => c.name).join(', ') || 'none'}); name one with --client.`, EXIT_USAGE);
}

function describe(c: ClientConfig): string[] {
  const fields = (fs: ClientConfig['fields']) => fs.map((f) => `${f.name} ${f.type}${f.length ? `(${f.length})` : ''}${f.required ? ' required' : ''}`).join('; ');
  return [
    `client ${c.name}`,
    `  server folders: upload "${c.uploadDir}", logs "${c.logDir}", responses "${c.responseDir}"`,
    `  recipient file: ${c.encoding}, time zone ${c.timeZone || "the workstation's"}, line breaks in values: ${c.lineBreaks}`,
    `  master list: ${fields(c.fields)}`,
    `  product fields: ${fields(c.productFields)}; products file ${c.productsFileName}`,
    `  response files: ${c.responseFileNames}, ${c.responseDialect.encoding}, delimiter ${JSON.stringify(c.responseDialect.delimiter)}, ${c.responseDialect.header ? 'header row' : 'no header row'}, timestamps ${c.responseDialect.timestampFormat}`,
    `  test recipients: ${c.testRecipients.map((t) => (t.name ? `${t.email} (${t.name})` : t.email)).join(', ') || 'none'}`,
    `  source mailings: ${c.mailings.map((m) => `${m.id} ${m.name}${m.retired ? ' (retired)' : ''}`).join(', ') || 'none (add with `loopdesk mailing add`)'}`,
  ];
}

/** `loopdesk client …`: one client of a profile, every setting the Connections screen has. */
export async function clientCommand(argv: string[], options: GlobalOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help') throw new CliError(USAGE, sub ? 0 : EXIT_USAGE);
  if (!['show', 'set', 'add', 'remove'].includes(sub)) throw new CliError(`Unknown client command "${sub}".\n${USAGE}`, EXIT_USAGE);
  const { values } = parseArgs({
    args: rest,
    options: { profile: { type: 'string' }, client: { type: 'string' }, 'clear-test-recipients': { type: 'boolean', default: false }, ...flagOptions(CLIENT_FLAGS) },
  });
  if (!values.profile) throw new CliError(`--profile is required.\n${USAGE}`, EXIT_USAGE);
  if ((sub === 'add' || sub === 'remove') && !values.client) throw new CliError(`--client is required.\n${USAGE}`, EXIT_USAGE);
  // Usage mistakes in the settings (a bad zone, an unreadable fields file) are told before anything is opened.
  applyFlags(ClientConfig.parse({ name: 'check' }), CLIENT_FLAGS, values);
  return withDoor(options, env, (door) => clientSub(sub, values as Record<string, unknown> & { profile: string; client?: string }, door, options, io));
}

async function clientSub(sub: string, values: Record<string, unknown> & { profile: string; client?: string }, door: Door, options: GlobalOptions, io: CliIo): Promise<number> {
  const profile = await call<Profile>(door, 'profiles.get', { name: values.profile });
  const input = profileToInput(profile);
  if (sub === 'show') {
    const client = pickClient(profile, values.client);
    io.out(options.json ? JSON.stringify(client) : describe(client).join('\n'));
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
      if (profile.clients.some((c) => c.name === values.client)) throw new CliError(`Profile "${profile.name}" already has a client "${values.client}"; change it with \`loopdesk client set\`.`, 1, 'ALREADY_EXISTS');
      base = ClientConfig.parse({ name: values.client });
    } else base = pickClient(profile, values.client);
    const { result, changed } = applyFlags(base, CLIENT_FLAGS, values);
    if (values['clear-test-recipients']) {
      if (values['test-recipient']) throw new CliError('Give --test-recipient or --clear-test-recipients, not both.', EXIT_USAGE);
      result.testRecipients = [];
      changed.push('testRecipients');
    }
    if (sub === 'set' && changed.length === 0) throw new CliError(`Nothing to change: give at least one setting.\n${USAGE}`, EXIT_USAGE);
    if (result.name !== base.name && profile.clients.some((c) => c.name === result.name)) throw new CliError(`Profile "${profile.name}" already has a client "${result.name}".`, 1, 'ALREADY_EXISTS');
    name = result.name;
    clients = sub === 'add' ? [...profile.clients, result] : profile.clients.map((c) => (c.name === base.name ? result : c));
  }
  const saved = await door.invoke('profiles.save', { profile: { ...input, clients }, replace: true });
  return report(io, options, saved, (p: Profile) => {
    if (sub === 'remove') return [`Client "${name}" removed from profile "${p.name}".`];
    return [`Client "${name}" of profile "${p.name}" saved.`, ...describe(p.clients.find((c) => c.name === name)!)];
  });
}
