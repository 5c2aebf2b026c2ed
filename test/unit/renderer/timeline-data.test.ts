import { describe, expect, it } from 'vitest';
import { timelinePoints } from '../../../renderer/src/features/responses/timeline-data';

describe('timelinePoints (the time chart of a mailing report)', () => {
  it('breaks the line after an hour without data, and not between consecutive hours', () => {
    const { points } = timelinePoints([
      { hour: '2026-12-05 09:00:00', opens: 3, clicks: 1 },
      { hour: '2026-12-05 10:00:00', opens: 2, clicks: 0 },
      { hour: '2026-12-05 14:00:00', opens: 1, clicks: 1 },
    ]);
    expect(points.map((p) => [p.time.getHours(), p.opens, p.clicks])).toEqual([
      [9, 3, 1],
      [10, 2, 0],
      [11, null, null],
      [14, 1, 1],
    ]);
  });

  it('asks for dates on the axis when the hours span more than one day', () => {
    expect(timelinePoints([{ hour: '2026-12-05 23:00:00', opens: 1, clicks: 0 }, { hour: '2026-12-06 00:00:00', opens: 1, clicks: 0 }])).toMatchObject({
      spansDays: true,
      from: '2026-12-05 23:00',
      to: '2026-12-06 00:00',
    });
    expect(timelinePoints([{ hour: '2026-12-05 08:00:00', opens: 1, clicks: 0 }, { hour: '2026-12-05 09:00:00', opens: 1, clicks: 0 }]).spansDays).toBe(false);
    expect(timelinePoints([])).toEqual({ points: [], spansDays: false, from: null, to: null });
  });
});
