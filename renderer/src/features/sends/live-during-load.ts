import type { Send } from '../../../../shared/contract/sends';

/** Whether `a` is a later word on a send than `b` (changed later, or the same change with more steps). */
function later(a: Send, b: Send): boolean {
  const byTime = a.updatedAt.localeCompare(b.updatedAt);
  return byTime > 0 || (byTime === 0 && a.timeline.length > b.timeline.length);
}

/**
 * A list answer with the sends that changed live while it was on its way. The host may have read
 * a send before or after such a change, so each send is kept once (by id), as the later of the
 * two: a send the answer lacks is added, an older copy in it is replaced.
 */
export function withLiveSends(list: readonly Send[], live: readonly Send[]): Send[] {
  const byId = new Map(list.map((s) => [s.id, s]));
  for (const s of live) {
    const known = byId.get(s.id);
    if (!known || later(s, known)) byId.set(s.id, s);
  }
  return [...byId.values()];
}
