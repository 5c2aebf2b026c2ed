import { z } from 'zod';
import { ClientConfig, ConnectionOptions } from '../../../shared/contract/profiles';

/**
 * A profile as kept in the settings file. Secrets are absent by construction: only the
 * name of an environment variable or of the secret-store slot is recorded.
 */
export const StoredProfile = z.object({
  name: z.string(),
  host: z.string(),
  port: z.number(),
  user: z.string(),
  auth: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('password'), passwordEnv: z.string().optional() }),
    z.object({ kind: z.literal('key'), keyPath: z.string().optional(), passphraseEnv: z.string().optional() }),
  ]),
  /** Where the secret was put when the profile was saved. */
  secretStore: z.enum(['keyring', 'safeStorage', 'env', 'session', 'none']),
  trustedKeys: z.array(z.string()),
  clients: z.array(ClientConfig),
  options: ConnectionOptions,
  sandbox: z.boolean(),
});
export type StoredProfile = z.output<typeof StoredProfile>;

/** Names of the secret-store slots of a profile. */
export const secretKeys = (profile: string) => ({
  password: `password:${profile}`,
  privateKey: `privateKey:${profile}`,
  passphrase: `passphrase:${profile}`,
});
