import { rename, writeFile } from 'node:fs/promises';
import { formatClosedLoopLine } from '../csv-line';
import type { Database } from '../store/database';

/** An address to suppress, and when that became known (default: now). */
export interface SuppressionEntry {
  readonly email: string;
  readonly reason: string;
  readonly source: string;
  /**
   * When it happened (an unsubscribe's time). An address an operator removed later than this is
   * not brought back; a newer unsubscribe suppresses it again.
   */
  readonly at?: Date;
  /**
   * True when `at` was read off this workstation's clock (an unsubscribe whose time stamp lay
   * ahead of when its file was pulled counts from the pull): team mode then puts it on the team
   * database's time like an operator's change.
   */
  readonly atIsLocal?: boolean;
}

/** Milliseconds are what JavaScript dates hold: every change time is kept at that precision, so it compares equal after a round trip. */
const MS = (column: string) => `date_trunc('millisecond', ${column})`;

/** DuckDB types of the columns that batches carry. */
const COLUMN_TYPES: Record<string, string> = {
  email: 'VARCHAR',
  removed: 'BOOLEAN',
  reason: 'VARCHAR',
  source: 'VARCHAR',
  changed_at: 'TIMESTAMPTZ',
  happened_at: 'TIMESTAMPTZ',
  by_name: 'VARCHAR',
  workstation_clock: 'BOOLEAN',
  undated: 'BOOLEAN',
};

/**
 * A SELECT of the rows in parameter $1, a JSON array of objects with these columns: one
 * parameter for a whole batch (10,000 addresses bind in a fraction of the time of a list per column).
 */
export const FROM_JSON_ROWS = (...columns: readonly string[]): string =>
  `SELECT unnest(from_json($1, '[{${columns.map((c) => `"${c}":"${COLUMN_TYPES[c]}"`).join(',')}}]'), recursive := true)`;

/**
 * The suppression list: addresses that must not be mailed (unsubscribed, hard-bounced, or
 * imported by the operator). Sending validation looks every address up here. Removals leave a
 * tombstone (`suppression_removed`), and every change also goes to `suppression_outbox`, which
 * team mode pushes to the shared list (suppression-sync.ts); alone, it is just kept.
 */
export class SuppressionList {
  /**
   * @param now This workstation's clock (epoch ms), which stamps imports and removals; such
   *   changes are marked `workstation_clock` in the outbox, so team mode can put them on the team
   *   database's time (team-suppression.ts). Tests skew it.
   */
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  /** A lookup by lower-cased address for one validation run (loaded once, then in memory). */
  async lookup(): Promise<(email: string) => string | undefined> {
    const rows = await this.db.all<{ email: string; reason: string }>('SELECT email, reason FROM suppression');
    if (rows.length === 0) return () => undefined;
    const map = new Map(rows.map((r) => [r.email, r.reason]));
    return (email) => map.get(email.trim().toLowerCase());
  }

