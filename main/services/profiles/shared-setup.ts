import { z } from 'zod';
import { ClientConfig, ConnectionOptions } from '../../../shared/contract/profiles';
import type { StoredProfile } from './stored-profile';

/**
 * The part of a profile a team shares (#16): its clients and the connection's non-secret fields.
 * Never a secret, nor where a workstation keeps one (`secretStore`, `passwordEnv`, `keyPath`,
 * `passphraseEnv`): each workstation signs in with its own credentials from its own keychain.
 * Built field by field (never by leaving fields out), so a field added to the profile later is
 * not shared until it is named here.
 */
export const SharedSetup = z.object({
  host: z.string(),
  port: z.number(),
  user: z.string(),
  authKind: z.enum(['password', 'key']),
  trustedKeys: z.array(z.string()),
  options: ConnectionOptions,
  clients: z.array(ClientConfig),
});
export type SharedSetup = z.output<typeof SharedSetup>;

/** What the team database gets of a profile. */
export function sharedSetupOf(p: Pick<StoredProfile, 'host' | 'port' | 'user' | 'trustedKeys' | 'options' | 'clients'> & { readonly auth: { readonly kind: 'password' | 'key' } }): SharedSetup {
  return { host: p.host, port: p.port, user: p.user, authKind: p.auth.kind, trustedKeys: [...p.trustedKeys], options: p.options, clients: p.clients };
}

/**
 * This workstation's copy of a team profile: the team's set-up with the local login kept (the
 * variable names, key path and where the secret is) while the kind of login is the same; a new
 * kind starts without a secret, which the operator gives on this workstation.
 */
export function withSharedSetup(local: StoredProfile | undefined, name: string, raw: unknown, team: NonNullable<StoredProfile['team']>): StoredProfile {
  const setup = SharedSetup.parse(raw);
  const sameLogin = local && local.auth.kind === setup.authKind;
  return {
    name,
    host: setup.host,
    port: setup.port,
    user: setup.user,
    auth: sameLogin ? local.auth : { kind: setup.authKind },
    secretStore: sameLogin ? local.secretStore : 'none',
    trustedKeys: setup.trustedKeys,
    options: setup.options,
    clients: setup.clients,
    sandbox: false,
    team,
  };
}
