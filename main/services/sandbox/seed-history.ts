/** Seeds a new sandbox root with a history of past mailings (see `SandboxOptions.history`). */
import type { SandboxConfig } from './config';
import { planHistory } from './history';
import type { Ledger, LedgerEntry } from './ledger';

/** Plans `days` of past mailings for every client and adds them to the ledger; answers how many. */
export async function seedHistory(input: { readonly ledger: Ledger; readonly config: SandboxConfig; readonly seed: string; readonly now: () => number; readonly days: number }): Promise<number> {
  const { ledger, config, seed, now, days } = input;
  const usedIds = ledger.mailingIds();
  for (const cl of config.clients) for (const m of cl.mailings) usedIds.add(m.id);
  const entries: LedgerEntry[] = [];
  let offsets = ledger.nextOffsets();
  for (const c of config.clients) {
    const planned = planHistory({ seed, client: c, rates: config.rates, now: now(), days, usedIds, ...offsets });
    entries.push(...planned);
    const last = planned.at(-1);
    if (last) offsets = { recipientOffset: last.recipientOffset + last.recipientCount, linkOffset: last.linkOffset + last.linkCount };
  }
  await ledger.add(entries);
  return entries.length;
}
