/**
 * The simulated rows of each mailing (recipients, sends, opens, clicks, bounces), regenerated
 * from the ledger and the taken upload when needed and kept in memory within a bound.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../shared/contract/result';
import type { SandboxClient } from './config';
import { parseRecord, splitRecords } from './csv';
import { audienceOf } from './history';
import type { Ledger, LedgerEntry } from './ledger';
import { generateMailing, type GeneratedMailing } from './outcomes';
import { decodeStrict } from './validate-upload';

const DAY_MS = 24 * 3600 * 1000;
/** Recipients whose generated rows stay in memory between exports. */
const CACHE_RECIPIENTS = 250_000;

/** The generated rows of the ledger's mailings, cached (oldest dropped first; they can be replayed). */
export class GeneratedMailings {
  private readonly cache = new Map<string, GeneratedMailing>();
  private cachedRecipients = 0;

  constructor(
    private readonly stateDir: string,
    private readonly ledger: Ledger,
    private readonly retentionDays: number,
    /** True once the sandbox is stopping: a long {@link exportable} gives way. */
    private readonly isStopping: () => boolean,
  ) {}

  /** Regenerates (or recalls) a mailing's rows from its taken upload. */
  async generated(e: LedgerEntry): Promise<GeneratedMailing> {
    const hit = this.cache.get(e.mailingId);
    if (hit) return hit;
    const recipients = e.audience ? audienceOf(e) : await this.takenRecipients(e);
    const g = generateMailing({
      seed: e.seed,
      mailingId: e.mailingId,
      sourceMailingId: e.sourceMailingId,
      campaignId: e.campaignId,
      recipientListId: e.recipientListId,
      links: e.links,
      products: e.products,
      baseMs: e.baseMs,
      recipients,
      rates: e.rates,
      recipientOffset: e.recipientOffset,
      linkOffset: e.linkOffset,
      timeScale: e.timeScale,
    });
    this.cache.set(e.mailingId, g);
    this.cachedRecipients += e.recipientCount;
    // Keep memory bounded for big demo uploads: drop the oldest generations, they can be replayed.
    for (const [id, old] of this.cache) {
      if (this.cachedRecipients <= CACHE_RECIPIENTS || id === e.mailingId) break;
      this.cache.delete(id);
      this.cachedRecipients -= old.recipients.length;
    }
    return g;
  }

  /** The recipients of an uploaded mailing, read back from its taken upload. */
  private async takenRecipients(e: LedgerEntry): Promise<{ email: string; productIds: string[] }[]> {
    const decoded = decodeStrict(await readFile(path.join(this.stateDir, e.takenFile)), e.encoding);
    if ('badLine' in decoded) throw new AppError('INTERNAL', 'error.sandbox.uploadDamaged', { file: e.takenFile });
    const text = decoded.text.charCodeAt(0) === 0xfeff ? decoded.text.slice(1) : decoded.text;
    const recipients: { email: string; productIds: string[] }[] = [];
    for (const rec of splitRecords(text)) {
      const v = parseRecord(rec.raw, ';').fields;
      if (v[e.mailingIdIndex] !== e.sourceMailingId) continue;
      recipients.push({ email: v[e.emailIndex], productIds: e.productIdIndexes.map((i) => v[i]).filter((p) => p !== '') });
    }
    return recipients;
  }

  /**
   * The mailings of a client whose rows an export at `now` can hold: a mailing's events reach at
   * most one retention period past its start, and a day's file is kept while it holds data of a
   * mailing started within the retention, so mailings older than two periods cannot matter.
   */
  async exportable(c: SandboxClient, now: number, all = false): Promise<GeneratedMailing[]> {
    const oldest = now - (2 * this.retentionDays + 1) * DAY_MS;
    const mailings: GeneratedMailing[] = [];
    for (const e of this.ledger.entries()) {
      if (e.client !== c.name || e.startFailed || (!all && e.baseMs < oldest)) continue;
      // A long export (a seeded history) gives way to stop(), so closing the app never waits for it.
      if (this.isStopping()) throw new AppError('CONFLICT', 'error.sandbox.stopping');
      const cached = this.cache.has(e.mailingId);
      mailings.push(await this.generated(e));
      // Generating a big mailing takes tens of milliseconds: let the host's other work run in between.
      if (!cached) await new Promise((resolve) => setImmediate(resolve));
    }
    return mailings;
  }
}
