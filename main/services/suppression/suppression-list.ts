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
