import type { ImplOf } from '../../../shared/contract';
import type { MailingUse, mailingsContract } from '../../../shared/contract/mailings';
import { AppError } from '../../../shared/contract/result';
import type { ProfilesService } from '../profiles/profiles-service';
import type { Database } from '../store/database';
import { ACTIVE_STATES } from '../sends/send-journal';

/**
 * Source mailings per client. They live in the profile's client setup; their use (the send
 * in flight, the last send) comes from the send journal.
 */
export function createMailingsService(deps: { db: Database; profiles: ProfilesService }): ImplOf<typeof mailingsContract> {
  const usage = async () => {
    const rows = await deps.db.all<{ profile: string; client: string; source_mailing_id: string; id: string; state: string; created_at: Date }>(
      'SELECT profile, client, source_mailing_id, id, state, created_at FROM sends ORDER BY created_at',
    );
    const key = (p: string, c: string, m: string) => `${p}\u0000${c}\u0000${m}`;
    const map = new Map<string, { inFlight: string | null; lastAt: Date | null; lastId: string | null }>();
    for (const r of rows) {
      const k = key(r.profile, r.client, r.source_mailing_id);
      const u = map.get(k) ?? { inFlight: null, lastAt: null, lastId: null };
      // A cancelled send never reached the server, so it did not use the mailing.
      if (r.state !== 'cancelled') {
        u.lastAt = r.created_at;
        u.lastId = r.id;
      }
      if ((ACTIVE_STATES as readonly string[]).includes(r.state)) u.inFlight = r.id;
      map.set(k, u);
    }
    return (p: string, c: string, m: string) => map.get(key(p, c, m));
  };
  const view = (profile: string, client: string, m: { id: string; name: string; notes: string; retired: boolean }, use: Awaited<ReturnType<typeof usage>>): MailingUse => {
    const u = use(profile, client, m.id);
    return { profile, client, id: m.id, name: m.name, notes: m.notes, retired: m.retired, inFlightSendId: u?.inFlight ?? null, lastUsedAt: u?.lastAt?.toISOString() ?? null, lastSendId: u?.lastId ?? null };
  };
  const clientOf = (profile: string, client: string) => {
    const stored = deps.profiles.stored(profile);
    const c = stored.clients.find((x) => x.name === client);
    if (!c) throw new AppError('NOT_FOUND', 'error.sends.noClient', { profile, client });
    return c;
  };

  return {
    async list({ profile }) {
      const use = await usage();
      const profiles = (await deps.profiles.list({})).filter((p) => !profile || p.name === profile);
      return profiles.flatMap((p) =>
        p.clients.flatMap((c) => (c.mailings ?? []).map((m) => view(p.name, c.name, { id: m.id, name: m.name, notes: m.notes ?? '', retired: m.retired ?? false }, use))),
      );
    },
    async save({ profile, client, mailing }) {
      clientOf(profile, client);
      await deps.profiles.updateClient(profile, client, (c) => {
        const existing = c.mailings.find((m) => m.id === mailing.id);
        return {
          ...c,
          mailings: existing ? c.mailings.map((m) => (m.id === mailing.id ? { ...m, name: mailing.name, notes: mailing.notes } : m)) : [...c.mailings, { ...mailing, retired: false }],
        };
      });
      const saved = clientOf(profile, client).mailings.find((m) => m.id === mailing.id)!;
      return view(profile, client, saved, await usage());
    },
    async retire({ profile, client, id, retired }) {
      const c = clientOf(profile, client);
      if (!c.mailings.some((m) => m.id === id)) throw new AppError('NOT_FOUND', 'error.sends.noSourceMailing', { client, id }, { profile, client, sourceMailingId: id });
      const use = await usage();
      if (retired && use(profile, client, id)?.inFlight) {
        throw new AppError('CONFLICT', 'error.sends.retireInFlight', { id });
      }
      await deps.profiles.updateClient(profile, client, (x) => ({ ...x, mailings: x.mailings.map((m) => (m.id === id ? { ...m, retired } : m)) }));
      return view(profile, client, clientOf(profile, client).mailings.find((m) => m.id === id)!, use);
    },
  };
}
