import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../../shared/contract/activity';
import type { Send } from '../../../shared/contract/sends';
import { withLiveEntries } from '../../../renderer/src/features/activity/live-during-load';
import { withLiveSends } from '../../../renderer/src/features/sends/live-during-load';

const entry = (id: string, at: string): ActivityEntry => ({ id, at, level: 'info', kind: 'connect', profile: 'p', message: `entry ${id}`, text: null, details: null, origin: null });

function send(id: string, updatedAt: string, steps: number): Send {
  return {
    id,
    profile: 'p',
    client: 'c',
    sourceMailingId: '1',
    sourceMailingName: 'm',
    waveId: '',
    test: false,
    state: 'queued',
    scheduledAt: '2026-12-06T10:00:00.000Z',
    createdAt: '2026-12-06T10:00:00.000Z',
    updatedAt,
    inputFile: '',
    recipients: 1,
    excluded: 0,
    fileName: 'f.csv',
    productsFileName: null,
    mailingId: null,
    progress: null,
    error: null,
    serverHalted: false,
    lastCheckedAt: null,
    held: null,
    timeline: Array.from({ length: steps }, (_, i) => ({ at: updatedAt, state: 'queued' as const, message: `step ${i}`, text: null, server: null, workstation: null })),
    origin: null,
    approval: null,
  };
}

describe('withLiveEntries (Activity: entries that arrived while the list was on its way)', () => {
  const page = { entries: [entry('2', '2026-12-06T10:00:02.000Z'), entry('1', '2026-12-06T10:00:01.000Z')], total: 2, team: null };

  it('adds an entry the answer lacks, newest first, and counts it', () => {
    const got = withLiveEntries(page, [entry('3', '2026-12-06T10:00:03.000Z'), entry('4', '2026-12-06T10:00:04.000Z')], 10);
    expect(got.entries.map((e) => e.id)).toEqual(['4', '3', '2', '1']);
    expect(got.total).toBe(4);
    expect(got.team).toBeNull();
  });

  it('keeps an entry the answer has too, and one that arrived twice, once', () => {
    const got = withLiveEntries(page, [entry('2', '2026-12-06T10:00:02.000Z'), entry('3', '2026-12-06T10:00:03.000Z'), entry('3', '2026-12-06T10:00:03.000Z')], 10);
    expect(got.entries.map((e) => e.id)).toEqual(['3', '2', '1']);
    expect(got.total).toBe(3);
  });

  it('places an older entry (another workstation’s, late) by its time and keeps the page to its limit', () => {
    const got = withLiveEntries(page, [entry('0', '2026-12-06T10:00:00.000Z'), entry('5', '2026-12-06T10:00:05.000Z')], 3);
    expect(got.entries.map((e) => e.id)).toEqual(['5', '2', '1']);
    expect(got.total).toBe(4);
  });
});

describe('withLiveSends (Sends: sends that changed while the list was on its way)', () => {
  it('adds a send the answer lacks', () => {
    expect(withLiveSends([send('a', '2026-12-06T10:00:00.000Z', 1)], [send('b', '2026-12-06T10:00:01.000Z', 1)]).map((s) => s.id).sort()).toEqual(['a', 'b']);
  });

  it('keeps the later copy of a send: a newer change, or the same change with more steps', () => {
    const [newer] = withLiveSends([send('a', '2026-12-06T10:00:00.000Z', 1)], [send('a', '2026-12-06T10:00:05.000Z', 2)]);
    expect(newer.updatedAt).toBe('2026-12-06T10:00:05.000Z');
    const [moreSteps] = withLiveSends([send('a', '2026-12-06T10:00:00.000Z', 1)], [send('a', '2026-12-06T10:00:00.000Z', 2)]);
    expect(moreSteps.timeline).toHaveLength(2);
    // The answer was read after the live change: its copy stays.
    const [listed] = withLiveSends([send('a', '2026-12-06T10:00:05.000Z', 3)], [send('a', '2026-12-06T10:00:01.000Z', 2)]);
    expect(listed.timeline).toHaveLength(3);
  });
});
