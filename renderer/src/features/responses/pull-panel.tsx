import { useCallback, useEffect, useId, useState } from 'react';
import type { Profile } from '../../../../shared/contract/profiles';
import type { ResponseFile } from '../../../../shared/contract/responses';
import { useApi } from '../../api/api-context';
import { formatBytes, formatDateTime, plural } from '../../components/format';
import { ProgressLine } from './progress-line';
import { outcomeText, type PulledFileRow } from './response-text';
import { ErrorCallout } from '../../components/error-callout';
import { mapResult, useLoad } from '../../components/use-load';
import { DataTable } from '../../components/data-table';

/**
 * "Pull now": downloads the response files of a connection (all clients or one) and says per
 * file what happened. `onPulled` lets the screen refresh what depends on the data.
 */
export function PullPanel(props: { onPulled: () => void }) {
  const api = useApi();
  const id = useId();
  const [profiles, setProfiles] = useState<Profile[] | null>(null);
  const [profile, setProfile] = useState('');
  const [client, setClient] = useState('');
  const [pulling, setPulling] = useState(false);
  const [files, setFiles] = useState<PulledFileRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api.profiles.list({}).then((r) => {
      if (!r.ok) return setError(r.error.message);
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
      if (!r.ok) return setError(r.error.message);
      setFiles(r.value.files);
      props.onPulled();
    } finally {
      setPulling(false);
    }
  };

  const clients = profiles?.find((p) => p.name === profile)?.clients ?? [];
  const count = (o: PulledFileRow['outcome']) => files?.filter((f) => f.outcome === o).length ?? 0;
  return (
    <section className="card pull-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="visually-hidden">
        Pull responses
      </h2>
      {profiles && profiles.length === 0 ? (
        <p className="muted">
          Response files come from a connection. Add one on the <a href="#/connections">Connections</a> screen first.
        </p>
      ) : (
        <form
          className="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            void pull();
          }}
        >
          <div className="field inline">
            <label htmlFor={`${id}-profile`}>Connection</label>
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
            <label htmlFor={`${id}-client`}>Client</label>
            <select id={`${id}-client`} value={client} onChange={(e) => setClient(e.target.value)}>
              <option value="">All clients</option>
              {clients.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button primary" disabled={!profile || pulling}>
            {pulling ? 'Pulling…' : 'Pull now'}
          </button>
          <span className="hint">Downloads the server’s daily response files. Loopdesk also does this by itself once a day.</span>
        </form>
      )}
      <ProgressLine task="pull" active={pulling} label="Pull progress" />
      <ErrorCallout message={error} />
      {files && (
        <div className={`callout ${count('rejected') > 0 ? 'callout-warn' : 'callout-ok'}`} role="status">
          <p>
            {files.length === 0
              ? 'The server has no response files yet. They appear once a day after the first mailing went out.'
              : `Pulled ${plural(files.length, 'file')}: ${count('ingested')} new, ${count('replaced')} replaced, ${count('skipped')} unchanged, ${count('rejected')} rejected.`}
          </p>
          {files.length > 0 && (
            <details className="sub-details" open={count('rejected') > 0}>
              <summary>What happened to each file</summary>
              <ul className="outcome-list" aria-label="Pulled files">
                {files.map((f) => (
                  <li key={`${f.client}/${f.name}`} className={`outcome-${f.outcome}`}>
                    <span className="mono small">
                      {f.client}/{f.name}
                    </span>{' '}
                    <strong>{outcomeText(f.outcome)}</strong>
                    {f.outcome !== 'rejected' && f.outcome !== 'skipped' ? ` (${plural(f.rows, 'row')})` : ''}
                    {f.message && f.outcome === 'rejected' ? <span className="error-message">: {f.message}</span> : ''}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </section>
  );
}

type LedgerRow = ResponseFile;

/** The file ledger: every response file Loopdesk has seen, with checksum and status, newest first. */
export function FilesTab(props: { reloadKey: number }) {
  const api = useApi();
  const load = useCallback(
    async () => mapResult(await api.responses.files({}), (files) => [...files].sort((a, b) => b.ingestedAt.localeCompare(a.ingestedAt) || a.name.localeCompare(b.name))),
    [api],
  );
  const { value: rows, error } = useLoad<LedgerRow[]>(load, props.reloadKey);
  if (error) return <ErrorCallout message={error.message} />;
  if (!rows) return <p className="muted">Loading the file ledger…</p>;
  if (rows.length === 0) return <p className="note">No response files yet. Press “Pull now” to download them.</p>;
  return (
    <DataTable
      label="Response files"
      rows={rows}
      rowKey={(f) => f.id}
      columns={[
        { header: 'File', className: 'mono small', cell: (f) => f.name },
        {
          header: 'Client',
          className: 'nowrap',
          cell: (f) => (
            <>
              {f.client} <span className="muted small">on {f.profile}</span>
            </>
          ),
        },
        { header: 'Kind', cell: (f) => f.kind },
        { header: 'Rows', className: 'num', cell: (f) => f.rows.toLocaleString('en-GB') },
        { header: 'Size', className: 'num nowrap', cell: (f) => formatBytes(f.size) },
        { header: 'Read at', className: 'small nowrap', cell: (f) => formatDateTime(f.ingestedAt) },
        {
          header: 'Status',
          cell: (f) => (
            <>
              {f.status}
              {f.error && <span className="error-message small"> {f.error}</span>}
            </>
          ),
        },
        { header: 'Checksum (SHA-256)', className: 'mono small', title: (f) => f.sha256, cell: (f) => `${f.sha256.slice(0, 12)}…` },
      ]}
    />
  );
}
