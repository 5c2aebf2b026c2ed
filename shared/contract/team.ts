import { z } from 'zod';
import { method, service } from './define';

/** A workstation of the team seen recently. */
export const TeamWorkstation = z.object({
  name: z.string(),
  /** ISO time the team database last heard from it. */
  lastSeen: z.string(),
  /** True for this workstation. */
  me: z.boolean(),
});

/**
 * The team connection as Settings shows it: where (never a password), whether the database
 * answers (and why not), and who else is active.
 */
export const TeamStatus = z.object({
  /** `alone`: not in a team; `connected`; `unreachable` (with `problem`). */
  state: z.enum(['alone', 'connected', 'unreachable']),
  /** postgres://ROLE@HOST:PORT/DB?… without a password; null when alone. */
  url: z.string().nullable(),
  /** This workstation's name in the team; null when alone. */
  workstation: z.string().nullable(),
  /** Why the database cannot be used (a TEAM_UNAVAILABLE error as the catalog carries it). */
  problem: z
    .object({ message: z.string(), messageId: z.string().optional(), values: z.record(z.string(), z.union([z.string(), z.number()])).optional() })
    .nullable(),
  /** Workstations seen in the last two minutes, this one included. */
  workstations: z.array(TeamWorkstation),
});
export type TeamStatus = z.output<typeof TeamStatus>;

/** Team mode on PostgreSQL (README, "Team mode"). */
export const teamContract = service('team', {
  status: method('The team connection: its URL, whether it answers, and which workstations are active', z.object({}), TeamStatus),
});
