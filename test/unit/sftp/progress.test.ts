import { describe, expect, it } from 'vitest';
import { createProgressTracker, type TransferProgress } from '../../../main/services/sftp';

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('createProgressTracker', () => {
  it('throttles events to one per interval, but always reports completion', () => {
    const c = clock();
    const events: TransferProgress[] = [];
    const tracker = createProgressTracker(1000, (p) => events.push(p), 200, c.now);
    c.advance(300);
    tracker.update(100); // due: first event
    c.advance(50);
    tracker.update(200); // 50 ms later: swallowed
    c.advance(50);
    tracker.update(300); // still inside the interval
    c.advance(200);
    tracker.update(400); // due again
    c.advance(1);
    tracker.update(1000); // complete: always emitted
    expect(events.map((e) => e.bytes)).toEqual([100, 400, 1000]);
  });

  it('computes the average rate and the time left', () => {
    const c = clock();
    const events: TransferProgress[] = [];
    const tracker = createProgressTracker(1000, (p) => events.push(p), 0, c.now);
    c.advance(2000);
    tracker.update(500);
    expect(events[0]).toEqual({ bytes: 500, total: 1000, rateBytesPerSec: 250, etaSeconds: 2 });
    c.advance(2000);
    tracker.update(1000);
    expect(events[1]).toEqual({ bytes: 1000, total: 1000, rateBytesPerSec: 250, etaSeconds: 0 });
  });

  it('says "unknown" for the time left until a rate is measurable', () => {
    const c = clock();
    const events: TransferProgress[] = [];
    const tracker = createProgressTracker(1000, (p) => events.push(p), 0, c.now);
    // No time has passed: no rate, so no honest estimate either.
    tracker.update(0);
    expect(events).toEqual([{ bytes: 0, total: 1000, rateBytesPerSec: 0, etaSeconds: null }]);
  });

  it('does not repeat an event for an unchanged byte count', () => {
    const c = clock();
    const events: TransferProgress[] = [];
    const tracker = createProgressTracker(1000, (p) => events.push(p), 0, c.now);
    c.advance(10);
    tracker.update(10);
    c.advance(500);
    tracker.update(10);
    expect(events).toHaveLength(1);
  });

  it('reports an empty file as complete at once', () => {
    const c = clock();
    const events: TransferProgress[] = [];
    createProgressTracker(0, (p) => events.push(p), 200, c.now).update(0);
    expect(events).toEqual([{ bytes: 0, total: 0, rateBytesPerSec: 0, etaSeconds: 0 }]);
  });

  it('works without a listener, and still summarises for the log', () => {
    const c = clock();
    const tracker = createProgressTracker(4096, undefined, 200, c.now);
    tracker.update(1024);
    c.advance(1000);
    expect(tracker.summary(2048)).toEqual({ bytes: 2048, total: 4096, rateBytesPerSec: 2048, etaSeconds: 1 });
  });
});
