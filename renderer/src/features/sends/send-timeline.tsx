import type { Send, SendEvent } from '../../../../shared/contract/sends';
import { STATE_LABELS, STATE_TONE } from './send-states';
import { SendStep } from './send-step';
import { useSendTexts } from './use-send-texts';

/**
 * The server's wall-clock time as its log wrote it (`YYYY-MM-DD HH:MM:SS`, no zone), as a local
 * Date with the same digits: formatting it shows exactly the server's clock in the reader's format.
 */
function serverWallClock(time: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(time.trim());
  return m ? new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : null;
}

/**
 * The time of a timeline step with the clock it comes from: the server's own time from its log
 * (as written, in the client's zone) where it has one, else the time of the computer that saw it:
 * this one, or (team mode) the other workstation that took the step.
 */
function TimelineTimes(props: { event: SendEvent }) {
  const { t, rich, fmt } = useSendTexts();
  const e = props.event;
  if (!e.server) {
    return (
      <span className="timeline-times small" data-testid="timeline-time">
        <time dateTime={e.at}>{fmt.dateTime(e.at, { seconds: true })}</time> <span className="clock-label">{e.workstation ? t('sends.clock.workstation', { workstation: e.workstation }) : t('sends.clock.thisComputer')}</span>
      </span>
    );
  }
  const wall = serverWallClock(e.server.time);
  return (
    <span className="timeline-times small" data-testid="timeline-time">
      <time dateTime={e.server.at ?? undefined}>{wall ? fmt.dateTime(wall.getTime(), { seconds: true }) : e.server.time}</time> <span className="clock-label clock-server">{t('sends.clock.server', { zone: e.server.timeZone })}</span> <span className="muted">{rich('sends.clock.seen', { at: fmt.dateTime(e.at, { seconds: true }), time: (c) => <time dateTime={e.at}>{c}</time> })}</span>
    </span>
  );
}

/**
 * A send's steps, oldest first, each with its state, its clock and its sentence. `origin` is the
 * send's (team mode), so a step that points at a file can tell whether that file is on this workstation.
 */
export function SendTimeline(props: { timeline: readonly SendEvent[]; origin: Send['origin'] }) {
  const { t, rich } = useSendTexts();
  return (
    <>
      <h3 id="timeline-title">{t('sends.timeline.title')}</h3>
      <p className="hint" id="timeline-clocks">
        {rich('sends.timeline.clocks', { em: (c) => <em>{c}</em> })}
        {props.timeline.some((e) => e.workstation) && (
          <>
            {' '}
            {t('sends.timeline.clocksTeam')}
          </>
        )}
      </p>
      <ol className="timeline" aria-labelledby="timeline-title" aria-describedby="timeline-clocks">
        {props.timeline.map((e, i) => (
          <li key={i} className={`timeline-${STATE_TONE[e.state]}`}>
            <span className="timeline-state">{t(STATE_LABELS[e.state])}</span>
            <TimelineTimes event={e} />
            {e.message && <SendStep text={e.text} english={e.message} origin={props.origin} layout="timeline" />}
          </li>
        ))}
      </ol>
    </>
  );
}
