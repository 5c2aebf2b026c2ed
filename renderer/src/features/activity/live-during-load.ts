import type { ActivityEntry } from '../../../../shared/contract/activity';

/**
 * A list answer with the entries that arrived live while it was on its way. Such an entry may or
 * may not be in the answer (the host read its log before or after writing it), so each is added
 * once (by id), counted in the total only when the answer lacked it, and the page stays newest
 * first and `limit` long.
 */
export function withLiveEntries<P extends { readonly entries: readonly ActivityEntry[]; readonly total: number }>(page: P, live: readonly ActivityEntry[], limit: number): P {
  const known = new Set(page.entries.map((e) => e.id));
  const added = new Map<string, ActivityEntry>();
  for (const e of live) if (!known.has(e.id)) added.set(e.id, e);
  if (added.size === 0) return page;
  // Arrived oldest first; newest first like the page, so equal times keep their order.
  const entries = [...[...added.values()].reverse(), ...page.entries].sort((a, b) => b.at.localeCompare(a.at));
  return { ...page, entries: entries.slice(0, limit), total: page.total + added.size };
}
