import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ProfileExport, REMOVED_PROFILE_DAYS, type RemovedProfile, type ConnectionReport, type Profile, type ProfileConflict, type ProfileDifference, type ProfileInput, type ProfileTeam } from '../../../shared/contract/profiles';
import type { MessageId } from '../../../shared/i18n/messages';
import { CliError, EXIT_USAGE, report, type CliIo, type GlobalOptions, type Usage } from '../cli-io';
import { cliText, helpColumns, type CliText } from '../cli-text';
import { issueText } from '../../core/dispatcher';
import { call, withDoor, type Door } from '../door';
import { confirm } from './send-commands';
import { applyFlags, flagOptions, flagUsage, PROFILE_FLAGS, profileToExport, profileToInput } from '../setting-flags';

const USAGE: Usage = (c) =>
  [
    "loopdesk profile add --name N --host H [--port P] --user U (--password-env VAR | --key FILE [--passphrase-env VAR]) [--trust SHA256:…] [--client NAME --upload-dir D --log-dir D --response-dir D [--response-names '{date}_{kind}.csv']] [--replace]",
    'loopdesk profile set NAME [--password-env VAR | --key FILE [--passphrase-env VAR]]',
    flagUsage(PROFILE_FLAGS, c),
    helpColumns(
      [
        ['loopdesk profile list'],
        ['loopdesk profile show NAME'],
        ['loopdesk profile export NAME > profile.json', c.t('cli.profile.usage.export')],
        ['loopdesk profile import profile.json (--password-env VAR | --key FILE [--passphrase-env VAR]) [--name NEW] [--replace]'],
        ['loopdesk profile test NAME'],
        ['loopdesk profile trust NAME SHA256:…'],
        ['loopdesk profile untrust NAME SHA256:…'],
        ['loopdesk profile remove NAME [--yes]', c.t('connections.cli.usage.remove', { days: REMOVED_PROFILE_DAYS })],
        ['loopdesk profile removed', c.t('connections.cli.usage.removed', { days: REMOVED_PROFILE_DAYS })],
        ['loopdesk profile restore NAME', c.t('connections.cli.usage.restore')],
        ['loopdesk profile share NAME | unshare NAME', c.t('cli.profile.usage.share')],
        ['loopdesk profile reload NAME', c.t('cli.profile.usage.reload')],
        ['loopdesk profile resolve NAME [--keep-mine [--version N] | --take-team]', c.t('cli.profile.usage.resolve')],
      ],
      '',
      53,
    ),
  ].join('\n');

const AUTH_OPTIONS = {
  'password-env': { type: 'string' },
  key: { type: 'string' },
  'passphrase-env': { type: 'string' },
} as const;

/** The login flags as the contract's auth input; undefined when none is given and `required` is false. */
function authFrom(values: { 'password-env'?: string; key?: string; 'passphrase-env'?: string }, required: boolean): ProfileInput['auth'] | undefined {
  if (!values['password-env'] && !values.key) {
    if (!required) {
      if (values['passphrase-env']) throw new CliError('cli.profile.passphraseWithKey', {}, { exitCode: EXIT_USAGE, usage: USAGE });
      return undefined;
    }
    throw new CliError('cli.profile.loginRequired', {}, { exitCode: EXIT_USAGE, usage: USAGE });
  }
  if (values['password-env'] && values.key) throw new CliError('cli.profile.loginOne', {}, { exitCode: EXIT_USAGE, usage: USAGE });
  return values.key ? { kind: 'key', keyPath: resolve(values.key), passphraseEnv: values['passphrase-env'] } : { kind: 'password', passwordEnv: values['password-env'] };
}

function savedLines(p: Profile, c: CliText): string[] {
  return [c.t('cli.profile.saved', { name: p.name }), p.trustedKeys.length ? c.t('cli.profile.trustedKeys', { keys: p.trustedKeys.join(', ') }) : c.t('cli.profile.noTrustedKey', { name: p.name })];
}

