import { useSyncExternalStore } from 'react';
import { useReporter } from '../api/api-context';

/** Shows the problems the global handler caught, each one dismissible. */
export function ProblemBanner() {
  const reporter = useReporter();
  const problems = useSyncExternalStore(
    (cb) => reporter.subscribe(cb),
    () => reporter.current(),
  );
  if (problems.length === 0) return null;
  return (
    <div className="problem-banner-stack">
      {problems.map((p) => (
        <div key={p.id} className="problem-banner" role="alert">
          <div>
            <strong>{p.title}</strong>
            <p>{p.message}</p>
          </div>
          <button type="button" className="button ghost" onClick={() => reporter.dismiss(p.id)} aria-label={`Dismiss: ${p.title}`}>
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
