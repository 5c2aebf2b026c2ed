/** How often the wait looks at the clock. */
const TICK_MS = 50;
/**
 * A gap between two looks longer than this is this process stalled (a busy machine, a long
 * synchronous task, a long garbage collection), not the database slow: it counts as one tick.
 * Shorter lateness (a loaded machine's timers run late by tens of milliseconds) counts in full.
 */
const STALL_MS = 200;

/**
 * Waits for the team database's `answer` for at most `ms` of the time this process was running,
 * and at most twice that on the wall clock; undefined when the database did not answer by then or
 * failed.
 *
 * Why not one timer of `ms`: when this process stalls, the timer fires on waking before the
 * answer that arrived meanwhile is read (Node runs due timers before it reads sockets), so the
 * process's own stall was counted against the database, which was fine. Here a stall counts as
 * one tick, and on the deadline an answer already received still gets its turn. An unreachable
 * database holds a caller that does not stall `ms` (to a tick), as before; a caller that stalls
 * waits longer by its stalls, at most twice `ms` in all.
 */
export function withinTeamWait<T>(answer: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve) => {
    const started = performance.now();
    let last = started;
    let waited = 0;
    let done = false;
    const finish = (value: T | undefined) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      resolve(value);
    };
    const timer = setInterval(() => {
      const now = performance.now();
      const gap = now - last;
      waited += gap > STALL_MS ? TICK_MS : gap;
      last = now;
      // setImmediate runs after this turn of the event loop has read the sockets: an answer already here wins.
      if (waited >= ms || now - started >= 2 * ms) setImmediate(() => finish(undefined));
    }, TICK_MS);
    timer.unref();
    answer.then(finish, () => finish(undefined));
  });
}
