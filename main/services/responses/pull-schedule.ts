import { Cron } from 'croner';
import type { LogActivity } from '../activity/activity-service';
import type { ProfilesService } from '../profiles/profiles-service';

/** The daily response pull of every profile, run by the process that owns the data dir. */
export interface PullSchedule {
  /** One pass of the daily schedule at `now`; returns the profiles it pulled. */
  pullDue(now: Date): Promise<string[]>;
  /** Runs a pass now (a pull time that passed while the app was closed) and then at every minute. */
  startPullSchedule(): void;
  /** Stops the schedule and waits for a pass under way, so nothing runs after the data file closes. */
  stopPullSchedule(): Promise<void>;
}

/** What the schedule needs. */
export interface PullScheduleDeps {
  readonly profiles: ProfilesService;
  readonly pull: (args: { profile: string }) => Promise<unknown>;
  readonly log: LogActivity;
}

/** The profile option's default: the server exports its files overnight. */
const DEFAULT_PULL_TIME = '07:00';

/** The local calendar day of `d`, `YYYY-MM-DD`. */
export function localDay(d: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`;
}

/**
 * When a profile's daily pull is due next, on the local clock: at its pull time (`HH:MM`)
 * today, or tomorrow once it was pulled today. A time already past today is due at once: the
 * app was closed (or had no password) then, and the day's files are still waiting. Croner
 * computes the run, so a pull time that a clock change skips runs at the first minute after it.
 */
export function nextPullAt(pullTime: string, pulledToday: boolean, now: Date): Date {
  const [hh, mm] = pullTime.split(':').map(Number);
  const from = new Date(now);
  from.setHours(0, 0, 0, 0);
  if (pulledToday) from.setDate(from.getDate() + 1);
  // nextRun() looks strictly after its argument: start just before midnight to include 00:00.
  return new Cron(`${mm} ${hh} * * *`, { paused: true }).nextRun(new Date(from.getTime() - 1))!;
}

/**
 * The daily pull: each profile once per local day, at its pull time. Profiles without a
 * secret this session or without clients wait until they have one. A croner job wakes at the
 * start of every minute rather than at each profile's pull time, so a pull time changed on the
 * Connections screen or a password entered later takes effect within the minute without the
 * profiles service telling anyone.
 */
export function createPullSchedule(deps: PullScheduleDeps): PullSchedule {
  const pulledOn = new Map<string, string>();
  let job: Cron | undefined;
  let running: Promise<unknown> | undefined;

  const pullDue = async (now: Date): Promise<string[]> => {
    const today = localDay(now);
    const pulled: string[] = [];
    for (const p of await deps.profiles.list({})) {
      const pullTime = (p.options as { pullTime?: string }).pullTime ?? DEFAULT_PULL_TIME;
      if (nextPullAt(pullTime, pulledOn.get(p.name) === today, now) > now || !p.secretAvailable || p.clients.length === 0) continue;
      pulledOn.set(p.name, today);
      pulled.push(p.name);
      await deps.pull({ profile: p.name }).catch((e) => deps.log({ level: 'error', kind: 'pull', profile: p.name, messageId: 'responses.activity.scheduledPullFailed', values: { reason: (e as Error).message } }));
    }
    return pulled;
  };

  // One pass at a time: a minute that comes while a pass is still pulling is skipped.
  const pass = () => {
    running ??= pullDue(new Date()).finally(() => {
      running = undefined;
    });
  };

  return {
    pullDue,
    startPullSchedule() {
      if (job) return;
      pass();
      job = new Cron('* * * * *', pass);
    },
    async stopPullSchedule() {
      job?.stop();
      job = undefined;
      await running;
    },
  };
}
