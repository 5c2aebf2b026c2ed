import { AppError } from '../../../shared/contract/result';
import type { Database } from '../store/database';
import { formatTimestamp } from './grid-query';

/** Why a recipient should not be mailed again. */
export type SuppressionReason = 'unsubscribe' | 'hard_bounce';

/** One recipient the sending side should leave out. */
export interface SuppressionCandidate {
  readonly userId: string;
  readonly reason: SuppressionReason;
  /** First time it happened, `YYYY-MM-DD HH:MM:SS`. */
  readonly since: string | null;
  /** The mailing it happened on first. */
  readonly mailingId: string | null;
  /**
   * When it last happened, as this workstation knows it: the event's time, or when its file was
   * pulled if that is earlier (a time stamp from the future). An operator's removal after this
   * time stands; a newer event suppresses the address again.
   */
  readonly lastAt: Date | null;
  /** True when `lastAt` is when the file was pulled (this workstation's clock), not the event's own time. */
  readonly lastAtIsPull: boolean;
}

/** One soft-bounced recipient of a mailing (a candidate for a manual resend). */
export interface SoftBouncedRecipient {
  readonly userId: string;
  readonly mailingToUserId: string | null;
  /** `bounce` or `temporary_bounce`. */
  readonly category: string;
  readonly bouncedAt: string | null;
}

// Addresses compare case-insensitively: the same mailbox under two spellings is one person.
const KEY = 'lower(trim(user_id))';

const HARD_BOUNCES = `
  SELECT user_id, mailing_id, created, source_file FROM responses WHERE category = 'fatal_bounce'
  UNION ALL SELECT user_id, mailing_id, created, source_file FROM mailing_recipients WHERE response_category = 'fatal_bounce'`;

/**
 * Unsubscribed and hard-bounced recipients (one row per address and reason, earliest
 * occurrence). The sending side filters recipient files against this list.
 */
export async function suppressionCandidates(db: Database): Promise<SuppressionCandidate[]> {
  const rows = await db.all<{ user_id: string; reason: SuppressionReason; since: Date | null; mailing_id: bigint | null; last_at: Date | null; last_at_is_pull: boolean | null }>(
    `SELECT any_value(user_id) AS user_id, reason, min(created) AS since, arg_min(mailing_id, created) AS mailing_id,
       max(least(CAST(created AS TIMESTAMPTZ), f.ingested_at)) AS last_at,
       arg_max(CAST(created AS TIMESTAMPTZ) > f.ingested_at, least(CAST(created AS TIMESTAMPTZ), f.ingested_at)) AS last_at_is_pull FROM (
       SELECT user_id, 'unsubscribe' AS reason, created, mailing_id, source_file FROM unsubscribes
       UNION ALL SELECT user_id, 'hard_bounce', created, mailing_id, source_file FROM (${HARD_BOUNCES})
     ) e LEFT JOIN response_files f ON f.id = e.source_file
     WHERE user_id IS NOT NULL AND trim(user_id) <> ''
     GROUP BY ${KEY}, reason ORDER BY ${KEY}, reason`,
  );
  return rows.map((r) => ({
    userId: r.user_id,
    reason: r.reason,
    since: r.since ? formatTimestamp(r.since) : null,
    mailingId: r.mailing_id === null ? null : String(r.mailing_id),
    lastAt: r.last_at,
    lastAtIsPull: r.last_at_is_pull === true,
  }));
}

/**
 * Soft-bounced recipients of one mailing, minus anyone who unsubscribed or hard-bounced.
 * Deliberately stricter than "since the bounce": an unsubscribe or hard bounce at ANY
 * time excludes the address, because resending to it would be wrong either way.
 */
export async function softBouncedRecipients(db: Database, args: { readonly mailingId: string }): Promise<SoftBouncedRecipient[]> {
  if (!/^-?\d{1,19}$/.test(args.mailingId)) throw new AppError('INVALID_INPUT', 'error.responses.mailingIdNotNumber', { id: args.mailingId });
  const rows = await db.all<{ user_id: string; mailing_to_user_id: bigint | null; category: string; bounced_at: Date | null }>(
    `WITH soft AS (
       SELECT user_id, mailing_to_user_id, category, created FROM responses
         WHERE mailing_id = CAST($1 AS BIGINT) AND category IN ('bounce', 'temporary_bounce')
       UNION ALL SELECT user_id, mailing_to_user_id, response_category, created FROM mailing_recipients
         WHERE mailing_id = CAST($1 AS BIGINT) AND response_category IN ('bounce', 'temporary_bounce')
     ),
     excluded AS (
       SELECT ${KEY} AS k FROM unsubscribes UNION SELECT ${KEY} FROM (${HARD_BOUNCES})
     )
     SELECT any_value(user_id) AS user_id, any_value(mailing_to_user_id) AS mailing_to_user_id, arg_min(category, created) AS category, min(created) AS bounced_at
     FROM soft WHERE user_id IS NOT NULL AND ${KEY} NOT IN (SELECT k FROM excluded WHERE k IS NOT NULL)
     GROUP BY ${KEY} ORDER BY ${KEY}`,
    [args.mailingId],
  );
  return rows.map((r) => ({
    userId: r.user_id,
    mailingToUserId: r.mailing_to_user_id === null ? null : String(r.mailing_to_user_id),
    category: r.category,
    bouncedAt: r.bounced_at ? formatTimestamp(r.bounced_at) : null,
  }));
}
