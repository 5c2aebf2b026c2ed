import { rename, writeFile } from 'node:fs/promises';
import { formatClosedLoopLine } from '../csv-line';
import type { Database } from '../store/database';

/**
 * The suppression list: addresses that must not be mailed (unsubscribed, hard-bounced, or
 * imported by the operator). Sending validation looks every address up here.
 */
export class SuppressionList {
  constructor(private readonly db: Database) {}

  /** A lookup by lower-cased address for one validation run (loaded once, then in memory). */
  async lookup(): Promise<(email: string) => string | undefined> {
    const rows = await this.db.all<{ email: string; reason: string }>('SELECT email, reason FROM suppression');
    if (rows.length === 0) return () => undefined;
    const map = new Map(rows.map((r) => [r.email, r.reason]));
    return (email) => map.get(email.trim().toLowerCase());
  }

  /** Adds addresses (idempotent: an existing entry keeps its first reason). */
  async add(entries: readonly { email: string; reason: string; source: string }[]): Promise<number> {
    let added = 0;
    await this.db.transaction(async (tx) => {
      for (const e of entries) {
        const before = await tx.all<{ n: bigint }>('SELECT count(*) AS n FROM suppression WHERE email = $1', [e.email.trim().toLowerCase()]);
        if (Number(before[0].n) > 0) continue;
        await tx.run('INSERT INTO suppression VALUES ($1, $2, $3, now())', [e.email.trim().toLowerCase(), e.reason, e.source]);
        added++;
      }
    });
    return added;
  }
}

/** One entry as the operator sees it. */
export interface SuppressionRow {
  readonly email: string;
  readonly reason: string;
  readonly source: string;
  readonly addedAt: string;
}

/** Listing, removal and export of the suppression list. */
export class SuppressionAdmin extends SuppressionList {
  constructor(private readonly database: Database) {
    super(database);
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

  /** Removes one address; returns whether it was listed. */
  async remove(email: string): Promise<boolean> {
    const rows = await this.database.all<{ email: string }>('DELETE FROM suppression WHERE email = $1 RETURNING email', [email.trim().toLowerCase()]);
    return rows.length === 1;
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
