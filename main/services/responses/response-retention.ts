import type { Database } from '../store/database';
import { bumpGridDataVersion } from './grid-query';
import { RESPONSE_KINDS } from './response-kinds';

/** How many rows each retention call removed, per table. */
export type RetentionResult = Readonly<Record<string, number>>;

/**
 * Deletes response rows older than `before` (retention is explicit: by default Loopdesk
 * keeps everything). Links have no time of their own and go with their mailing.
 * The ledger stays, so a file still on the server is not ingested again.
 */
export async function deleteOlderThan(db: Database, before: Date): Promise<RetentionResult> {
  const cutoff = naiveTimestamp(before);
  const result = await db.transaction(async (tx) => {
    const counts: Record<string, number> = {};
    const goneMailings = `SELECT id FROM mailings WHERE started < $1::TIMESTAMP`;
    counts.links = Number((await tx.all<{ Count: bigint }>(`DELETE FROM links WHERE mailing_id IN (${goneMailings})`, [cutoff]))[0]?.Count ?? 0);
    for (const kind of Object.values(RESPONSE_KINDS)) {
      if (!kind.timeColumn) continue;
      const res = await tx.all<{ Count: bigint }>(`DELETE FROM ${kind.table} WHERE ${kind.timeColumn} < $1::TIMESTAMP`, [cutoff]);
      counts[kind.table] = Number(res[0]?.Count ?? 0);
    }
    return counts;
  });
  bumpGridDataVersion(db);
  return result;
}

/** `YYYY-MM-DD HH:MM:SS` of a Date read as local wall time (response times are naive). */
export function naiveTimestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
