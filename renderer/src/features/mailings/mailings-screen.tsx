import { useCallback, useId, useState } from 'react';
import type { MailingUse } from '../../../../shared/contract/mailings';
import type { Profile } from '../../../../shared/contract/profiles';
import { useApi, useHostEvent } from '../../api/api-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { formatDateTime } from '../../components/format';
import { navigate } from '../../routes';
import { useNewSendSession } from '../new-send/handoff';
import { ErrorCallout } from '../../components/error-callout';
import { mapResult, useLoad } from '../../components/use-load';
import { DataTable } from '../../components/data-table';

interface Editing {
  readonly profile: string;
  readonly client: string;
  /** The ID being edited, or null for a new mailing. */
  readonly id: string | null;
}

/** Source mailings per connection and client: their IDs go into `broadmail_ID`. */
export function MailingsScreen() {
  const newSend = useNewSendSession();
  const api = useApi();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [retiring, setRetiring] = useState<MailingUse | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const loadBoth = useCallback(async () => {
    const [p, m] = await Promise.all([api.profiles.list({}), api.mailings.list({})]);
    return m.ok ? mapResult(p, (list) => ({ profiles: list, mailings: m.value })) : m;
  }, [api]);
  const { value: loaded, error: loadError, reload: load } = useLoad<{ profiles: Profile[]; mailings: MailingUse[] }>(loadBoth);
  const profiles = loaded?.profiles ?? null;
  const mailings = loaded?.mailings ?? [];
  const error = loadError?.message ?? null;
  // A send starting or finishing changes which mailings are in flight.
  useHostEvent('sends.onChanged', () => void load());

  return (
    <section className="screen-inner" aria-labelledby="screen-title">
      <header className="screen-header">
        <h1 id="screen-title">Mailings</h1>
        <p className="lead">
          The source mailings you created in Optimizely Campaign, per client. Each send names one; the server copies it and sends the copy. A source mailing can carry only one send at a time.
        </p>
      </header>
      <ErrorCallout message={error} />
      {notice && (
        <p className="callout callout-ok" role="status">
          {notice}
        </p>
      )}
      {profiles && profiles.length === 0 && (
        <div className="empty-state">
          <h2>No connections yet</h2>
          <p>
            Source mailings belong to a client of a connection. Add a connection on the <a href="#/connections">Connections</a> screen first.
          </p>
        </div>
      )}
      {profiles?.map((p) =>
        p.clients.map((c) => {
          const rows = mailings.filter((m) => m.profile === p.name && m.client === c.name);
          const title = `${c.name} on ${p.name}`;
          return (
            <section key={`${p.name}/${c.name}`} className="card client-mailings" aria-label={`Source mailings of ${title}`}>
              <header className="detail-head">
                <h2>
                  Client {c.name} <span className="muted small">on {p.name}</span>
                </h2>
                <button type="button" className="button" onClick={() => setEditing({ profile: p.name, client: c.name, id: null })} aria-label={`Add source mailing to ${title}`}>
                  Add source mailing
                </button>
              </header>
              {editing && editing.profile === p.name && editing.client === c.name && editing.id === null && (
                <MailingForm
                  target={editing}
                  onCancel={() => setEditing(null)}
                  onSaved={(m) => {
                    setEditing(null);
                    setNotice(`Source mailing “${m.name}” (${m.id}) saved.`);
                    void load();
                  }}
                />
              )}
              {rows.length === 0 ? (
                <p className="muted">No source mailings yet. Add the ID and name of a mailing you created in Optimizely Campaign.</p>
              ) : (
                <DataTable
                  label={`Mailings of ${title}`}
                  className="mailings-table"
                  rows={rows}
                  rowKey={(m) => m.id}
                  rowClassName={(m) => (m.retired ? 'row-retired' : undefined)}
                  fullRow={(m) =>
                    editing && editing.profile === p.name && editing.client === c.name && editing.id === m.id ? (
                      <MailingForm
                        target={editing}
                        initial={m}
                        onCancel={() => setEditing(null)}
                        onSaved={(saved) => {
                          setEditing(null);
                          setNotice(`Source mailing “${saved.name}” (${saved.id}) saved.`);
                          void load();
                        }}
                      />
                    ) : undefined
                  }
                  columns={[
                    { header: 'ID', className: 'mono', cell: (m) => m.id },
                    { header: 'Name', cell: (m) => m.name },
                    { header: 'Notes', className: 'small', cell: (m) => m.notes || <span className="muted">—</span> },
                    {
                      header: 'Status',
                      cell: (m) =>
                        m.retired ? (
                          <span className="badge badge-state-plain">Retired</span>
                        ) : m.inFlightSendId ? (
                          <a href={`#/sends/${encodeURIComponent(m.inFlightSendId)}`} className="badge badge-state-pending">
                            In flight: send {m.inFlightSendId}
                          </a>
                        ) : (
                          <span className="badge badge-state-ok">Ready</span>
                        ),
                    },
                    {
                      header: 'Last used',
                      className: 'small',
                      cell: (m) =>
                        m.lastUsedAt ? (
                          <>
                            {formatDateTime(m.lastUsedAt)}
                            {m.lastSendId && (
                              <>
                                {' '}
                                <a href={`#/sends/${encodeURIComponent(m.lastSendId)}`}>(send)</a>
                              </>
                            )}
                          </>
                        ) : (
                          <span className="muted">never</span>
                        ),
                    },
                    {
                      header: <span className="visually-hidden">Actions</span>,
                      className: 'row-actions',
                      cell: (m) => (
                        <>
                          {!m.retired && (
                            <button
                              type="button"
                              className="button primary"
                              aria-label={`New send with ${m.name}`}
                              disabled={Boolean(m.inFlightSendId)}
                              title={m.inFlightSendId ? `Send ${m.inFlightSendId} is still in flight on this mailing; start the next one when it has finished.` : undefined}
                              onClick={() => {
                                newSend.setPrefill({ profile: p.name, client: c.name, sourceMailingId: m.id });
                                navigate('new-send');
                              }}
                            >
                              New send
                            </button>
                          )}
                          <button type="button" className="button" aria-label={`Edit ${m.name}`} onClick={() => setEditing({ profile: p.name, client: c.name, id: m.id })}>
                            Edit
                          </button>
                          <button
                            type="button"
                            className={`button${m.retired ? '' : ' danger-outline'}`}
                            aria-label={`${m.retired ? 'Restore' : 'Retire'} ${m.name}`}
                            disabled={!m.retired && Boolean(m.inFlightSendId)}
                            title={!m.retired && m.inFlightSendId ? 'A send is in flight on this mailing; retire it after that send has finished.' : undefined}
                            onClick={() => setRetiring(m)}
                          >
                            {m.retired ? 'Restore' : 'Retire'}
                          </button>
                        </>
                      ),
                    },
                  ]}
                />
              )}
            </section>
          );
        }),
      )}
      {retiring && (
        <ConfirmDialog
          title={retiring.retired ? `Restore “${retiring.name}”?` : `Retire “${retiring.name}”?`}
          confirmLabel={retiring.retired ? 'Restore it' : 'Retire it'}
          cancelLabel="Keep as is"
          danger={!retiring.retired}
          onClose={() => setRetiring(null)}
          onConfirm={async () => {
            const r = await api.mailings.retire({ profile: retiring.profile, client: retiring.client, id: retiring.id, retired: !retiring.retired });
            if (!r.ok) return r.error.message;
            setNotice(`Source mailing “${r.value.name}” (${r.value.id}) ${r.value.retired ? 'retired' : 'restored'}.`);
            await load();
            return null;
          }}
        >
          <p>
            {retiring.retired
              ? `Mailing ${retiring.id} can be chosen for new sends again.`
              : `Mailing ${retiring.id} can no longer be chosen for new sends. Its past sends stay on the Sends screen, and you can restore it at any time.`}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** Add or edit one source mailing; the ID is fixed once saved (it is the key Optimizely knows). */
function MailingForm(props: { target: Editing; initial?: MailingUse; onCancel: () => void; onSaved: (m: MailingUse) => void }) {
  const api = useApi();
  const id = useId();
  const [mailingId, setMailingId] = useState(props.initial?.id ?? '');
  const [name, setName] = useState(props.initial?.name ?? '');
  const [notes, setNotes] = useState(props.initial?.notes ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    const problems: string[] = [];
    if (!/^\d{1,19}$/.test(mailingId.trim())) problems.push('The mailing ID is the number shown in Optimizely Campaign (digits only).');
    if (!name.trim()) problems.push('Give the mailing a name you will recognise.');
    if (problems.length) return setError(problems.join(' '));
    setBusy(true);
    try {
      const r = await api.mailings.save({ profile: props.target.profile, client: props.target.client, mailing: { id: mailingId.trim(), name: name.trim(), notes } });
      if (!r.ok) return setError(r.error.message);
      props.onSaved(r.value);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="mailing-form"
      aria-label={props.initial ? `Edit source mailing ${props.initial.id}` : 'Add source mailing'}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="grid-3">
        <div className="field">
          <label htmlFor={`${id}-id`}>Mailing ID</label>
          <input id={`${id}-id`} inputMode="numeric" value={mailingId} readOnly={Boolean(props.initial)} onChange={(e) => setMailingId(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-name`}>Mailing name</label>
          <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-notes`}>Notes</label>
          <input id={`${id}-notes`} value={notes} onChange={(e) => setNotes(e.target.value)} />
        </div>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="button primary" disabled={busy}>
          Save mailing
        </button>
        <button type="button" className="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
