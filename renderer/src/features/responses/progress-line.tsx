import { useState } from 'react';
import type { EventPayload } from '../../../../shared/contract';
import { useHostEvent } from '../../api/api-context';
import { useI18n } from '../../i18n/use-i18n';

type Progress = EventPayload<'responses.onProgress'>;

/** Live progress of a responses task (`pull`, `export`) from `responses.onProgress`, while it runs. */
export function ProgressLine(props: { task: string; active: boolean; label: string }) {
  // Mounted per run, so a new run starts from nothing, not from where the last one ended.
  return props.active ? <RunProgress task={props.task} label={props.label} /> : null;
}

function RunProgress(props: { task: string; label: string }) {
  const { t, say } = useI18n();
  const [progress, setProgress] = useState<Progress | null>(null);
  useHostEvent('responses.onProgress', (p) => {
    if (p.task === props.task) setProgress(p);
  });
  return (
    <div className="progress-block" role="status">
      <progress aria-label={props.label} max={Math.max(1, progress?.total ?? 1)} value={progress ? progress.done : undefined} />
      <span className="small">{progress ? say(progress.text, progress.message) : t('responses.progress.starting')}</span>
    </div>
  );
}