  /**
   * Adds addresses in one set-based statement per step (idempotent: an existing entry keeps its
   * first reason; an address removed at or after its `at` stays removed). An entry without `at`
   * (an operator's import) is newer than any removal known here, whatever the times say: a
   * removal pulled from the team is on the team database's time, which this workstation's clock
   * may be behind. Returns how many were added.
   */
  async add(entries: readonly SuppressionEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const now = new Date(this.now());
    const unique = [...new Map(entries.map((e) => [e.email.trim().toLowerCase(), e])).entries()];
    // An entry's own time (`at`) comes from the mailing server's files, or from this workstation's
    // clock when the caller says so (`atIsLocal`); without one it is this workstation's clock now.
    const rows = JSON.stringify(
      unique.map(([email, e]) => ({ email, reason: e.reason, source: e.source, happened_at: (e.at ?? now).toISOString(), workstation_clock: e.at === undefined || e.atIsLocal === true, undated: e.at === undefined })),
    );
    return this.db.transaction(async (tx) => {
      await tx.run(
        `CREATE OR REPLACE TEMP TABLE suppression_incoming AS
         SELECT * FROM (${FROM_JSON_ROWS('email', 'reason', 'source', 'happened_at', 'workstation_clock', 'undated')}) i
         WHERE NOT EXISTS (SELECT 1 FROM suppression s WHERE s.email = i.email)
           AND (i.undated OR NOT EXISTS (SELECT 1 FROM suppression_removed r WHERE r.email = i.email AND r.removed_at >= i.happened_at))`,
        [rows],
      );
      await tx.run('INSERT INTO suppression SELECT email, reason, source, now() FROM suppression_incoming');
      await tx.run('DELETE FROM suppression_removed WHERE email IN (SELECT email FROM suppression_incoming)');
      await tx.run(`INSERT OR REPLACE INTO suppression_outbox SELECT email, false, reason, source, ${MS('happened_at')}, workstation_clock FROM suppression_incoming`);
      const added = Number((await tx.all<{ n: bigint }>('SELECT count(*) AS n FROM suppression_incoming'))[0].n);
      await tx.run('DROP TABLE suppression_incoming');
      return added;
    });
  }

  /** Removes one address, leaving a tombstone with the reason; returns whether it was listed. */
  async remove(email: string, reason = ''): Promise<boolean> {
    const key = email.trim().toLowerCase();
    const at = new Date(this.now()).toISOString();
    return this.db.transaction(async (tx) => {
      const rows = await tx.all<{ email: string }>('DELETE FROM suppression WHERE email = $1 RETURNING email', [key]);
      if (rows.length === 0) return false;
      await tx.run(`INSERT OR REPLACE INTO suppression_removed VALUES ($1, $2, CAST($3 AS TIMESTAMPTZ), '')`, [key, reason, at]);
      await tx.run(`INSERT OR REPLACE INTO suppression_outbox VALUES ($1, true, $2, '', CAST($3 AS TIMESTAMPTZ), true)`, [key, reason, at]);
      return true;
    });
  }
}

/** One entry as the operator sees it. */
export interface SuppressionRow {
  readonly email: string;
  readonly reason: string;
  readonly source: string;
  readonly addedAt: string;
}

/** Listing and export of the suppression list (removal is the list's own). */
export class SuppressionAdmin extends SuppressionList {
  constructor(
    private readonly database: Database,
    now?: () => number,
  ) {
    super(database, now);
  }

  /** Entries, newest first, optionally filtered by a part of the address. */
  async list(args: { search?: string; offset: number; limit: number }): Promise<{ entries: SuppressionRow[]; total: number }> {
    const where = args.search ? 'WHERE email ILIKE $1' : '';
    const params = args.search ? [`%${args.search}%`] : [];
    const total = await this.database.all<{ n: bigint }>(`SELECT count(*) AS n FROM suppression ${where}`, params);
    const rows = await this.database.all<{ email: string; reason: string; source: string; added_at: Date }>(
      `SELECT * FROM suppression ${where} ORDER BY added_at DESC, email LIMIT ${args.limit} OFFSET ${args.offset}`,
      params,
    );
    return { entries: rows.map((r) => ({ email: r.email, reason: r.reason, source: r.source, addedAt: r.added_at.toISOString() })), total: Number(total[0].n) };
  }

  /** Writes the whole list as CSV (UTF-8 with BOM for Excel, `;`). */
  async exportCsv(path: string): Promise<number> {
    const rows = await this.database.all<{ email: string; reason: string; source: string; added_at: Date }>('SELECT * FROM suppression ORDER BY email');
    const text = rows.map((r) => formatClosedLoopLine([r.email, r.reason, r.source, r.added_at.toISOString()])).join('');
    await writeFile(`${path}.tmp`, `\uFEFFemail;reason;source;added_at\n${text}`);
    await rename(`${path}.tmp`, path);
    return rows.length;
  }
}
