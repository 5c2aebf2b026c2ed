import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ProfileExport, type ConnectionReport, type Profile, type ProfileInput } from '../../../shared/contract/profiles';
import { CliError, EXIT_USAGE, report, type CliIo, type GlobalOptions } from '../cli-io';
import { call, withDoor, type Door } from '../door';
import { applyFlags, flagOptions, flagUsage, PROFILE_FLAGS, profileToExport, profileToInput } from '../setting-flags';

const USAGE = `loopdesk profile add --name N --host H [--port P] --user U (--password-env VAR | --key FILE [--passphrase-env VAR]) [--trust SHA256:…] [--client NAME --upload-dir D --log-dir D --response-dir D [--response-names '{date}_{kind}.csv']] [--replace]
loopdesk profile set NAME [--password-env VAR | --key FILE [--passphrase-env VAR]]
${flagUsage(PROFILE_FLAGS)}
loopdesk profile list
loopdesk profile show NAME
loopdesk profile export NAME > profile.json          the whole profile without its login (never a secret)
loopdesk profile import profile.json (--password-env VAR | --key FILE [--passphrase-env VAR]) [--name NEW] [--replace]
loopdesk profile test NAME
loopdesk profile trust NAME SHA256:…
loopdesk profile untrust NAME SHA256:…
loopdesk profile remove NAME`;

const AUTH_OPTIONS = {
  'password-env': { type: 'string' },
  key: { type: 'string' },
  'passphrase-env': { type: 'string' },
} as const;

/** The login flags as the contract's auth input; undefined when none is given and `required` is false. */
function authFrom(values: { 'password-env'?: string; key?: string; 'passphrase-env'?: string }, required: boolean): ProfileInput['auth'] | undefined {
  if (!values['password-env'] && !values.key) {
    if (!required) {
      if (values['passphrase-env']) throw new CliError(`--passphrase-env goes with --key FILE.\n${USAGE}`, EXIT_USAGE);
      return undefined;
    }
    throw new CliError(`Give exactly one of --password-env VAR or --key FILE (passwords are never taken on the command line).\n${USAGE}`, EXIT_USAGE);
  }
  if (values['password-env'] && values.key) throw new CliError(`Give exactly one of --password-env VAR or --key FILE.\n${USAGE}`, EXIT_USAGE);
  return values.key ? { kind: 'key', keyPath: resolve(values.key), passphraseEnv: values['passphrase-env'] } : { kind: 'password', passwordEnv: values['password-env'] };
}

function savedLines(p: Profile): string[] {
  return [
    `Profile "${p.name}" saved.`,
    p.trustedKeys.length ? `Trusted host keys: ${p.trustedKeys.join(', ')}` : `No host key trusted yet: run \`loopdesk profile test ${p.name}\` to see the server's fingerprint, then \`loopdesk profile trust ${p.name} SHA256:…\`.`,
  ];
}

/** Reads and checks an exported profile file against the contract's schema. */
function readExport(path: string) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolve(path), 'utf8'));
  } catch (e) {
    throw new CliError(`The profile file ${path} cannot be read as JSON: ${(e as Error).message}`, 1, 'INVALID_INPUT');
  }
  const checked = ProfileExport.safeParse(parsed);
  if (!checked.success) {
    const issues = checked.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'top'}: ${i.message}`);
    throw new CliError(`${path} is not a Loopdesk profile export (${issues.join('; ')}). Make one with \`loopdesk profile export NAME > profile.json\`.`, 1, 'INVALID_INPUT');
  }
  return checked.data;
}

/** `loopdesk profile …`: connection profiles from the command line, through the dispatcher (here or in the running app). */
export async function profileCommand(argv: string[], options: GlobalOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [sub] = argv;
  if (!sub || sub === 'help') throw new CliError(USAGE, sub ? 0 : EXIT_USAGE);
  if (!['add', 'set', 'list', 'show', 'export', 'import', 'test', 'trust', 'untrust', 'remove'].includes(sub)) throw new CliError(`Unknown profile command "${sub}".\n${USAGE}`, EXIT_USAGE);
  return withDoor(options, env, (door) => profileSub(argv, door, options, io));
}

