import type { ClientConfig } from '../../../shared/contract/profiles';
import { AppError } from '../../../shared/contract/result';
import type { ProfilesService } from './profiles-service';

/** A profile's client, or a clear error. */
export function resolveTarget(profiles: ProfilesService, profile: string, client: string): { client: ClientConfig } {
  const stored = profiles.stored(profile);
  const found = stored.clients.find((c) => c.name === client);
  if (!found) throw new AppError('NOT_FOUND', 'error.profiles.noClient', { profile, client });
  return { client: found };
}
