import { Fragment, useCallback, useEffect, useId, useRef, useState, type MutableRefObject } from 'react';
import type { Profile } from '../../../../shared/contract/profiles';
import type { AppErrorInfo } from '../../../../shared/contract/result';
import type { ResponseFile } from '../../../../shared/contract/responses';
import { useApi } from '../../api/api-context';
import { useI18n } from '../../i18n/use-i18n';
import type { MessageId } from '../../../../shared/i18n/messages';
import { ProgressLine } from './progress-line';
import { OUTCOME_TEXT, type PulledFileRow } from './response-text';
import { ErrorCallout } from '../../components/error-callout';
import { mapResult, useLoad } from '../../components/use-load';
import { DataTable } from '../../components/data-table';

/**
 * "Pull now": downloads the response files of a connection (all clients or one) and says per
 * file what happened. `onPulled` lets the screen refresh what depends on the data.
 */
export function PullPanel(props: { onPulled: () => void; startRef?: MutableRefObject<(() => void) | null> }) {
  const api = useApi();
  const { t, rich, say, errorMessage, locale } = useI18n();
  const id = useId();
  const [profiles, setProfiles] = useState<Profile[] | null>(null);
  const [profile, setProfile] = useState('');
  const [client, setClient] = useState('');
  const [pulling, setPulling] = useState(false);
  const [files, setFiles] = useState<PulledFileRow[] | null>(null);
  const [error, setError] = useState<AppErrorInfo | null>(null);

  useEffect(() => {
    void api.profiles.list({}).then((r) => {
      if (!r.ok) return setError(r.error);
      setProfiles(r.value);
      const first = r.value.find((p) => p.sandbox) ?? r.value[0];
      if (first) setProfile((current) => current || first.name);
    });
  }, [api]);

  const pull = async () => {
    setPulling(true);
    setError(null);
    setFiles(null);
    try {
      const r = await api.responses.pull({ profile, ...(client ? { client } : {}) });
      if (!r.ok) return setError(r.error);
      setFiles(r.value.files);
      props.onPulled();
    } finally {
      setPulling(false);
    }
  };

  // Another part of the screen (Browse's empty state) starts this same pull; the panel comes into
  // view so its progress and result are seen.
  const panel = useRef<HTMLElement>(null);
  const startRef = props.startRef;
  useEffect(() => {
    if (!startRef) return;
    startRef.current = profile && !pulling ? () => {
      panel.current?.scrollIntoView({ block: 'nearest' });
      void pull();
    } : null;
    return () => {
      startRef.current = null;
    };
  });

  // Why a file was rejected, then that it is tried again. An error without a catalog key yet is
  // told by its code's general sentence outside English (its English text holds the retry already).
  const rejection = (f: PulledFileRow): string => {
    const retry = t('responses.pulled.retry');
    if (f.text) return [say(f.text, f.message), retry].join(' ');
    if (f.code && !locale.startsWith('en')) return [errorMessage({ code: f.code as AppErrorInfo['code'], message: f.message }), retry].join(' ');
    return f.message;
  };
  const clients = profiles?.find((p) => p.name === profile)?.clients ?? [];
  const count = (o: PulledFileRow['outcome']) => files?.filter((f) => f.outcome === o).length ?? 0;
  return (
    <section ref={panel} className="card pull-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="visually-hidden">
        {t('responses.pull.title')}
      </h2>
      {profiles && profiles.length === 0 ? (
        <p className="muted">{rich('responses.pull.noConnection', { a: (c) => <a href="#/connections">{c}</a> })}</p>
      ) : (
        <form
          className="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            void pull();
          }}
        >
          <div className="field inline">
            <label htmlFor={`${id}-profile`}>{t('responses.pull.connection')}</label>
            <select
              id={`${id}-profile`}
              value={profile}
              onChange={(e) => {
                setProfile(e.target.value);
                setClient('');
              }}
            >
              {profiles?.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field inline">
            <label htmlFor={`${id}-client`}>{t('responses.pull.client')}</label>
            <select id={`${id}-client`} value={client} onChange={(e) => setClient(e.target.value)}>
              <option value="">{t('responses.pull.allClients')}</option>
              {clients.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button primary" disabled={!profile || pulling}>
            {pulling ? t('responses.pull.pulling') : t('responses.pull.now')}
          </button>
          <span className="hint">{t('responses.pull.hint')}</span>
        </form>
      )}
      <ProgressLine task="pull" active={pulling} label={t('responses.pull.progress')} />
      <ErrorCallout message={error ? errorMessage(error) : null} />
      {files && (
        <div className={`callout ${count('rejected') > 0 ? 'callout-warn' : 'callout-ok'}`} role="status">
          <p>
            {files.length === 0
              ? t('responses.pull.noFiles')
              : t('responses.pull.summary', { count: files.length, ingested: count('ingested'), replaced: count('replaced'), skipped: count('skipped'), rejected: count('rejected') })}
          </p>
          {files.length > 0 && (
            <details className="sub-details" open={count('rejected') > 0}>
              <summary>{t('responses.pull.perFile')}</summary>
              <ul className="outcome-list" aria-label={t('responses.pull.files')}>
                {files.map((f) => {
                  const rows = f.outcome !== 'rejected' && f.outcome !== 'skipped' ? t('responses.pull.rows', { count: f.rows }) : null;
                  const reason = f.outcome === 'rejected' ? rejection(f) : null;
                  return (
                    <li key={`${f.client}/${f.name}`} className={`outcome-${f.outcome}`}>
                      <span className="mono small">{[f.client, f.name].join('/')}</span> <strong>{t(OUTCOME_TEXT[f.outcome])}</strong> {rows} {reason && <span className="error-message">{reason}</span>}
                    </li>
                  );
                })}
              </ul>
            </details>
          )}
        </div>
      )}
    </section>
  );
}