async function profileSub(argv: string[], door: Door, options: GlobalOptions, io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  const invoke = (channel: string, payload: unknown) => door.invoke(channel, payload);
  switch (sub) {
    case 'add': {
      const { values } = parseArgs({
        args: rest,
        options: {
          name: { type: 'string' },
          host: { type: 'string' },
          port: { type: 'string', default: '22' },
          user: { type: 'string' },
          ...AUTH_OPTIONS,
          trust: { type: 'string', multiple: true },
          client: { type: 'string' },
          'upload-dir': { type: 'string' },
          'log-dir': { type: 'string' },
          'response-dir': { type: 'string' },
          'response-names': { type: 'string' },
          replace: { type: 'boolean', default: false },
        },
      });
      if (!values.name || !values.host || !values.user) throw new CliError(`--name, --host and --user are required.\n${USAGE}`, EXIT_USAGE);
      const auth = authFrom(values, true)!;
      const profile: ProfileInput = {
        name: values.name,
        host: values.host,
        port: Number(values.port),
        user: values.user,
        auth,
        trustedKeys: values.trust ?? [],
        clients: values.client
          ? [
              {
                name: values.client,
                uploadDir: values['upload-dir'] ?? 'upload',
                logDir: values['log-dir'] ?? 'logs',
                responseDir: values['response-dir'] ?? 'responses',
                ...(values['response-names'] !== undefined ? { responseFileNames: values['response-names'] } : {}),
              },
            ]
          : [],
      };
      return report(io, options, await invoke('profiles.save', { profile, replace: values.replace }), savedLines);
    }
    case 'set': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { ...flagOptions(PROFILE_FLAGS), ...AUTH_OPTIONS } });
      const name = positionals[0];
      if (!name) throw new CliError(`Name the profile to change.\n${USAGE}`, EXIT_USAGE);
      const auth = authFrom(values, false);
      applyFlags({}, PROFILE_FLAGS, values); // usage mistakes first, before anything is opened
      const current = profileToInput(await call<Profile>(door, 'profiles.get', { name }));
      const { result, changed } = applyFlags(current, PROFILE_FLAGS, values);
      if (changed.length === 0 && !auth) throw new CliError(`Nothing to change: give at least one setting.\n${USAGE}`, EXIT_USAGE);
      return report(io, options, await invoke('profiles.save', { profile: { ...result, ...(auth ? { auth } : {}) }, replace: true }), savedLines);
    }
    case 'show': {
      const name = rest[0];
      if (!name) throw new CliError(`Usage: loopdesk profile show NAME`, EXIT_USAGE);
      return report(io, options, await invoke('profiles.get', { name }), (p: Profile) => [
        `${p.name}\t${p.user}@${p.host}:${p.port}${p.sandbox ? '\tsandbox' : ''}`,
        `login: ${p.authKind === 'password' ? `password${p.passwordEnv ? ` from $${p.passwordEnv}` : ''}` : `key${p.keyPath ? ` ${p.keyPath}` : ''}${p.passphraseEnv ? `, passphrase from $${p.passphraseEnv}` : ''}`} (${p.secretAvailable ? `available, ${p.secretStore}` : 'not available'})`,
        `trusted host keys: ${p.trustedKeys.join(', ') || 'none'}`,
        `options: ${Object.entries(p.options).map(([k, v]) => `${k}=${v}`).join(' ')}`,
        `clients: ${p.clients.map((c) => c.name).join(', ') || 'none'} (see \`loopdesk client show --profile ${p.name} --client C\`)`,
      ]);
    }
    case 'export': {
      const name = rest[0];
      if (!name) throw new CliError(`Usage: loopdesk profile export NAME > profile.json`, EXIT_USAGE);
      const exported = profileToExport(await call<Profile>(door, 'profiles.get', { name }));
      // Always JSON: the export is a file format, and checked against the schema it is read back with.
      io.out(JSON.stringify(ProfileExport.parse(exported), null, 2));
      return 0;
    }
    case 'import': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { ...AUTH_OPTIONS, name: { type: 'string' }, replace: { type: 'boolean', default: false } } });
      const file = positionals[0];
      if (!file) throw new CliError(`Name the exported profile file.\n${USAGE}`, EXIT_USAGE);
      const auth = authFrom(values, true)!;
      const { format: _format, authKind, ...exported } = readExport(file);
      if (authKind !== auth.kind) io.err(`Note: the exported profile logged in with a ${authKind === 'key' ? 'key' : 'password'}; it now uses ${auth.kind === 'key' ? 'a key' : 'a password'}.`);
      const profile: ProfileInput = { ...exported, name: values.name ?? exported.name, auth };
      return report(io, options, await invoke('profiles.save', { profile, replace: values.replace }), (p: Profile) => [
        ...savedLines(p),
        `Imported ${p.clients.length} client(s) with ${p.clients.reduce((n, c) => n + c.mailings.length, 0)} source mailing(s).`,
      ]);
    }
    case 'list':
      return report(io, options, await invoke('profiles.list', {}), (profiles: { name: string; user: string; host: string; port: number; trustedKeys: string[]; sandbox: boolean }[]) =>
        profiles.length === 0
          ? ['No profiles yet. Add one with `loopdesk profile add`.']
          : profiles.map((p) => `${p.name}\t${p.user}@${p.host}:${p.port}\t${p.trustedKeys.length} trusted key(s)${p.sandbox ? '\tsandbox' : ''}`),
      );
    case 'test': {
      const name = rest[0];
      if (!name) throw new CliError(`Name the profile to test.\n${USAGE}`, EXIT_USAGE);
      const result = await invoke('profiles.test', { name });
      if (!result.ok && result.error.code === 'HOST_KEY_UNKNOWN' && !options.json) {
        const fp = result.error.details?.fingerprint;
        io.err(`The server's host key is not trusted yet. Its fingerprint is ${fp}.`);
        io.err(`Compare it with the one your server administrator gave you, then run: loopdesk profile trust ${name} ${fp}`);
      }
      const code = report(io, options, result, (r: ConnectionReport) => [
        `${r.ok ? 'OK' : 'PROBLEMS'}: ${r.serverIdent}, ${r.latencyMs} ms, host key ${r.fingerprint}`,
        `SFTP extensions: ${r.extensions.join(', ') || 'none'}`,
        ...r.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.client} ${c.role} ${c.dir}: ${c.message}`),
      ]);
      return code === 0 && result.ok && !(result.value as { ok: boolean }).ok ? 1 : code;
    }
    case 'trust': {
      const [name, fingerprint] = rest;
      if (!name || !fingerprint) throw new CliError(`Usage: loopdesk profile trust NAME SHA256:…`, EXIT_USAGE);
      return report(io, options, await invoke('profiles.trust', { name, fingerprint }), (p: { name: string; trustedKeys: string[] }) => [
        `Profile "${p.name}" now trusts: ${p.trustedKeys.join(', ')}`,
      ]);
    }
    case 'untrust': {
      const [name, fingerprint] = rest;
      if (!name || !fingerprint) throw new CliError(`Usage: loopdesk profile untrust NAME SHA256:…`, EXIT_USAGE);
      return report(io, options, await invoke('profiles.untrust', { name, fingerprint }), (p: { name: string; trustedKeys: string[] }) => [
        `Profile "${p.name}" now trusts: ${p.trustedKeys.join(', ') || 'no host key'}`,
      ]);
    }
    case 'remove': {
      const name = rest[0];
      if (!name) throw new CliError(`Usage: loopdesk profile remove NAME`, EXIT_USAGE);
      return report(io, options, await invoke('profiles.remove', { name }), (r: { removed: boolean }) => [r.removed ? `Profile "${name}" removed.` : `There was no profile "${name}".`]);
    }
    default:
      throw new CliError(USAGE, sub ? EXIT_USAGE : 0);
  }
}
