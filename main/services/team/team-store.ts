import pg from 'pg';
import { AppError, isAppError } from '../../../shared/contract/result';
import { FINISHED_SEND_STATES, SendState } from '../../../shared/contract/sends';
import { type ClaimedNames, type ClaimRequest, type ClaimStateChange, type LeaseOutcome, type SendClaims } from '../store/send-claims';
import { TEAM_MIGRATIONS, type TeamMigration } from './team-migrations';
import { connectionConfig, describeUrl } from './team-connection';

/** NOTIFY channel on which every send state change is announced. */
export const TEAM_CHANNEL = 'loopdesk_sends';
/** Advisory lock key under which migrations run (one `team init` at a time). */
const MIGRATION_LOCK = 0x10_0d_e5_c0;
/** How many seconds a claim may move a name forward before it gives up (an upload dir full of one minute). */
const MAX_NAME_TRIES = 600;

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

/** Options of {@link openTeamStore}. */
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

/** A send that its workstation left mid-upload: someone must reconcile it from the server. */
export interface AbandonedSend {
  readonly id: string;
  readonly profile: string;
  readonly client: string;
  readonly sourceMailingId: string;
  readonly sourceMailingName: string;
  readonly test: boolean;
  readonly state: string;
  readonly recipients: number;
  readonly uploadDir: string;
  readonly logDir: string;
  readonly fileName: string;
  readonly productsFileName: string | null;
  readonly workstation: string;
  readonly createdAt: Date;
}

/** A row of the shared journal, as other workstations see it. */
export interface TeamSend {
  readonly id: string;
  readonly profile: string;
  readonly client: string;
  readonly sourceMailingId: string;
  readonly state: string;
  readonly active: boolean;
  readonly fileName: string;
  readonly productsFileName: string | null;
  readonly uploadDir: string;
  readonly workstation: string;
  readonly createdAt: Date;
  readonly releasedAt: Date | null;
}

/** What a NOTIFY carries. */
export interface TeamNotice {
  readonly sendId: string;
  readonly state: string;
  readonly workstation: string;
}