/** How a profile logs in, as `profile show` tells it. */
function loginLine(p: Profile, c: CliText): string {
  const store = p.secretAvailable ? c.t('cli.profile.show.secretAvailable', { store: p.secretStore }) : c.t('cli.profile.show.secretMissing');
  if (p.authKind === 'password') return p.passwordEnv ? c.t('cli.profile.show.passwordEnv', { env: `$${p.passwordEnv}`, store }) : c.t('cli.profile.show.password', { store });
  const key = p.keyPath ?? '';
  return p.passphraseEnv ? c.t('cli.profile.show.keyPassphrase', { key, env: `$${p.passphraseEnv}`, store }) : c.t('cli.profile.show.key', { key, store });
}

/** Team mode: how `profile show` tells where a profile stands with the team. */
const TEAM_LINES: Record<ProfileTeam['state'], MessageId> = {
  local: 'cli.profile.show.teamLocal',
  shared: 'cli.profile.show.teamShared',
  pending: 'cli.profile.show.teamPending',
  conflict: 'cli.profile.show.teamConflict',
};

/** A difference's setting as the CLI names it: the profile's own field names (`options.pollMinutes`, `clients[Main].uploadDir`). */
function differenceField(d: ProfileDifference): string {
  if (d.field === 'option') return `options.${d.key ?? ''}`;
  if (d.field === 'client') return `clients[${d.key ?? ''}]${d.part ? `.${d.part}` : ''}`;
  return d.field;
}

/** `profile resolve NAME`: what differs between this workstation's version and the team's newest, and the two ways out. */
function conflictLines(x: ProfileConflict, c: CliText): string[] {
  const facts = { name: x.name, version: x.teamVersion, by: x.by, at: Date.parse(x.at) };
  const none = c.t('cli.profile.resolve.none');
  const head = x.removed
    ? [c.t('cli.profile.resolve.removed', facts)]
    : x.differences.length === 0
      ? [c.t('cli.profile.resolve.same', facts)]
      : [c.t('cli.profile.resolve.header', facts), ...x.differences.map((d) => c.t('cli.profile.resolve.line', { field: differenceField(d), mine: d.mine ?? none, team: d.team ?? none }))];
  return [...head, c.t('cli.profile.resolve.choose', facts)];
}

/** Reads and checks an exported profile file against the contract's schema. */
function readExport(path: string) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolve(path), 'utf8'));
  } catch (e) {
    throw new CliError('cli.profile.importUnreadable', { path, reason: (e as Error).message }, { code: 'INVALID_INPUT' });
  }
  const checked = ProfileExport.safeParse(parsed);
  if (!checked.success) {
    // Each field with what is wrong with it, worded as the input check words it (zod's own texts are English only).
    const issues = checked.error.issues.map((i) => ({ path: i.path.map(String), message: i.message, text: issueText(i) }));
    throw new CliError('cli.profile.importInvalid', { path }, { code: 'INVALID_INPUT', issues });
  }
  return checked.data;
}

