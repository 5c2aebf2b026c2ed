import { describe, expect, it } from 'vitest';
import { wakeSignal } from '../../../main/cli/commands/send-commands';

// `loopdesk status --watch` and the wait for an upload sleep between passes and wake on a change.
describe('wakeSignal', () => {
  it('keeps a change that came while the loop was busy: the next wait returns at once', async () => {
    const changed = wakeSignal();
    changed.notify(); // e.g. during the pass's refresh, before the loop waits again
    const started = Date.now();
    await changed.wait(10_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('wakes a wait under way on a change, and sleeps the whole interval without one', async () => {
    const changed = wakeSignal();
    let started = Date.now();
    setTimeout(() => changed.notify(), 50);
    await changed.wait(10_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    // The change was used up: the next wait sleeps until its timer.
    started = Date.now();
    await changed.wait(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });
});
