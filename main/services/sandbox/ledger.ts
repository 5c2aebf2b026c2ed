import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SandboxLink, SandboxRates } from './config';
import { writeFileAtomic } from './config';
import type { SandboxProduct } from './validate-upload';

/**
 * One mailing copy the sandbox has "sent", with everything needed to regenerate its
 * responses. Inputs are snapshotted (links, rates, seed), so editing `sandbox.json`
 * later never rewrites history already exported.
 */
export interface LedgerEntry {
  readonly client: string;
  /** Upload name without `.csv`. */
  readonly stem: string;
  /** Taken upload, relative to the state dir; empty for a seeded demo mailing (see `audience`). */
  readonly takenFile: string;
  /**
   * A seeded demo-history mailing has no upload: its recipients are customers
   * `start … start+recipientCount-1` (modulo `size`) of a seeded customer base.
   */
  readonly audience?: { readonly start: number; readonly size: number };
  /** The copy was created but could not be started (source mailing deactivated): nothing is sent or exported. */
  readonly startFailed?: boolean;
  readonly seed: string;
  readonly mailingId: string;
  readonly sourceMailingId: string;
  readonly campaignId: string;
  readonly recipientListId: string;
  readonly links: readonly SandboxLink[];
  readonly products: readonly SandboxProduct[];
  readonly baseMs: number;
  /** Column positions in the taken file. */
  readonly emailIndex: number;
  readonly mailingIdIndex: number;
  readonly productIdIndexes: readonly number[];
  readonly encoding: 'utf-8' | 'iso-8859-1' | 'windows-1252';
  readonly recipientOffset: number;
  readonly recipientCount: number;
  readonly linkOffset: number;
  readonly linkCount: number;
  readonly rates: SandboxRates;
  /** The time scale the mailing was sent with (absent: 1, real time). */
  readonly timeScale?: number;
}

/** The sandbox's record of sent mailings, kept in its private state dir. */
export class Ledger {
  private constructor(
    private readonly file: string,
    private readonly list: LedgerEntry[],
  ) {}

  /** Loads `state/ledger.json` (empty when missing). */
  static async load(stateDir: string): Promise<Ledger> {
    const file = path.join(stateDir, 'ledger.json');
    const text = await readFile(file, 'utf8').catch(() => null);
    return new Ledger(file, text ? (JSON.parse(text) as { entries: LedgerEntry[] }).entries : []);
  }

  /** Every entry in the order it was sent. */
  entries(): readonly LedgerEntry[] {
    return this.list;
  }

  /** Where the next mailing's recipient and link IDs start in the sandbox-wide sequences. */
  nextOffsets(): { recipientOffset: number; linkOffset: number } {
    const last = this.list[this.list.length - 1];
    return last ? { recipientOffset: last.recipientOffset + last.recipientCount, linkOffset: last.linkOffset + last.linkCount } : { recipientOffset: 0, linkOffset: 0 };
  }

  /** Mailing IDs already handed out. */
  mailingIds(): Set<string> {
    return new Set(this.list.map((e) => e.mailingId));
  }

  /** Appends entries and persists atomically. */
  async add(entries: readonly LedgerEntry[]): Promise<void> {
    this.list.push(...entries);
    await writeFileAtomic(this.file, JSON.stringify({ version: 1, entries: this.list }) + '\n');
  }
}
