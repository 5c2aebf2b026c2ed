import { isDeepStrictEqual } from 'node:util';
import type { ProfileDifference } from '../../../shared/contract/profiles';
import type { SharedSetup } from './shared-setup';

type Client = SharedSetup['clients'][number];

/** One value as the operator reads it in a comparison: lists of mailings, recipients and fields by what identifies them. */
function describe(part: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    const item = (x: unknown): string => {
      if (typeof x !== 'object' || x === null) return String(x);
      const o = x as Record<string, unknown>;
      if (part === 'mailings') return `${String(o.id)} ${String(o.name)}`;
      if (part === 'testRecipients') return String(o.email);
      if (part === 'fields' || part === 'productFields') return `${String(o.name)} ${String(o.type)}${o.length !== undefined ? `(${String(o.length)})` : ''}${o.required ? '*' : ''}`;
      return keyValues(o);
    };
    return value.map(item).join(', ');
  }
  if (typeof value === 'object') return keyValues(value as Record<string, unknown>);
  return String(value);
}

const keyValues = (o: Record<string, unknown>) =>
  Object.entries(o)
    .map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(' ');

/** Both sides as text; where the short form hides the difference (a mailing's notes), the full one. */
function sides(part: string, mine: unknown, team: unknown): { mine: string | null; team: string | null } {
  const m = describe(part, mine);
  const t = describe(part, team);
  if (m !== t) return { mine: m, team: t };
  return { mine: mine === undefined ? null : JSON.stringify(mine), team: team === undefined ? null : JSON.stringify(team) };
}

/**
 * The shared fields where `mine` and `team` differ, one entry per field, per connection option,
 * and per client setting (a client only on one side is one entry), in the form's order. Only
 * what a team shares is compared: the set-up never holds a secret (shared-setup.ts).
 */
export function setupDifferences(mine: SharedSetup, team: SharedSetup): ProfileDifference[] {
  const out: ProfileDifference[] = [];
  const scalar = (field: 'host' | 'port' | 'user' | 'authKind') => {
    if (mine[field] !== team[field]) out.push({ field, key: null, part: null, mine: String(mine[field]), team: String(team[field]) });
  };
  scalar('host');
  scalar('port');
  scalar('user');
  scalar('authKind');
  // Trusted keys are a set: the same keys in another order are no difference.
  if (!isDeepStrictEqual([...new Set(mine.trustedKeys)].sort(), [...new Set(team.trustedKeys)].sort())) {
    out.push({ field: 'trustedKeys', key: null, part: null, ...sides('trustedKeys', mine.trustedKeys, team.trustedKeys) });
  }
  const optionKeys = [...new Set([...Object.keys(mine.options), ...Object.keys(team.options)])] as (keyof SharedSetup['options'])[];
  for (const key of optionKeys) {
    if (!isDeepStrictEqual(mine.options[key], team.options[key])) out.push({ field: 'option', key, part: null, ...sides(key, mine.options[key], team.options[key]) });
  }
  const teamClients = new Map(team.clients.map((c) => [c.name, c]));
  const mineClients = new Map(mine.clients.map((c) => [c.name, c]));
  for (const c of mine.clients) {
    const other = teamClients.get(c.name);
    if (!other) out.push({ field: 'client', key: c.name, part: null, mine: c.name, team: null });
    else out.push(...clientDifferences(c, other));
  }
  for (const c of team.clients) {
    if (!mineClients.has(c.name)) out.push({ field: 'client', key: c.name, part: null, mine: null, team: c.name });
  }
  return out;
}

function clientDifferences(mine: Client, team: Client): ProfileDifference[] {
  const parts = [...new Set([...Object.keys(mine), ...Object.keys(team)])] as (keyof Client)[];
  return parts
    .filter((part) => !isDeepStrictEqual(mine[part], team[part]))
    .map((part) => ({ field: 'client' as const, key: mine.name, part, ...sides(part, mine[part], team[part]) }));
}