/** `loopdesk profile …`: connection profiles from the command line, through the dispatcher (here or in the running app). */
export async function profileCommand(argv: string[], options: GlobalOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [sub] = argv;
  if (!sub || sub === 'help') throw CliError.usage(USAGE, sub ? 0 : EXIT_USAGE);
  if (!['add', 'set', 'list', 'show', 'export', 'import', 'test', 'trust', 'untrust', 'remove', 'removed', 'restore', 'share', 'unshare', 'reload', 'resolve'].includes(sub)) throw new CliError('cli.profile.unknown', { command: sub }, { exitCode: EXIT_USAGE, usage: USAGE });
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
      if (!values.name || !values.host || !values.user) throw new CliError('cli.profile.addRequired', {}, { exitCode: EXIT_USAGE, usage: USAGE });
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
      if (!name) throw new CliError('cli.profile.nameToChange', {}, { exitCode: EXIT_USAGE, usage: USAGE });
      const auth = authFrom(values, false);
      applyFlags({}, PROFILE_FLAGS, values); // usage mistakes first, before anything is opened
      const current = profileToInput(await call<Profile>(door, 'profiles.get', { name }));
      const { result, changed } = applyFlags(current, PROFILE_FLAGS, values);
      if (changed.length === 0 && !auth) throw new CliError('cli.usage.nothingToChange', {}, { exitCode: EXIT_USAGE, usage: USAGE });
      return report(io, options, await invoke('profiles.save', { profile: { ...result, ...(auth ? { auth } : {}) }, replace: true }), savedLines);
    }
    case 'show': {
      const name = rest[0];
      if (!name) throw new CliError('cli.usage.syntax', { syntax: 'loopdesk profile show NAME' }, { exitCode: EXIT_USAGE });
      return report(io, options, await invoke('profiles.get', { name }), (p: Profile, c) => [
        `${p.name}\t${p.user}@${p.host}:${p.port}${p.sandbox ? `\t${c.t('cli.profile.sandbox')}` : ''}`,
        loginLine(p, c),
        p.trustedKeys.length ? c.t('cli.profile.show.trustedKeys', { keys: p.trustedKeys.join(', ') }) : c.t('cli.profile.show.noTrustedKeys'),
        c.t('cli.profile.show.options', { options: Object.entries(p.options).map(([k, v]) => `${k}=${v}`).join(' ') }),
        p.clients.length ? c.t('cli.profile.show.clients', { clients: p.clients.map((x) => x.name).join(', '), name: p.name }) : c.t('cli.profile.show.noClients'),
        ...(p.team ? [c.t(TEAM_LINES[p.team.state], { name: p.name, version: p.team.version ?? 0, by: p.team.changedBy ?? '?' })] : []),
      ]);
    }
    case 'export': {
      const name = rest[0];
      if (!name) throw new CliError('cli.usage.syntax', { syntax: 'loopdesk profile export NAME > profile.json' }, { exitCode: EXIT_USAGE });
      const exported = profileToExport(await call<Profile>(door, 'profiles.get', { name }));
      // Always JSON: the export is a file format, and checked against the schema it is read back with.
      io.out(JSON.stringify(ProfileExport.parse(exported), null, 2));
      return 0;
    }
    case 'import': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { ...AUTH_OPTIONS, name: { type: 'string' }, replace: { type: 'boolean', default: false } } });
      const file = positionals[0];
      if (!file) throw new CliError('cli.profile.importFile', {}, { exitCode: EXIT_USAGE, usage: USAGE });
      const auth = authFrom(values, true)!;
      const { format: _format, authKind, ...exported } = readExport(file);
      if (authKind !== auth.kind) io.err(cliText(options.lang).t(auth.kind === 'key' ? 'cli.profile.importNowKey' : 'cli.profile.importNowPassword'));
      const profile: ProfileInput = { ...exported, name: values.name ?? exported.name, auth };
      return report(io, options, await invoke('profiles.save', { profile, replace: values.replace }), (p: Profile, c) => [
        ...savedLines(p, c),
        c.t('cli.profile.imported', { clients: p.clients.length, mailings: p.clients.reduce((n, x) => n + x.mailings.length, 0) }),
      ]);
    }
    case 'list':
      return report(io, options, await invoke('profiles.list', {}), (profiles: { name: string; user: string; host: string; port: number; trustedKeys: string[]; sandbox: boolean }[], c) =>
        profiles.length === 0
          ? [c.t('cli.profile.list.none')]
          : profiles.map((p) => `${p.name}\t${p.user}@${p.host}:${p.port}\t${c.t('cli.profile.list.keys', { count: p.trustedKeys.length })}${p.sandbox ? `\t${c.t('cli.profile.sandbox')}` : ''}`),
      );
    case 'test': {
      const name = rest[0];
      if (!name) throw new CliError('cli.profile.nameToTest', {}, { exitCode: EXIT_USAGE, usage: USAGE });
      const result = await invoke('profiles.test', { name });
      if (!result.ok && result.error.code === 'HOST_KEY_UNKNOWN' && !options.json) {
        const fingerprint = result.error.details?.fingerprint ?? '';
        const c = cliText(options.lang);
        io.err(c.t('cli.profile.test.untrusted', { fingerprint }));
        io.err(c.t('cli.profile.test.compare', { command: `loopdesk profile trust ${name} ${fingerprint}` }));
      }
      const code = report(io, options, result, (r: ConnectionReport, c) => [
        c.t(r.ok ? 'cli.profile.test.ok' : 'cli.profile.test.problems', { server: r.serverIdent, latency: c.fmt.number(r.latencyMs), fingerprint: r.fingerprint }),
        r.extensions.length ? c.t('cli.profile.test.extensions', { extensions: r.extensions.join(', ') }) : c.t('cli.profile.test.noExtensions'),
        ...r.checks.map((x) => `${x.ok ? c.t('cli.profile.test.checkOk') : c.t('cli.profile.test.checkFailed')} ${x.client} ${x.role} ${x.dir}: ${c.say(x.text, x.message)}`),
      ]);
      return code === 0 && result.ok && !(result.value as { ok: boolean }).ok ? 1 : code;
    }
    case 'trust': {
      const [name, fingerprint] = rest;
      if (!name || !fingerprint) throw new CliError('cli.usage.syntax', { syntax: 'loopdesk profile trust NAME SHA256:…' }, { exitCode: EXIT_USAGE });
      return report(io, options, await invoke('profiles.trust', { name, fingerprint }), (p: { name: string; trustedKeys: string[] }, c) => [
        c.t('cli.profile.trusts', { name: p.name, keys: p.trustedKeys.join(', ') }),
      ]);
    }
    case 'untrust': {
      const [name, fingerprint] = rest;
      if (!name || !fingerprint) throw new CliError('cli.usage.syntax', { syntax: 'loopdesk profile untrust NAME SHA256:…' }, { exitCode: EXIT_USAGE });
      return report(io, options, await invoke('profiles.untrust', { name, fingerprint }), (p: { name: string; trustedKeys: string[] }, c) => [
        p.trustedKeys.length ? c.t('cli.profile.trusts', { name: p.name, keys: p.trustedKeys.join(', ') }) : c.t('cli.profile.trustsNone', { name: p.name }),
      ]);
    }
    case 'remove': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { yes: { type: 'boolean', default: false } } });
      const name = positionals[0];
      if (!name) throw new CliError('cli.usage.syntax', { syntax: 'loopdesk profile remove NAME [--yes]' }, { exitCode: EXIT_USAGE });
      // Asked first, naming the server (a wrong name is told by the removal below: nothing to confirm).
      if (!values.yes) {
        const found = await invoke('profiles.get', { name });
        if (found.ok) {
          const p = found.value as Profile;
          const c = cliText(options.lang);
          const address = `${p.user}@${p.host}:${p.port}`;
          if (!(await confirm(c, c.t('connections.cli.confirmRemove', { name, address, days: REMOVED_PROFILE_DAYS })))) {
            throw new CliError(process.stdin.isTTY ? 'connections.cli.notRemoved' : 'connections.cli.notRemovedNoTerminal', { name }, { code: 'NOT_CONFIRMED' });
          }
        }
      }
      return report(io, options, await invoke('profiles.remove', { name }), (r: { removed: boolean }, c) =>
        r.removed ? [c.t('cli.profile.removed', { name }), c.t('connections.cli.removedUndo', { name, days: REMOVED_PROFILE_DAYS })] : [c.t('cli.profile.notThere', { name })],
      );
    }
    case 'removed':
      return report(io, options, await invoke('profiles.removed', {}), (removed: RemovedProfile[], c) =>
        removed.length === 0
          ? [c.t('connections.cli.removedNone', { days: REMOVED_PROFILE_DAYS })]
          : removed.map((r) =>
              c.t('connections.cli.removedLine', {
                name: r.name,
                address: `${r.user}@${r.host}:${r.port}`,
                by: r.removedBy,
                at: Date.parse(r.removedAt),
                purge: Date.parse(r.purgeAt),
                secret: r.secretKept ? 'yes' : 'no',
              }),
            ),
      );
    case 'restore': {
      const name = rest[0];
      if (!name) throw new CliError('cli.usage.syntax', { syntax: 'loopdesk profile restore NAME' }, { exitCode: EXIT_USAGE });
      return report(io, options, await invoke('profiles.restore', { name }), (p: Profile, c) => [c.t('connections.cli.restored', { name, shared: p.team?.shared ? 'yes' : 'no' })]);
    }
    case 'share':
    case 'unshare': {
      const name = rest[0];
      if (!name) throw new CliError('cli.usage.syntax', { syntax: `loopdesk profile ${sub} NAME` }, { exitCode: EXIT_USAGE });
      return report(io, options, await invoke('profiles.share', { name, shared: sub === 'share' }), (p: Profile, c) => [
        sub === 'unshare' ? c.t('cli.profile.unshared', { name }) : p.team?.state === 'pending' ? c.t('cli.profile.sharedPending', { name }) : c.t('cli.profile.shared', { name, version: p.team?.version ?? 0 }),
      ]);
    }
    case 'reload': {
      const name = rest[0];
      if (!name) throw new CliError('cli.usage.syntax', { syntax: 'loopdesk profile reload NAME' }, { exitCode: EXIT_USAGE });
      return report(io, options, await invoke('profiles.reload', { name }), (p: Profile, c) => [c.t('cli.profile.reloaded', { name, version: p.team?.version ?? 0 })]);
    }
    case 'resolve': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { 'keep-mine': { type: 'boolean', default: false }, 'take-team': { type: 'boolean', default: false }, version: { type: 'string' } },
      });
      const name = positionals[0];
      if (!name) throw new CliError('cli.usage.syntax', { syntax: 'loopdesk profile resolve NAME [--keep-mine [--version N] | --take-team]' }, { exitCode: EXIT_USAGE });
      if (values['keep-mine'] && values['take-team']) throw new CliError('cli.profile.resolve.oneChoice', {}, { exitCode: EXIT_USAGE, usage: USAGE });
      const version = values.version === undefined ? undefined : Number(values.version);
      if (version !== undefined && !Number.isInteger(version)) throw new CliError('cli.profile.resolve.versionNumber', { name }, { exitCode: EXIT_USAGE, usage: USAGE });
      if (values['take-team']) {
        return report(io, options, await invoke('profiles.resolve', { name, keep: 'team', teamVersion: version ?? 0 }), (p: Profile, c) => [c.t('cli.profile.reloaded', { name, version: p.team?.version ?? 0 })]);
      }
      const compared = await invoke('profiles.conflict', { name });
      if (!values['keep-mine'] || !compared.ok) return report(io, options, compared, conflictLines);
      const seen = compared.value as ProfileConflict;
      // Compare-and-set against the version named (else the one compared just now): moved again, it is refused.
      const over = version ?? seen.teamVersion;
      return report(io, options, await invoke('profiles.resolve', { name, keep: 'mine', teamVersion: over }), (p: Profile, c) => [
        c.t('cli.profile.resolve.kept', { name, overwritten: over, by: seen.by, version: p.team?.version ?? 0 }),
      ]);
    }
    default:
      throw CliError.usage(USAGE, sub ? EXIT_USAGE : 0);
  }
}
