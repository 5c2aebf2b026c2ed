import { isKnownTimeZone, serverTimeToInstant } from '../../../shared/zoned-time';
import { clientTimeZone } from '../profiles/client-time-zone';
import type { ProfilesService } from '../profiles/profiles-service';
import type { SendJournal } from '../sends/send-journal';
import type { Database } from '../store/database';
import { formatTimestamp } from './grid-query';
import type { ResponsesImpl } from './responses-service';

/** What tying response mailings to sends needs. */
export interface ResponseMailingsDeps {
  readonly db: Database;
  readonly profiles: ProfilesService;
  readonly journal: SendJournal;
}

/** Lists the mailings in the response data, each tied to the send that created it where known. */
export type ListResponseMailings = () => ReturnType<ResponsesImpl['mailings']>;

/**
 * Response mailings with the send that created each: by the mailing ID in the send's log,
 * else by source mailing and time. The grids show the list; soft-bounce drafts find their send.
 */
export function createResponseMailings(deps: ResponseMailingsDeps): ListResponseMailings {
  return async () => {
    const rows = await deps.db.all<{ id: bigint; group_id: bigint | null; started: Date | null; finished: Date | null; profile: string | null; client: string | null }>(
      `SELECT m.id, any_value(m.mailing_group_id) AS group_id, min(m.started) AS started, max(m.finished) AS finished, any_value(f.profile) AS profile, any_value(f.client) AS client
       FROM mailings m LEFT JOIN response_files f ON f.id = m.source_file GROUP BY m.id ORDER BY min(m.started) DESC NULLS LAST`,
    );
    const sends = await deps.journal.list({ limit: 100000 });
    const zones = new Map<string, string>();
    /** The instant of a server time (a DuckDB TIMESTAMP holding the server's wall clock) in its client's zone. */
    const serverInstant = (wall: Date, profile: string | null, client: string | null): Date | undefined => {
      const key = `${profile}\u0000${client}`;
      if (!zones.has(key)) zones.set(key, clientTimeZone(deps.profiles, profile, client));
      const zone = zones.get(key)!;
      return isKnownTimeZone(zone) ? serverTimeToInstant(formatTimestamp(wall), zone) : undefined;
    };
    return rows.map((m) => {
      const id = String(m.id);
      const group = m.group_id === null ? null : String(m.group_id);
      let send = sends.find((s) => s.mailingId === id);
      let link: 'log' | 'time' | 'none' = send ? 'log' : 'none';
      // The server's start time has no zone: it is the client's wall clock (interpretation.md, "Server times").
      const startedAt = m.started ? serverInstant(m.started, m.profile, m.client) : undefined;
      if (!send && group && startedAt) {
        // The latest send on that source mailing created before the mailing started.
        send = sends
          .filter((s) => s.sourceMailingId === group && s.createdAt.getTime() <= startedAt.getTime() + 60_000)
          .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
        if (send) link = 'time';
      }
      // The server's clock, without a time zone: shown as written, like the grids.
      const iso = (d: Date | null) => (d ? formatTimestamp(d) : null);
      return {
        mailingId: id,
        sourceMailingId: group,
        started: iso(m.started),
        finished: iso(m.finished),
        sendId: send?.id ?? null,
        inputFile: send?.inputFile ?? null,
        waveId: send?.waveId ?? null,
        test: send ? send.test : null,
        link,
      };
    });
  };
}
