import { useState } from 'react';
import { baseName, canRevealHostFiles, hostFileUrl, revealHostFile } from '../api/files';
import { useI18n } from '../i18n/use-i18n';

/**
 * A file Loopdesk wrote (Excel export, report, CSV): a download link in the browser host,
 * "Show in folder" in the desktop app, and the path as text where neither works.
 */
export function HostFileLink(props: { path: string; label: string; hint?: string }) {
  const { t } = useI18n();
  const url = hostFileUrl(props.path);
  // Whether revealing failed, not its sentence: the text follows a language switch.
  const [failed, setFailed] = useState(false);
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
            void revealHostFile(props.path).then((ok) => setFailed(!ok))
          }
        >
          {t('common.showInFolder')}
        </button>
      ) : null}
      <span className="hint">
        {props.hint && <>{props.hint} </>}
        <code className="small">{url ? name : props.path}</code>
      </span>
      {failed && (
        <span className="field-error" role="alert">
          {t('common.showInFolder.failed')}
        </span>
      )}
    </p>
  );
}
