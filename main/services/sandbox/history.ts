import type { SandboxClient, SandboxRates } from './config';
import type { LedgerEntry } from './ledger';
import { createRng, hashId11 } from './prng';

const DAY_MS = 24 * 3600 * 1000;
/** Customers in the seeded demo base; each history mailing goes to a slice of them, so people recur across mailings. */
export const HISTORY_CUSTOMERS = 12_000;

const FIRST = ['anna', 'ben', 'clara', 'david', 'emma', 'felix', 'greta', 'hannah', 'jonas', 'lena', 'lukas', 'maria', 'noah', 'paul', 'sophie', 'tim'];
const LAST = ['schmidt', 'mueller', 'weber', 'fischer', 'wagner', 'becker', 'hofmann', 'koch', 'richter', 'klein', 'wolf', 'neumann', 'braun', 'krause'];
const DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.com'];

/** The e-mail address of customer `n` of the seeded demo base (stable, unique per `n`). */
export function customerEmail(n: number): string {
  return `${FIRST[n % FIRST.length]}.${LAST[Math.floor(n / FIRST.length) % LAST.length]}.${n}@${DOMAINS[n % DOMAINS.length]}`;
}

/**
 * When each source mailing went out in the demo history: the weekly newsletter on Tuesdays,
 * new arrivals on Thursdays, the cart reminder on Saturdays; volumes differ per kind.
 */
const CADENCE: readonly { readonly weekdays: readonly number[]; readonly hour: number; readonly min: number; readonly max: number }[] = [
  { weekdays: [2], hour: 9, min: 2500, max: 4500 },
  { weekdays: [4], hour: 14, min: 1500, max: 3000 },
  { weekdays: [6], hour: 11, min: 1000, max: 2000 },
];

/** What {@link planHistory} needs. */
export interface HistoryInput {
  readonly seed: string;
  readonly client: SandboxClient;
  readonly rates: SandboxRates;
  /** The server's clock now (naive ms). */
  readonly now: number;
  readonly days: number;
  /** Mailing IDs already taken (source mailings, earlier copies). */
  readonly usedIds: Set<string>;
  readonly recipientOffset: number;
  readonly linkOffset: number;
}

/**
 * Ledger entries of a seeded demo history: past mailings of the client's usable source
 * mailings over `days` days before today, as if they had been uploaded and sent then.
 *
 * Only the plan is stored (no upload files): recipients come from the seeded customer base
 * and every response is generated on demand like any other mailing's, so seeding costs a few
 * milliseconds and a few kilobytes.
 */
export function planHistory(input: HistoryInput): LedgerEntry[] {
  const rng = createRng(input.seed, 'history', input.client.name);
  const sources = input.client.mailings.filter((m) => !m.activated && !m.deactivated);
  const emailIndex = input.client.fields.findIndex((f) => f.name === input.client.emailField);
  const mailingIdIndex = input.client.fields.findIndex((f) => f.name === input.client.mailingIdField);
  const today = Math.floor(input.now / DAY_MS) * DAY_MS;
  const entries: LedgerEntry[] = [];
  let { recipientOffset, linkOffset } = input;
  for (let back = input.days; back >= 1; back--) {
    const day = today - back * DAY_MS;
    const weekday = new Date(day).getUTCDay();
    CADENCE.forEach((cadence, k) => {
      const source = sources[k % Math.max(1, sources.length)];
      if (!source || !cadence.weekdays.includes(weekday)) return;
      const baseMs = day + cadence.hour * 3600_000 + rng.int(0, 59) * 60_000 + rng.int(0, 59) * 1000;
      const stamp = new Date(baseMs).toISOString().replace(/\D/g, '').slice(0, 14);
      const stem = `${stamp}_subscribers`;
      let mailingId = '';
      for (let attempt = 0; !mailingId || input.usedIds.has(mailingId); attempt++) mailingId = hashId11(input.seed, 'mailing', input.client.name, stem, source.id, attempt);
      input.usedIds.add(mailingId);
      const recipientCount = rng.int(cadence.min, cadence.max);
      entries.push({
        client: input.client.name,
        stem,
        takenFile: '',
        audience: { start: rng.int(0, HISTORY_CUSTOMERS - 1), size: HISTORY_CUSTOMERS },
        seed: input.seed,
        mailingId,
        sourceMailingId: source.id,
        campaignId: source.campaignId,
        recipientListId: input.client.recipientListId,
        links: source.links,
        products: [],
        baseMs,
        emailIndex,
        mailingIdIndex,
        productIdIndexes: [],
        encoding: input.client.encoding,
        recipientOffset,
        recipientCount,
        linkOffset,
        linkCount: source.links.length,
        rates: input.rates,
      });
      recipientOffset += recipientCount;
      linkOffset += source.links.length;
    });
  }
  return entries;
}

/** The recipients of a seeded history mailing. */
export function audienceOf(entry: LedgerEntry): { email: string; productIds: string[] }[] {
  const a = entry.audience!;
  return Array.from({ length: entry.recipientCount }, (_, k) => ({ email: customerEmail((a.start + k) % a.size), productIds: [] }));
}
