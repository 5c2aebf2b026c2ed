import { AppError, isAppError } from '../../../shared/contract/result';
import { SendState } from '../../../shared/contract/sends';
import type { ClaimedNames, ClaimRequest } from '../store/send-claims';
import { isPgError, unavailable } from './team-errors';
import { insertTeamEvent } from './team-events';
import { notifyState } from './team-notices';
import type { TeamDb } from './team-pool';
import { teamText } from './team-text';

/** How many seconds a claim may move a name forward before it gives up (an upload dir full of one minute). */
const MAX_NAME_TRIES = 600;

/** Who claims: this workstation's id and its name shown to the others. */
export interface Claimant {
  readonly id: string;
  readonly name: string;
}

/**
 * Claims a send in one transaction: the source-mailing lock (one active send per source mailing)
 * and the upload-name reservation, moving the name forward while it is taken. CONFLICT when the
 * source mailing already has a send in flight.
 */
export async function claimTeamSend(db: TeamDb, me: Claimant, request: ClaimRequest): Promise<ClaimedNames> {
  const namesAt = request.namesAt ?? (() => ({ fileName: request.fileName, productsFileName: request.productsFileName }));
  try {
    return await db.transaction(async (c) => {
      // The lock: the partial unique index lets one active send per source mailing in.
      await c.query(
        `INSERT INTO team_sends (id, profile, client, source_mailing_id, source_mailing_name, test, state, active, recipients, upload_dir, log_dir, file_name, products_file_name, workstation, started_by, scheduled_at, excluded, told_steps)
         VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8, $9, $10, $11, $12, $13, $13, $14, $15, 1)`,
        [request.sendId, request.profile, request.client, request.sourceMailingId, request.sourceMailingName, request.test, request.state, request.recipients, request.uploadDir, request.logDir, request.fileName, request.productsFileName, me.id, request.scheduledAt ?? null, request.excluded ?? 0],
      );
      // The INSERT may have waited for the previous send's release to commit (the unique index
      // waits on a row being changed), so `now()` (when this transaction began) can be earlier
      // than that release. The send is in flight from when it won the lock: stamp it now.
      await c.query('UPDATE team_sends SET created_at = clock_timestamp() WHERE id = $1', [request.sendId]);
      let names: ClaimedNames | undefined;
      for (let s = 0; s < MAX_NAME_TRIES && !names; s++) {
        const candidate = namesAt(s);
        const wanted = [candidate.fileName, candidate.productsFileName].filter((n): n is string => n !== null);
        const taken = await c.query('SELECT 1 FROM team_file_names WHERE profile = $1 AND upload_dir = $2 AND name = ANY($3)', [request.profile, request.uploadDir, wanted]);
        if (taken.rowCount === 0) names = candidate;
      }
      if (!names) throw new AppError('CONFLICT', 'error.team.noFreeName', { uploadDir: request.uploadDir, seconds: MAX_NAME_TRIES, fileName: request.fileName }, { uploadDir: request.uploadDir });
      for (const name of [names.fileName, names.productsFileName]) {
        if (name) await c.query('INSERT INTO team_file_names (profile, upload_dir, name, send_id) VALUES ($1, $2, $3, $4)', [request.profile, request.uploadDir, name, request.sendId]);
      }
      if (names.fileName !== request.fileName) await c.query('UPDATE team_sends SET file_name = $2, products_file_name = $3 WHERE id = $1', [request.sendId, names.fileName, names.productsFileName]);
      // This step stands for the first of the send's local timeline (told_steps = 1 above).
      await insertTeamEvent(c, request.sendId, request.state, teamText('team.event.claimed', { name: me.name }), me.id);
      await notifyState(c, request.sendId, request.state, me.id);
      return names;
    });
  } catch (e) {
    if (isPgError(e) && e.code === '23505' && e.constraint === 'team_sends_one_in_flight') {
      const busy = (await db.query<{ id: string; state: string; workstation: string }>(
        'SELECT id, state, workstation FROM team_sends WHERE profile = $1 AND client = $2 AND source_mailing_id = $3 AND active',
        [request.profile, request.client, request.sourceMailingId],
      )).rows[0];
      const details = { sendId: busy?.id ?? null, state: busy ? SendState.parse(busy.state) : null, workstation: busy?.workstation ?? null };
      const mailing = { mailing: request.sourceMailingName, mailingId: request.sourceMailingId };
      if (!busy) throw new AppError('CONFLICT', 'error.team.mailingInFlightGone', mailing, details);
      throw new AppError('CONFLICT', 'error.team.mailingInFlight', { ...mailing, sendId: busy.id, state: busy.state.replaceAll('_', ' '), workstation: busy.workstation }, details);
    }
    // Another claim reserved one of our names in the same instant: its commit is visible now, try again.
    if (isPgError(e) && e.code === '23505' && e.constraint === 'team_file_names_pkey') return claimTeamSend(db, me, request);
    throw isAppError(e) ? e : unavailable(db.url, e);
  }
}

/** Reserves `names` for a send that already holds the claim; false when another send holds one of them. */
export async function reserveTeamNames(db: TeamDb, sendId: string, profile: string, uploadDir: string, names: ClaimedNames): Promise<boolean> {
  try {
    await db.transaction(async (c) => {
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
}
