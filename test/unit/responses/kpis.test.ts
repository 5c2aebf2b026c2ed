import { describe, expect, it } from 'vitest';
import { KPI_DEFINITIONS, activityTimeline, clicksPerLink, clientStats, kpisForMailings, mailingKpis } from '../../../main/services/responses/kpis';
import { softBouncedRecipients, suppressionCandidates } from '../../../main/services/responses/suppression';
import { rawRows, useFixtureDb } from './helpers';

const M1 = '51106527229';
const M2 = '51106527230';

const store = useFixtureDb('loopdesk-kpis-');

/** The KPI sentences of KPI_DEFINITIONS, recomputed from the raw files with papaparse. */
function expectedKpis(ids: readonly string[]) {
  const inSet = (r: Record<string, string>) => ids.includes(r.mailingId ?? '');
  const recipients = rawRows('mailingrecipients').filter(inSet);
  const responses = rawRows('responses').filter(inSet);
  const opens = rawRows('opens').filter(inSet);
  const clicks = rawRows('clicks').filter(inSet);
  const unsubs = rawRows('unsubscribes').filter(inSet);
  const sent = new Set(recipients.filter((r) => r.sendingStatus === 'sent').map((r) => r.id)).size;
  const categories = new Map<string, Set<string>>();
  for (const [mtu, cat] of [...responses.map((r) => [r.mailingToUserId!, r.category!]), ...recipients.map((r) => [r.id!, r['response.category']!])]) {
    if (!['bounce', 'temporary_bounce', 'fatal_bounce'].includes(cat!)) continue;
    categories.set(mtu!, (categories.get(mtu!) ?? new Set()).add(cat!));
  }
  const hard = [...categories.values()].filter((c) => c.has('fatal_bounce')).length;
  const soft = categories.size - hard;
  const delivered = sent - hard - soft;
  const uniqueOpens = new Set(opens.map((r) => r.mailingToUserId)).size;
  const uniqueClickers = new Set(clicks.map((r) => r.mailingToUserId)).size;
  const unsubscribes = new Set(unsubs.map((r) => r.mailingToUserId)).size;
  return {
    sent,
    hardBounces: hard,
    softBounces: soft,
    bounces: hard + soft,
    delivered,
    bounceRate: (hard + soft) / sent,
    totalOpens: opens.length,
    uniqueOpens,
    openRate: uniqueOpens / delivered,
    totalClicks: clicks.length,
    uniqueClicks: new Set(clicks.map((r) => `${r.mailingToUserId}|${r.linkId}`)).size,
    uniqueClickers,
    clickRate: uniqueClickers / delivered,
    clickToOpenRate: uniqueClickers / uniqueOpens,
    unsubscribes,
    unsubscribeRate: unsubscribes / delivered,
  };
}

