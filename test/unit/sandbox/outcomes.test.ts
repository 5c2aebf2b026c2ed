import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../main/services/sandbox/config';
import { buildResponseFiles, RESPONSE_KINDS } from '../../../main/services/sandbox/export';
import { generateMailing, type MailingSpec } from '../../../main/services/sandbox/outcomes';
import { normalizeVirtualPath } from '../../../main/services/sandbox/path-jail';
import { createRng, ID_MULTIPLIER, sequenceId11 } from '../../../main/services/sandbox/prng';
import { formatTimestamp, parseFileStamp } from '../../../main/services/sandbox/time';
import { readCsv } from '../../fixtures/sandbox/files';

const config = defaultConfig('unit-seed', 'password-123456');
const source = config.clients[0].mailings[0];

function spec(seed: string, n: number): MailingSpec {
  return {
    seed,
    mailingId: '51106527229',
    sourceMailingId: source.id,
    campaignId: source.campaignId,
    recipientListId: config.clients[0].recipientListId,
    links: source.links,
    products: [{ id: 'P0', title: 'Product zero', url: 'https://shop.example.com/p/P0' }],
    baseMs: parseFileStamp('20250301120000')!,
    recipients: Array.from({ length: n }, (_, i) => ({ email: `u${i}@example.com`, productIds: i % 2 ? ['P0'] : [] })),
    rates: config.rates,
    recipientOffset: 10,
    linkOffset: 3,
  };
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

describe('sandbox randomness', () => {
  it('the ID permutation is a bijection: multiplier coprime with the 11-digit space, IDs distinct', () => {
    expect(gcd(ID_MULTIPLIER, 90_000_000_000n)).toBe(1n);
    const ids = new Set(Array.from({ length: 20000 }, (_, i) => sequenceId11('s', 'recipient', i)));
    expect(ids.size).toBe(20000);
    for (const id of [...ids].slice(0, 50)) expect(id).toMatch(/^[1-9]\d{10}$/);
  });

  it('a seeded stream replays; another key gives another stream', () => {
    const a = createRng('x', 1);
    const b = createRng('x', 1);
    const c = createRng('x', 2);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
  });
});

describe('path normalisation', () => {
  it.each([
    ['', '/'],
    ['.', '/'],
    ['demo/upload', '/demo/upload'],
    ['/demo/./upload//x.csv', '/demo/upload/x.csv'],
    ['/demo/../demo/logs', '/demo/logs'],
    ['/etc/passwd', '/etc/passwd'],
  ])('%s → %s', (input, out) => expect(normalizeVirtualPath(input)).toBe(out));
  it.each(['..', '../etc/passwd', '/demo/../../x', '/..', 'a/../../b', 'a\u0000b'])('refuses %s', (input) => expect(normalizeVirtualPath(input)).toBeNull());
});

describe('generateMailing', () => {
  it('is deterministic for the same spec and differs for another seed', () => {
    expect(generateMailing(spec('s1', 300))).toEqual(generateMailing(spec('s1', 300)));
    expect(generateMailing(spec('s2', 300)).opens).not.toEqual(generateMailing(spec('s1', 300)).opens);
  });

  it('produces realistic, internally consistent outcomes', () => {
    const g = generateMailing(spec('realism', 3000));
    expect(g.recipients).toHaveLength(3000);
    const byStatus = (s: string): number => g.recipients.filter((r) => r.sendingStatus === s).length;
    expect(byStatus('could_not_be_sent')).toBeGreaterThan(5);
    expect(byStatus('could_not_be_sent')).toBeLessThan(90);
    for (const cat of ['fatal_bounce', 'bounce', 'temporary_bounce', 'autoresponder', 'unknown']) expect(g.responses.some((r) => r.category === cat), cat).toBe(true);
    const openers = new Set(g.opens.map((o) => o.mailingToUserId));
    expect(openers.size / 3000).toBeGreaterThan(0.3);
    expect(openers.size / 3000).toBeLessThan(0.5);
    expect(g.opens.length).toBeGreaterThan(openers.size); // repeat opens
    expect(new Set(g.opens.map((o) => o.device))).toEqual(new Set(['Desktop', 'Mobile', 'Tablet', 'Unknown']));
    const clickKeys = g.clicks.map((c) => `${c.mailingToUserId}|${c.created}`);
    expect(new Set(clickKeys).size).toBeLessThan(clickKeys.length); // several clicks in one second
    expect(g.unsubscribes.length).toBeGreaterThan(0);
    // A bounced or unsent recipient never opens or clicks.
    const dead = new Set(g.recipients.filter((r) => r.deliveryStatus !== 'delivered').map((r) => r.id));
    expect(g.opens.some((o) => dead.has(o.mailingToUserId))).toBe(false);
    expect(g.clicks.some((c) => dead.has(c.mailingToUserId))).toBe(false);
    // Links: the mailing's own plus one per product; product links are clicked.
    expect(g.links.map((l) => l.name)).toEqual([...source.links.map((l) => l.name), 'Product zero']);
    expect(g.clicks.some((c) => c.linkId === g.links[g.links.length - 1].id)).toBe(true);
    // Times: derived from the file stamp, sending after creation, events after sending.
    expect(formatTimestamp(g.mailing.created) > '2025-03-01 12:00:00').toBe(true);
    expect(g.mailing.finished).toBeGreaterThanOrEqual(g.mailing.started);
    const sentAt = new Map(g.recipients.map((r) => [r.id, r.created]));
    for (const o of g.opens) expect(o.created).toBeGreaterThanOrEqual(sentAt.get(o.mailingToUserId)!);
  });

  it('export files carry the spec columns, one file per day and kind, every row in its day', async () => {
    const g = generateMailing(spec('files', 400));
    const { files } = await buildResponseFiles([g], { fileName: '{date}_{kind}.csv', now: parseFileStamp('20250501000000')!, retentionDays: 3650 });
    const days = new Set([...files.keys()].map((f) => f.slice(0, 8)));
    expect(days.has('20250301')).toBe(true);
    for (const d of days) for (const k of RESPONSE_KINDS) expect(files.has(`${d}_${k}.csv`)).toBe(true);
    expect(files.get('20250301_mailings.csv')!.split('\n')[0]).toBe('id;compoundMasterId;mailingGroupId;mailing.recipientLists;started;finished');
    expect(files.get('20250301_clicks.csv')!.split('\n')[0]).toBe('linkId;mailingId;mailingToUserId;mailingGroupId;userId;created;click.browser;click.platform;click.device');
    let opens = 0;
    for (const [name, text] of files) {
      if (!name.endsWith('_opens.csv')) continue;
      const rows = readCsv(text);
      opens += rows.length;
      const d = name.slice(0, 8);
      for (const r of rows) expect(r.created.replaceAll('-', '').slice(0, 8)).toBe(d);
      for (const r of rows) expect(r.created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    }
    expect(opens).toBe(g.opens.length);
    // Days before the cutoff get no file.
    const cut = (await buildResponseFiles([g], { fileName: '{date}_{kind}.csv', now: parseFileStamp('20250401000000')!, retentionDays: 30 })).files;
    expect([...cut.keys()].some((f) => f.startsWith('20250301'))).toBe(false);
  });
});