type LedgerRow = ResponseFile;

/** A file name that may break after its `_` (`20261206_` / `clicks.csv`), so the ledger fits a small window without scrolling sideways. */
function FileName(props: { name: string }) {
  const parts = props.name.split('_');
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i < parts.length - 1 ? [part, '_'].join('') : part}
          {i < parts.length - 1 && <wbr />}
        </Fragment>
      ))}
    </>
  );
}

/** The ledger's file kinds (the server's file names), in words. */
const FILE_KIND_TEXT: Readonly<Record<string, MessageId>> = {
  mailings: 'responses.kind.mailings',
  mailingrecipients: 'responses.kind.mailingrecipients',
  links: 'responses.kind.links',
  clicks: 'responses.kind.clicks',
  opens: 'responses.kind.opens',
  unsubscribes: 'responses.kind.unsubscribes',
  responses: 'responses.kind.responses',
};

/** A ledger entry's status. */
const FILE_STATUS_TEXT: Readonly<Record<'ingested' | 'rejected', MessageId>> = { ingested: 'responses.files.status.ingested', rejected: 'responses.files.status.rejected' };

/** The file ledger: every response file Loopdesk has seen, with checksum and status, newest first. */
export function FilesTab(props: { reloadKey: number }) {
  const api = useApi();
  const { t, rich, fmt, say, errorMessage } = useI18n();
  const load = useCallback(
    async () => mapResult(await api.responses.files({}), (files) => [...files].sort((a, b) => b.ingestedAt.localeCompare(a.ingestedAt) || a.name.localeCompare(b.name))),
    [api],
  );
  const { value: rows, error } = useLoad<LedgerRow[]>(load, props.reloadKey);
  if (error) return <ErrorCallout message={errorMessage(error)} />;
  if (!rows) return <p className="muted">{t('responses.files.loading')}</p>;
  if (rows.length === 0) return <p className="note">{t('responses.files.empty')}</p>;
  return (
    <DataTable
      label={t('responses.files.table')}
      rows={rows}
      rowKey={(f) => f.id}
      columns={[
        { header: t('responses.files.file'), className: 'mono small', cell: (f) => <FileName name={f.name} /> },
        {
          header: t('responses.pull.client'),
          cell: (f) => rich('responses.files.clientOn', { client: f.client, profile: f.profile, m: (c) => <span className="muted small">{c}</span> }),
        },
        { header: t('responses.files.kind'), cell: (f) => (FILE_KIND_TEXT[f.kind] ? t(FILE_KIND_TEXT[f.kind]!) : f.kind) },
        { header: t('responses.files.rows'), className: 'num', cell: (f) => fmt.number(f.rows) },
        { header: t('responses.files.size'), className: 'num nowrap', cell: (f) => fmt.bytes(f.size) },
        { header: t('responses.files.readAt'), className: 'small', cell: (f) => fmt.dateTime(f.ingestedAt) },
        {
          header: t('responses.files.status'),
          cell: (f) => (
            <>
              {f.status === 'ingested' || f.status === 'rejected' ? t(FILE_STATUS_TEXT[f.status]) : f.status}
              {f.error && <span className="error-message small"> {say(f.errorText, f.error)}</span>}
            </>
          ),
        },
        { header: t('responses.files.checksum'), className: 'mono small', title: (f) => f.sha256, cell: (f) => `${f.sha256.slice(0, 12)}…` },
      ]}
    />
  );
}
