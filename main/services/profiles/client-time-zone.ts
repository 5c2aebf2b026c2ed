import type { ProfilesService } from './profiles-service';

/**
 * The time-zone setting of a profile's client: an IANA name, or empty for the workstation's
 * zone (also when the profile or client no longer exists, so old data still reads).
 */
export function clientTimeZone(profiles: Pick<ProfilesService, 'stored'>, profile: string | null, client: string | null): string {
  if (!profile || !client) return '';
  try {
    return profiles.stored(profile).clients.find((c) => c.name === client)?.timeZone ?? '';
  } catch {
    return '';
  }
}
