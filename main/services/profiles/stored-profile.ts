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
  /**
   * Team mode: this profile's set-up is shared through the team database (absent: this
   * workstation's own). `version` is the team's version this copy is based on (null: never
   * reached the team); `pending`: changed here while the team database was away, not shared
   * yet; `conflict`: another member changed or removed it meanwhile, so this copy is not shared
   * until the operator reloads it.
   */
  team: z
    .object({
      version: z.number().int().nullable(),
      state: z.enum(['shared', 'pending', 'conflict']),
      /** The workstation that made the team's version (its name). */
      changedBy: z.string().nullable().default(null),
    })
    .optional(),
});
export type StoredProfile = z.output<typeof StoredProfile>;

/** Names of the secret-store slots of a profile. */
export const secretKeys = (profile: string) => ({
  password: `password:${profile}`,
  privateKey: `privateKey:${profile}`,
  passphrase: `passphrase:${profile}`,
});
