import { useState } from 'react';
import { baseName, canRevealHostFiles, hostFileUrl, revealHostFile } from '../api/files';

/**
 * A file Loopdesk wrote (Excel export, report, CSV): a download link in the browser host,
 * "Show in folder" in the desktop app, and the path as text where neither works.
 */
export function HostFileLink(props: { path: string; label: string; hint?: string }) {
  const url = hostFileUrl(props.path);
  const [problem, setProblem] = useState<string | null>(null);
  const name = baseName(props.path);
  return (
    <p className="host-file">
      {url ? (
        <a className="button" href={url} download={name}>
          {props.label}
        </a>
      ) : canRevealHostFiles() ? (
        <button
          type="button"
          className="button"
          onClick={() =>
            void revealHostFile(props.path).then((ok) => setProblem(ok ? null : 'The file manager could not be opened. The file is at the path shown.'))
          }
        >
          Show in folder
        </button>
      ) : null}{' '}
      <span className="hint">
        {props.hint ? `${props.hint} ` : ''}
        <code className="small">{url ? name : props.path}</code>
      </span>
      {problem && (
        <span className="field-error" role="alert">
          {problem}
        </span>
      )}
    </p>
  );
}