/** The team database: the PostgreSQL implementation of {@link SendClaims}, plus what team mode adds. */
export interface TeamStore extends SendClaims {
  readonly mode: 'team';
  readonly workstation: string;
  /** Where it connects (without the password), for messages and the Settings screen. */
  readonly target: string;
  /** Marks this workstation alive (called by every scheduler pass). */
  heartbeat(): Promise<void>;
  /** Sends left mid-upload by a workstation whose lease ran out (or that is gone). */
  abandoned(): Promise<AbandonedSend[]>;
  /** Active sends this workstation owns, claimed longer ago than a create can take (to find claims whose send was never recorded here). */
  ownClaims(): Promise<string[]>;
  /** Takes the lease of an abandoned send for this workstation; false when someone else was faster or it ended. */
  takeOver(sendId: string): Promise<boolean>;
  /** Makes this workstation the send's owner (it follows the send from now on). */
  adopt(sendId: string, state: string, message: string): Promise<void>;
  /** The shared journal, newest first. */
  list(filter?: { readonly limit?: number }): Promise<TeamSend[]>;
  /** Workstations seen within the last `withinMs`. */
  activeWorkstations(withinMs?: number): Promise<{ id: string; name: string; lastSeen: Date }[]>;
  /** Calls `listener` for every state change any workstation records (LISTEN/NOTIFY); returns the stop function. */
  watch(listener: (notice: TeamNotice) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * Applies the pending team migrations once, under an advisory lock, so two `team init` runs (or
 * a join racing an init) never apply one twice. Returns the versions it applied.
 */
export async function migrateTeamDatabase(options: Pick<TeamStoreOptions, 'url' | 'password' | 'timeoutMs'>, migrations: readonly TeamMigration[] = TEAM_MIGRATIONS): Promise<number[]> {
  const client = new pg.Client(connectionConfig(options.url, options.password, options.timeoutMs));
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    throw unavailable(options.url, e);
  }
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS team_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM team_migrations')).rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO team_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
        applied.push(m.version);
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new AppError('TEAM_UNAVAILABLE', `Team migration ${m.version} (${m.name}) failed on ${describeUrl(options.url)}: ${(e as Error).message} Check that the role may create tables in this database.`, {
          reason: 'migration',
          version: m.version,
        });
      }
    }
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    return applied;
  } catch (e) {
    throw isAppError(e) ? e : unavailable(options.url, e);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Connects a workstation to the team database. Checks that `team init` ran (all migrations
 * applied) and records the workstation; fails with TEAM_UNAVAILABLE when it cannot.
 */
export async function openTeamStore(options: TeamStoreOptions): Promise<TeamStore> {
  const lease: LeaseTiming = { ...DEFAULT_LEASE, ...options.lease };
  const config = connectionConfig(options.url, options.password, options.timeoutMs);
  const pool = new pg.Pool({ ...config, max: 4 });
  // An idle connection dropped by the server or the network must not crash the process.
  pool.on('error', () => undefined);
  const me = options.workstation;
  const target = describeUrl(options.url);
  /** Local time by which each held lease must be renewed again (our clock, conservative). */
  const held = new Map<string, { safeUntil: number; timer: NodeJS.Timeout }>();

  const query = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> => {
    try {
      return await pool.query<R>(sql, params);
    } catch (e) {
      throw unavailable(options.url, e);
    }
  };
  /** Runs `work` in one transaction on one connection. */
  const transaction = async <T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      throw unavailable(options.url, e);
    }
    let broken = false;
    // A connection that drops between two statements reports it as an 'error' event on the client;
    // unheard, that would end the process. The failing statement reports it to us as well.
    const onError = () => (broken = true);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      broken = isConnectionError(e);
      await client.query('ROLLBACK').catch(() => undefined);
      // Unique violations are answers the caller handles (lock taken, name taken); the rest are not.
      throw isAppError(e) || (isPgError(e) && e.code === '23505') || (e as { taken?: boolean }).taken ? e : unavailable(options.url, e);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  };

  const schema = await query<{ version: number }>('SELECT max(version) AS version FROM team_migrations').catch((e) => {
    if (isAppError(e) && /team_migrations/.test(e.message)) {
      throw new AppError('TEAM_UNAVAILABLE', `The team database ${target} is not set up for Loopdesk yet. Run \`loopdesk team init --url ${options.url}\` once (as a role that may create tables), then join again.`, {
        reason: 'not-initialised',
      });
    }
    throw e;
  });
  const version = Number(schema.rows[0]?.version ?? 0);
  const latest = TEAM_MIGRATIONS.at(-1)!.version;
  if (version < latest) {
    throw new AppError('TEAM_UNAVAILABLE', `The team database ${target} has schema ${version}, this Loopdesk needs ${latest}. Run \`loopdesk team init --url ${options.url}\` to update it.`, { reason: 'schema-outdated', version, latest });
  }
  await query('INSERT INTO team_workstations (id, name, last_seen) VALUES ($1, $2, now()) ON CONFLICT (id) DO UPDATE SET name = $2, last_seen = now()', [me, options.workstationName]);

  const notify = (c: pg.PoolClient, sendId: string, state: string) =>
    c.query('SELECT pg_notify($1, $2)', [TEAM_CHANNEL, JSON.stringify({ sendId, state, workstation: me } satisfies TeamNotice)]);

  const stopRenewing = (sendId: string) => {
    const h = held.get(sendId);
    if (h) clearInterval(h.timer);
    held.delete(sendId);
  };

  /** One lease attempt: taken when free, ours, or run out (plus grace) and the send is still active. */
  const tryLease = async (sendId: string, takeOverOnly: boolean): Promise<LeaseOutcome> => {
    const sentAt = Date.now();
    const rows = (
      await query<{ id: string }>(
        `UPDATE team_sends SET lease_holder = $2, lease_until = now() + make_interval(secs => $3::double precision / 1000), updated_at = now()
         WHERE id = $1 AND active AND state IN ('queued', 'uploading', 'scheduled')
           AND (${takeOverOnly ? 'false' : '(lease_holder IS NULL OR lease_holder = $2) OR'} (lease_until < now() - make_interval(secs => $4::double precision / 1000)))
         RETURNING id`,
        [sendId, me, lease.ttlMs, lease.graceMs],
      )
    ).rows;
    if (rows.length === 1) {
      // Our own clock decides when we stop trusting the lease: counted from before the request left.
      const safeUntil = sentAt + lease.ttlMs * 0.75;
      const h = held.get(sendId);
      if (h) h.safeUntil = safeUntil;
      else {
        const timer = setInterval(() => void tryLease(sendId, false).catch(() => undefined), lease.ttlMs / 3);
        timer.unref?.();
        held.set(sendId, { safeUntil, timer });
      }
      return { kind: 'held' };
    }
    const now = (await query<{ state: string; active: boolean; lease_holder: string | null; message: string | null }>(
      `SELECT s.state, s.active, s.lease_holder, (SELECT message FROM team_send_events e WHERE e.send_id = s.id ORDER BY id DESC LIMIT 1) AS message FROM team_sends s WHERE s.id = $1`,
      [sendId],
    )).rows[0];
    stopRenewing(sendId);
    if (!now) return { kind: 'ended', state: 'error', message: `Send ${sendId} is not in the team database ${target}.` };
    if (!now.active || !['queued', 'uploading', 'scheduled'].includes(now.state)) return { kind: 'ended', state: now.state, message: now.message ?? '' };
    return { kind: 'busy', holder: now.lease_holder ?? '' };
  };

  const store: TeamStore = {
    mode: 'team',
    workstation: me,
    target,

    async claim(request: ClaimRequest): Promise<ClaimedNames> {
      const namesAt = request.namesAt ?? (() => ({ fileName: request.fileName, productsFileName: request.productsFileName }));
      try {
        return await transaction(async (c) => {
          // The lock: the partial unique index lets one active send per source mailing in.
          await c.query(
            `INSERT INTO team_sends (id, profile, client, source_mailing_id, source_mailing_name, test, state, active, recipients, upload_dir, log_dir, file_name, products_file_name, workstation)
             VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8, $9, $10, $11, $12, $13)`,
            [request.sendId, request.profile, request.client, request.sourceMailingId, request.sourceMailingName, request.test, request.state, request.recipients, request.uploadDir, request.logDir, request.fileName, request.productsFileName, me],
          );
          let names: ClaimedNames | undefined;
          for (let s = 0; s < MAX_NAME_TRIES && !names; s++) {
            const candidate = namesAt(s);
            const wanted = [candidate.fileName, candidate.productsFileName].filter((n): n is string => n !== null);
            const taken = await c.query('SELECT 1 FROM team_file_names WHERE profile = $1 AND upload_dir = $2 AND name = ANY($3)', [request.profile, request.uploadDir, wanted]);
            if (taken.rowCount === 0) names = candidate;
          }
          if (!names) throw new AppError('CONFLICT', `No free upload file name in ${request.uploadDir} within ${MAX_NAME_TRIES} seconds of ${request.fileName}.`, { uploadDir: request.uploadDir });
          for (const name of [names.fileName, names.productsFileName]) {
            if (name) await c.query('INSERT INTO team_file_names (profile, upload_dir, name, send_id) VALUES ($1, $2, $3, $4)', [request.profile, request.uploadDir, name, request.sendId]);
          }
          if (names.fileName !== request.fileName) await c.query('UPDATE team_sends SET file_name = $2, products_file_name = $3 WHERE id = $1', [request.sendId, names.fileName, names.productsFileName]);
          await c.query('INSERT INTO team_send_events (send_id, state, message, workstation) VALUES ($1, $2, $3, $4)', [request.sendId, request.state, `Claimed by ${options.workstationName}.`, me]);
          await notify(c, request.sendId, request.state);
          return names;
        });
      } catch (e) {
        if (isPgError(e) && e.code === '23505' && e.constraint === 'team_sends_one_in_flight') {
          const busy = (await query<{ id: string; state: string; workstation: string }>(
            'SELECT id, state, workstation FROM team_sends WHERE profile = $1 AND client = $2 AND source_mailing_id = $3 AND active',
            [request.profile, request.client, request.sourceMailingId],
          )).rows[0];
          throw new AppError(
            'CONFLICT',
            `Source mailing ${request.sourceMailingName} (${request.sourceMailingId}) already has a send in flight${busy ? ` (${busy.id}, ${busy.state.replaceAll('_', ' ')}, from workstation ${busy.workstation})` : ''} in the team. Wait for it to finish, cancel it, or use another source mailing.`,
            { sendId: busy?.id ?? null, state: busy ? SendState.parse(busy.state) : null, workstation: busy?.workstation ?? null },
          );
        }
        // Another claim reserved one of our names in the same instant: its commit is visible now, try again.
        if (isPgError(e) && e.code === '23505' && e.constraint === 'team_file_names_pkey') return store.claim(request);
        throw isAppError(e) ? e : unavailable(options.url, e);
      }
    },

    async reserveNames(sendId, profile, uploadDir, names) {
      try {
        await transaction(async (c) => {
          for (const name of [names.fileName, names.productsFileName]) {
            if (!name) continue;
            // Inserted, or already ours: fine. Held by another send: rowCount 0.
            const r = await c.query(
              'INSERT INTO team_file_names (profile, upload_dir, name, send_id) VALUES ($1, $2, $3, $4) ON CONFLICT (profile, upload_dir, name) DO UPDATE SET reserved_at = now() WHERE team_file_names.send_id = $4',
              [profile, uploadDir, name, sendId],
            );
            if (r.rowCount === 0) throw Object.assign(new Error('taken'), { taken: true });
          }
          await c.query('UPDATE team_sends SET file_name = $2, products_file_name = $3, updated_at = now() WHERE id = $1', [sendId, names.fileName, names.productsFileName]);
        });
        return true;
      } catch (e) {
        if ((e as { taken?: boolean }).taken) return false;
        throw e;
      }
    },

    acquireLease: (sendId) => tryLease(sendId, false),

    async assertLease(sendId) {
      const h = held.get(sendId);
      if (h && Date.now() < h.safeUntil) return;
      // Past the safe time: only a fresh renewal, confirmed now, lets the file be published.
      const outcome = await tryLease(sendId, false).catch((e) => ({ kind: 'error' as const, e }));
      if (outcome.kind === 'held') return;
      throw new AppError(
        'TEAM_UNAVAILABLE',
        `This workstation could not confirm its lease on send ${sendId} with the team database ${target}${outcome.kind === 'error' ? ` (${(outcome.e as Error).message})` : ''}; the file was not published, so no other workstation can send it twice. Loopdesk tries again when the database answers.`,
        { sendId, reason: 'lease-lost' },
      );
    },

    async releaseLease(sendId) {
      stopRenewing(sendId);
      await query('UPDATE team_sends SET lease_holder = NULL, lease_until = NULL WHERE id = $1 AND lease_holder = $2', [sendId, me]);
    },

    async recordState(change: ClaimStateChange) {
      const final = (FINISHED_SEND_STATES as readonly string[]).includes(change.state);
      if (final) stopRenewing(change.sendId);
      await transaction(async (c) => {
        const r = await c.query(
          `UPDATE team_sends SET state = $2, active = active AND NOT $3, mailing_id = COALESCE($4, mailing_id), updated_at = now(),
             released_at = CASE WHEN $3 AND released_at IS NULL THEN now() ELSE released_at END,
             lease_holder = CASE WHEN $3 THEN NULL ELSE lease_holder END, lease_until = CASE WHEN $3 THEN NULL ELSE lease_until END
           WHERE id = $1 AND active AND (workstation = $5 OR lease_holder = $5) AND (state <> $2 OR mailing_id IS DISTINCT FROM COALESCE($4, mailing_id))`,
          [change.sendId, change.state, final, change.mailingId ?? null, me],
        );
        if (r.rowCount === 0) return;
        await c.query('INSERT INTO team_send_events (send_id, state, message, workstation) VALUES ($1, $2, $3, $4)', [change.sendId, change.state, change.message ?? '', me]);
        await notify(c, change.sendId, change.state);
      });
    },

    async heartbeat() {
      await query('UPDATE team_workstations SET last_seen = now() WHERE id = $1', [me]);
    },

    async abandoned() {
      const rows = (
        await query<Record<string, unknown>>(
          `SELECT s.* FROM team_sends s LEFT JOIN team_workstations w ON w.id = s.workstation
           WHERE s.active AND s.state IN ('queued', 'uploading') AND s.workstation <> $1
             AND ((s.lease_holder IS NOT NULL AND s.lease_until < now() - make_interval(secs => $2::double precision / 1000))
               OR (s.lease_holder IS NULL AND (w.last_seen IS NULL OR w.last_seen < now() - make_interval(secs => $3::double precision / 1000))))
           ORDER BY s.created_at`,
          [me, lease.graceMs, lease.staleAfterMs],
        )
      ).rows;
      return rows.map((r) => ({
        id: String(r.id),
        profile: String(r.profile),
        client: String(r.client),
        sourceMailingId: String(r.source_mailing_id),
        sourceMailingName: String(r.source_mailing_name),
        test: Boolean(r.test),
        state: String(r.state),
        recipients: Number(r.recipients),
        uploadDir: String(r.upload_dir),
        logDir: String(r.log_dir),
        fileName: String(r.file_name),
        productsFileName: r.products_file_name === null ? null : String(r.products_file_name),
        workstation: String(r.workstation),
        createdAt: r.created_at as Date,
      }));
    },

    async ownClaims() {
      const rows = (await query<{ id: string }>('SELECT id FROM team_sends WHERE active AND workstation = $1 AND created_at < now() - make_interval(secs => $2::double precision / 1000)', [me, lease.staleAfterMs])).rows;
      return rows.map((r) => r.id);
    },

    async takeOver(sendId) {
      const r = await query(
        `UPDATE team_sends s SET lease_holder = $2, lease_until = now() + make_interval(secs => $3::double precision / 1000)
         WHERE s.id = $1 AND s.active AND s.state IN ('queued', 'uploading') AND s.workstation <> $2
           AND ((s.lease_holder IS NOT NULL AND s.lease_until < now() - make_interval(secs => $4::double precision / 1000))
             OR (s.lease_holder IS NULL AND NOT EXISTS (SELECT 1 FROM team_workstations w WHERE w.id = s.workstation AND w.last_seen >= now() - make_interval(secs => $5::double precision / 1000))))
         RETURNING s.id`,
        [sendId, me, lease.ttlMs, lease.graceMs, lease.staleAfterMs],
      );
      return r.rowCount === 1;
    },

    async adopt(sendId, state, message) {
      await transaction(async (c) => {
        await c.query('UPDATE team_sends SET workstation = $2, state = $3, lease_holder = NULL, lease_until = NULL, updated_at = now() WHERE id = $1 AND lease_holder = $2', [sendId, me, state]);
        await c.query('INSERT INTO team_send_events (send_id, state, message, workstation) VALUES ($1, $2, $3, $4)', [sendId, state, message, me]);
        await notify(c, sendId, state);
      });
    },

    async list(filter = {}) {
      const rows = (await query<Record<string, unknown>>('SELECT * FROM team_sends ORDER BY created_at DESC, id DESC LIMIT $1', [Math.max(1, Math.min(filter.limit ?? 1000, 100_000))])).rows;
      return rows.map((r) => ({
        id: String(r.id),
        profile: String(r.profile),
        client: String(r.client),
        sourceMailingId: String(r.source_mailing_id),
        state: String(r.state),
        active: Boolean(r.active),
        fileName: String(r.file_name),
        productsFileName: r.products_file_name === null ? null : String(r.products_file_name),
        uploadDir: String(r.upload_dir),
        workstation: String(r.workstation),
        createdAt: r.created_at as Date,
        releasedAt: (r.released_at as Date | null) ?? null,
      }));
    },

    async activeWorkstations(withinMs = 120_000) {
      const rows = (await query<{ id: string; name: string; last_seen: Date }>('SELECT id, name, last_seen FROM team_workstations WHERE last_seen >= now() - make_interval(secs => $1::double precision / 1000) ORDER BY name', [withinMs])).rows;
      return rows.map((r) => ({ id: r.id, name: r.name, lastSeen: r.last_seen }));
    },

    async watch(listener) {
      let stopped = false;
      let client: pg.Client | undefined;
      let retry: NodeJS.Timeout | undefined;
      // One dedicated connection LISTENs; when it drops, it comes back (state changes meanwhile are
      // missed as notices, but the journal itself is in the database and the next list shows them).
      const connect = async () => {
        if (stopped) return;
        const c = new pg.Client(config);
        client = c;
        c.on('error', () => undefined);
        c.on('end', () => {
          if (!stopped) retry = setTimeout(() => void connect(), 1_000);
        });
        c.on('notification', (n) => {
          if (n.channel !== TEAM_CHANNEL || !n.payload) return;
          try {
            listener(JSON.parse(n.payload) as TeamNotice);
          } catch {
            // A payload we cannot read is not ours to act on.
          }
        });
        try {
          await c.connect();
          await c.query(`LISTEN ${TEAM_CHANNEL}`);
        } catch {
          await c.end().catch(() => undefined);
        }
      };
      await connect();
      return async () => {
        stopped = true;
        if (retry) clearTimeout(retry);
        await client?.end().catch(() => undefined);
      };
    },

    async close() {
      for (const id of [...held.keys()]) stopRenewing(id);
      await pool.end().catch(() => undefined);
    },
  };
  return store;
}