describe('KPIs', () => {
  it('match counts computed independently from the raw files, per mailing and per set', async () => {
    for (const ids of [[M1], [M2], [M1, M2]]) {
      const kpis = await kpisForMailings(store.db, { mailingIds: ids });
      const expected = expectedKpis(ids);
      for (const [key, value] of Object.entries(expected)) expect(kpis.values[key as keyof typeof expected], `${ids} ${key}`).toBeCloseTo(value, 12);
    }
    // Sanity on the fixture itself, so the comparison above is not vacuous.
    expect((await mailingKpis(store.db, { mailingId: M1 })).values).toMatchObject({ sent: 6, hardBounces: 1, softBounces: 2, delivered: 3, totalClicks: 5, uniqueClickers: 3 });
  });

  it('publishes a formula for every KPI value', async () => {
    const kpis = await mailingKpis(store.db, { mailingId: M1 });
    expect(KPI_DEFINITIONS.map((d) => d.key).sort()).toEqual(Object.keys(kpis.values).sort());
    expect(KPI_DEFINITIONS.every((d) => d.formula.length > 5)).toBe(true);
  });

  it('counts bounces by category, a recipient once per category', async () => {
    const kpis = await kpisForMailings(store.db, { mailingIds: [M1, M2] });
    expect(kpis.bouncesByCategory).toEqual([
      { category: 'bounce', recipients: 2 },
      { category: 'fatal_bounce', recipients: 2 },
      { category: 'temporary_bounce', recipients: 1 },
    ]);
  });

  it('gives clicks per link with names, hourly activity and client stats', async () => {
    const links = await clicksPerLink(store.db, { mailingIds: [M1] });
    expect(links).toEqual([
      { linkId: '44018617936', name: 'Impressum', url: 'http://www.example.com/impressum', total: 3, unique: 2 },
      { linkId: '44018617937', name: '=HYPERLINK("http://evil.example/x";"click me")', url: 'http://www.example.com/a;b?x="y"', total: 2, unique: 2 },
    ]);
    // A link nobody clicked yet is listed too, with 0 (as the links view of Browse shows it).
    await store.db.run(`INSERT INTO links VALUES (44018617999, ${M1}, NULL, NULL, 'Never clicked', 'http://www.example.com/quiet', 0)`);
    try {
      expect((await clicksPerLink(store.db, { mailingIds: [M1] })).at(-1)).toEqual({ linkId: '44018617999', name: 'Never clicked', url: 'http://www.example.com/quiet', total: 0, unique: 0 });
    } finally {
      await store.db.run('DELETE FROM links WHERE id = 44018617999');
    }
    expect(await activityTimeline(store.db, { mailingIds: [M1] })).toEqual([
      { hour: '2021-01-01 12:00:00', opens: 2, clicks: 2 },
      { hour: '2021-01-01 13:00:00', opens: 3, clicks: 3 },
    ]);
    const stats = await clientStats(store.db, { mailingIds: [M1] });
    expect(stats.filter((s) => s.source === 'click' && s.dimension === 'device')).toEqual([
      { source: 'click', dimension: 'device', value: 'Desktop', events: 2, recipients: 1 },
      { source: 'click', dimension: 'device', value: 'Mobile', events: 2, recipients: 2 },
      { source: 'click', dimension: 'device', value: 'Tablet', events: 1, recipients: 1 },
    ]);
  });

  it('refuses mailing IDs that are not numbers', async () => {
    await expect(kpisForMailings(store.db, { mailingIds: ["1') OR 1=1 --"] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(kpisForMailings(store.db, { mailingIds: [] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('suppression helpers', () => {
  it('lists unsubscribed and hard-bounced recipients with reason and date', async () => {
    expect(await suppressionCandidates(store.db)).toEqual([
      { userId: 'b@example.com', reason: 'hard_bounce', since: '2021-01-01 12:07:56', mailingId: M1, lastAt: new Date(2021, 0, 1, 12, 10, 0), lastAtIsPull: false },
      { userId: 'c@example.com', reason: 'hard_bounce', since: '2021-01-02 08:00:00', mailingId: M2, lastAt: new Date(2021, 0, 2, 8, 0, 0), lastAtIsPull: false },
      { userId: 'd@example.com', reason: 'unsubscribe', since: '2021-01-01 13:20:00', mailingId: M1, lastAt: new Date(2021, 0, 1, 13, 20, 0), lastAtIsPull: false },
      { userId: 'F@Example.com', reason: 'unsubscribe', since: '2021-01-02 09:00:00', mailingId: M1, lastAt: new Date(2021, 0, 2, 9, 0, 0), lastAtIsPull: false },
    ]);
  });

  it('an unsubscribe stamped later than its file was pulled counts from the pull, marked as this workstation’s clock', async () => {
    await store.db.run(`UPDATE unsubscribes SET created = CAST(now() AS TIMESTAMP) + INTERVAL 1 DAY WHERE user_id = 'd@example.com'`);
    const pulled = (await store.db.all<{ at: Date }>(`SELECT f.ingested_at AS at FROM unsubscribes u JOIN response_files f ON f.id = u.source_file WHERE u.user_id = 'd@example.com'`))[0].at;
    const d = (await suppressionCandidates(store.db)).find((c) => c.userId === 'd@example.com')!;
    expect(d).toMatchObject({ reason: 'unsubscribe', lastAt: pulled, lastAtIsPull: true });
    expect((await suppressionCandidates(store.db)).filter((c) => c.lastAtIsPull).map((c) => c.userId)).toEqual(['d@example.com']);
  });

  it('lists soft bounces minus unsubscribed or hard-bounced recipients (address case-insensitive)', async () => {
    // M1 soft: c (bounce), f (temporary_bounce); f unsubscribed later as F@Example.com,
    // c hard-bounced on M2 the next day: nobody is left to resend to.
    expect(await softBouncedRecipients(store.db, { mailingId: M1 })).toEqual([]);
    expect((await store.db.all(`SELECT 1 FROM responses WHERE category = 'fatal_bounce' AND user_id = 'c@example.com'`)).length).toBe(1);
  });

  it('keeps soft-bounced recipients who neither unsubscribed nor hard-bounced', async () => {
    await store.db.run(`DELETE FROM responses WHERE category = 'fatal_bounce' AND user_id = 'c@example.com'`);
    expect(await softBouncedRecipients(store.db, { mailingId: M1 })).toEqual([
      { userId: 'c@example.com', mailingToUserId: '1003', category: 'bounce', bouncedAt: '2021-01-01 12:07:57' },
    ]);
  });
});
