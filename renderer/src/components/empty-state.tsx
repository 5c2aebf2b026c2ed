import type { ReactNode } from 'react';

/** A screen whose feature has not shipped yet: says what it will do and when it arrives. */
export function ComingScreen(props: { title: string; lead: string; arrivesWith: string; points: readonly string[]; children?: ReactNode }) {
  return (
    <section className="screen-inner" aria-labelledby="screen-title">
      <header className="screen-header">
        <h1 id="screen-title">{props.title}</h1>
        <p className="lead">{props.lead}</p>
      </header>
      <div className="empty-state">
        <p className="badge badge-pending">Not available yet</p>
        <h2>This screen arrives with {props.arrivesWith}</h2>
        <p>Until then there is nothing to show here, and nothing on this screen is sample data. When it arrives, this screen will let you:</p>
        <ul>
          {props.points.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
        {props.children}
      </div>
    </section>
  );
}
