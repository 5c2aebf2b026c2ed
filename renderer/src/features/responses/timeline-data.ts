/** One hour of the activity timeline as the service reports it (`YYYY-MM-DD HH:00:00`, server wall clock). */
export interface HourBucket {
  readonly hour: string;
  readonly opens: number;
  readonly clicks: number;
}

/** A point of the time chart; null counts leave a gap in the line. */
export interface TimelinePoint {
  readonly time: Date;
  readonly opens: number | null;
  readonly clicks: number | null;
}

/** `YYYY-MM-DD HH:00:00` as a Date showing the same numbers (the chart draws wall-clock time). */
export function hourDate(hour: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2})/.exec(hour);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4])) : new Date(hour);
}

const HOUR_MS = 3_600_000;

/**
 * The time chart's data: the recorded hours, with a point without values after each run of
 * hours, where the next recorded hour is not the next hour, so the line breaks there instead
 * of pretending a straight line of data ran across hours nobody recorded. `spansDays` says
 * whether the axis must show dates, not only times.
 */
export function timelinePoints(buckets: readonly HourBucket[]): { points: TimelinePoint[]; spansDays: boolean; from: string | null; to: string | null } {
  const points: TimelinePoint[] = [];
  let previous: Date | null = null;
  for (const b of buckets) {
    const time = hourDate(b.hour);
    if (previous && time.getTime() - previous.getTime() > HOUR_MS) points.push({ time: new Date(previous.getTime() + HOUR_MS), opens: null, clicks: null });
    points.push({ time, opens: b.opens, clicks: b.clicks });
    previous = time;
  }
  const first = buckets[0]?.hour ?? null;
  const last = buckets[buckets.length - 1]?.hour ?? null;
  return { points, spansDays: Boolean(first && last && first.slice(0, 10) !== last.slice(0, 10)), from: first?.slice(0, 16) ?? null, to: last?.slice(0, 16) ?? null };
}