interface PgError extends Error {
  readonly code: string;
  readonly constraint?: string;
}

function isPgError(e: unknown): e is PgError {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((e as unknown as { code: string }).code) && 'severity' in e;
}

function isConnectionError(e: unknown): boolean {
  return !isPgError(e) || /^(08|57P)/.test(e.code);
}

/** The operator's error for a database that cannot be used now; keeps the cause for the log. */
function unavailable(url: string, e: unknown): AppError {
  if (isAppError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (isPgError(e) && e.code === '28P01') {
    return new AppError('TEAM_UNAVAILABLE', `The team database ${describeUrl(url)} refused the password. Set LOOPDESK_TEAM_PASSWORD (or run \`loopdesk team join\` again to store it in the keychain).`, { reason: 'auth' });
  }
  if (isPgError(e) && !/^(08|57P|53)/.test(e.code)) {
    return new AppError('TEAM_UNAVAILABLE', `The team database ${describeUrl(url)} refused a statement (${e.code}: ${message}). Check the role's permissions (README, "Team mode").`, { reason: 'refused', sqlState: e.code });
  }
  return new AppError(
    'TEAM_UNAVAILABLE',
    `The team database ${describeUrl(url)} cannot be reached (${message}). New sends wait until it answers; everything on this workstation (grids, reports, drafts) keeps working.`,
    { reason: 'unreachable' },
  );
}
