// How a workstation opens the team store: its connection, its identity and the lease timing.

/** Timing of leases; tests shorten it. */
export interface LeaseTiming {
  /** How long a lease lasts after each renewal. */
  readonly ttlMs: number;
  /** After a lease ran out, how long others still wait before they take the send over. */
  readonly graceMs: number;
  /** A creator not seen for this long counts as gone, for sends it never leased. */
  readonly staleAfterMs: number;
}

/** Default lease timing: renewed every 10 s, lost after 30 s, taken over 10 s later. */
export const DEFAULT_LEASE: LeaseTiming = { ttlMs: 30_000, graceMs: 10_000, staleAfterMs: 60_000 };

/** Options of `openTeamStore` (team-store.ts). */
export interface TeamStoreOptions {
  /** `postgres://user@host:port/db?sslmode=…`, without the password. */
  readonly url: string;
  /** The role's password (environment variable or keychain; never the settings file). */
  readonly password?: string;
  /** This workstation's id (settings `team.workstation`). */
  readonly workstation: string;
  /** Shown to the others ("who else is active"). */
  readonly workstationName: string;
  readonly lease?: Partial<LeaseTiming>;
  /** Connection and statement time-out; an unreachable database fails this fast. */
  readonly timeoutMs?: number;
}
