import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ProfileInput } from '../../../shared/contract/profiles';
import type { AppContext } from '../../app/app-context';
import { CliError, EXIT_USAGE, report, type CliIo, type GlobalOptions } from '../cli-io';

const USAGE = `loopdesk profile add --name N --host H [--port P] --user U (--password-env VAR | --key FILE [--passphrase-env VAR]) [--trust SHA256:…] [--client NAME --upload-dir D --log-dir D --response-dir D [--response-names '{date}_{kind}.csv']]
loopdesk profile list
loopdesk profile test NAME
loopdesk profile trust NAME SHA256:…
loopdesk profile remove NAME`;

/** `loopdesk profile …`: connection profiles from the command line, through the dispatcher. */
export async function profileCommand(argv: string[], context: AppContext, options: GlobalOptions, io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  const call = (channel: string, payload: unknown) => context.dispatcher.handle(channel, payload, { transport: 'cli' });
  switch (sub) {
    case 'add': {
      const { values } = parseArgs({
        args: rest,
        options: {
          name: { type: 'string' },
          host: { type: 'string' },
          port: { type: 'string', default: '22' },
          user: { type: 'string' },
          'password-env': { type: 'string' },
          key: { type: 'string' },
          'passphrase-env': { type: 'string' },
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
      if (Boolean(values['password-env']) === Boolean(values.key)) {
        throw new CliError(`Give exactly one of --password-env VAR or --key FILE (passwords are never taken on the command line).\n${USAGE}`, EXIT_USAGE);
      }
      const profile: ProfileInput = {
        name: values.name,
        host: values.host,
        port: Number(values.port),
        user: values.user,
        auth: values.key
          ? { kind: 'key', keyPath: resolve(values.key), passphraseEnv: values['passphrase-env'] }
          : { kind: 'password', passwordEnv: values['password-env'] },
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
      return report(io, options, await call('profiles.save', { profile, replace: values.replace }), (p: { name: string; trustedKeys: string[] }) => [
        `Profile "${p.name}" saved.`,
        p.trustedKeys.length ? `Trusted host keys: ${p.trustedKeys.join(', ')}` : `No host key trusted yet: run \`loopdesk profile test ${p.name}\` to see the server's fingerprint, then \`loopdesk profile trust ${p.name} SHA256:…\`.`,
      ]);
    }
    case 'list':
      return report(io, options, await call('profiles.list', {}), (profiles: { name: string; user: string; host: string; port: number; trustedKeys: string[]; sandbox: boolean }[]) =>
        profiles.length === 0
          ? ['No profiles yet. Add one with `loopdesk profile add`.']
          : profiles.map((p) => `${p.name}\t${p.user}@${p.host}:${p.port}\t${p.trustedKeys.length} trusted key(s)${p.sandbox ? '\tsandbox' : ''}`),
      );
    case 'test': {
      const name = rest[0];
      if (!name) throw new CliError(`Name the profile to test.\n${USAGE}`, EXIT_USAGE);
      const result = await call('profiles.test', { name });
      if (!result.ok && result.error.code === 'HOST_KEY_UNKNOWN' && !options.json) {
        const fp = (result.error.details as { fingerprint?: string } | undefined)?.fingerprint;
        io.err(`The server's host key is not trusted yet. Its fingerprint is ${fp}.`);
        io.err(`Compare it with the one your server administrator gave you, then run: loopdesk profile trust ${name} ${fp}`);
      }
      const code = report(io, options, result, (r: { latencyMs: number; serverIdent: string; fingerprint: string; extensions: string[]; checks: { client: string; role: string; dir: string; ok: boolean; message: string }[]; ok: boolean }) => [
        `${r.ok ? 'OK' : 'PROBLEMS'}: ${r.serverIdent}, ${r.latencyMs} ms, host key ${r.fingerprint}`,
        `SFTP extensions: ${r.extensions.join(', ') || 'none'}`,
        ...r.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.client} ${c.role} ${c.dir}: ${c.message}`),
      ]);
      return code === 0 && result.ok && !(result.value as { ok: boolean }).ok ? 1 : code;
    }
    case 'trust': {
      const [name, fingerprint] = rest;
      if (!name || !fingerprint) throw new CliError(`Usage: loopdesk profile trust NAME SHA256:…`, EXIT_USAGE);
      return report(io, options, await call('profiles.trust', { name, fingerprint }), (p: { name: string; trustedKeys: string[] }) => [
        `Profile "${p.name}" now trusts: ${p.trustedKeys.join(', ')}`,
      ]);
    }
    case 'remove': {
      const name = rest[0];
      if (!name) throw new CliError(`Usage: loopdesk profile remove NAME`, EXIT_USAGE);
      return report(io, options, await call('profiles.remove', { name }), (r: { removed: boolean }) => [r.removed ? `Profile "${name}" removed.` : `There was no profile "${name}".`]);
    }
    default:
      throw new CliError(USAGE, sub ? EXIT_USAGE : 0);
  }
}
