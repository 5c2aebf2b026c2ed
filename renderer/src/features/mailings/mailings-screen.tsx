import { useCallback, useId, useState } from 'react';
import type { MailingUse } from '../../../../shared/contract/mailings';
import type { Profile } from '../../../../shared/contract/profiles';
import type { AppErrorInfo } from '../../../../shared/contract/result';
import type { MessageId } from '../../../../shared/i18n/messages';
import { useApi, useHostEvent } from '../../api/api-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { DataTable } from '../../components/data-table';
import { ErrorCallout } from '../../components/error-callout';
import { mapResult, useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/use-i18n';
import { navigate } from '../../routes';
import { useNewSendSession } from '../new-send/handoff';

interface Editing {
  readonly profile: string;
  readonly client: string;
  /** The ID being edited, or null for a new mailing. */
  readonly id: string | null;
}

/** The confirmation above the lists, kept as key + values so a language switch re-renders it. */
interface Notice {
  readonly id: MessageId;
  readonly values: Record<string, string>;
}

/** Source mailings per connection and client: their IDs go into `broadmail_ID`. */
export function MailingsScreen() {
  const newSend = useNewSendSession();
  const api = useApi();
  const { t, rich, fmt, errorMessage } = useI18n();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [retiring, setRetiring] = useState<MailingUse | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);

  const loadBoth = useCallback(async () => {
    const [p, m] = await Promise.all([api.profiles.list({}), api.mailings.list({})]);
    return m.ok ? mapResult(p, (list) => ({ profiles: list, mailings: m.value })) : m;
  }, [api]);
  const { value: loaded, error: loadError, reload: load } = useLoad<{ profiles: Profile[]; mailings: MailingUse[] }>(loadBoth);
  const profiles = loaded?.profiles ?? null;
  const mailings = loaded?.mailings ?? [];
  // A send starting or finishing changes which mailings are in flight.
  useHostEvent('sends.onChanged', () => void load());
  // Team mode: a source mailing another member added to a shared profile shows at once.
  useHostEvent('profiles.onTeamChange', () => void load());
  const saved = (m: MailingUse) => {
    setEditing(null);
    setNotice({ id: 'mailings.saved', values: { name: m.name, id: m.id } });
    void load();
  };

  return (
    <section className="screen-inner" aria-labelledby="screen-title">
      <header className="screen-header">
        <h1 id="screen-title">{t('mailings.title')}</h1>
        <p className="lead">{t('mailings.lead')}</p>
      </header>
      <ErrorCallout message={loadError ? errorMessage(loadError) : null} />
      {notice && (
        <p className="callout callout-ok" role="status">
          {t(notice.id, notice.values)}
        </p>
      )}
      {profiles && profiles.length === 0 && (
        <div className="empty-state">
          <h2>{t('mailings.empty.title')}</h2>
          <p>{rich('mailings.empty.body', { link: (c) => <a href="#/connections">{c}</a> })}</p>
        </div>
      )}
      {profiles?.map((p) =>
        p.clients.map((c) => {
          const rows = mailings.filter((m) => m.profile === p.name && m.client === c.name);
          const where = { client: c.name, profile: p.name };
          const isEditing = (id: string | null) => editing !== null && editing.profile === p.name && editing.client === c.name && editing.id === id;
          return (
            <section key={`${p.name}/${c.name}`} className="card client-mailings" aria-label={t('mailings.client.region', where)}>
              <header className="detail-head">
                <h2>{rich('mailings.client.heading', { ...where, muted: (x) => <span className="muted small">{x}</span> })}</h2>
                <button type="button" className="button" onClick={() => setEditing({ profile: p.name, client: c.name, id: null })} aria-label={t('mailings.addTo', where)}>
                  {t('mailings.add')}
                </button>
              </header>
              {isEditing(null) && <MailingForm target={editing!} onCancel={() => setEditing(null)} onSaved={saved} />}
              {rows.length === 0 ? (
                <p className="muted">{t('mailings.none')}</p>
              ) : (
                <DataTable
                  label={t('mailings.table.label', where)}
                  className="mailings-table"
                  rows={rows}
                  rowKey={(m) => m.id}
                  rowClassName={(m) => (m.retired ? 'row-retired' : undefined)}
                  fullRow={(m) => (isEditing(m.id) ? <MailingForm target={editing!} initial={m} onCancel={() => setEditing(null)} onSaved={saved} /> : undefined)}
                  columns={[
                    // The ID under the name, not in a column of its own: at 1024 pixels the row's three actions then fit on one line.
                    {
                      header: t('mailings.column.nameAndId'),
                      cell: (m) => (
                        <>
                          <span className="mailing-name">{m.name}</span>
                          <span className="mono small muted mailing-id">{m.id}</span>
                        </>
                      ),
                    },
                    { header: t('mailings.column.notes'), className: 'small', cell: (m) => m.notes || <span className="muted">{t('format.empty')}</span> },
                    {
                      header: t('mailings.column.status'),
                      cell: (m) =>
                        m.retired ? (
                          <span className="badge badge-state-plain">{t('mailings.status.retired')}</span>
                        ) : m.inFlightSendId ? (
                          <a href={`#/sends/${encodeURIComponent(m.inFlightSendId)}`} className="badge badge-state-pending">
                            {t('mailings.status.inFlight', { id: m.inFlightSendId })}
                          </a>
                        ) : (
                          <span className="badge badge-state-ok">{t('mailings.status.ready')}</span>
                        ),
                    },
                    {
                      header: t('mailings.column.lastUsed'),
                      className: 'small',
                      cell: (m) =>
                        m.lastUsedAt ? (
                          <>
                            {fmt.dateTime(m.lastUsedAt)}
                            {m.lastSendId && (
                              <>
                                {' '}
                                <a href={`#/sends/${encodeURIComponent(m.lastSendId)}`}>{t('mailings.lastUsed.send')}</a>
                              </>
                            )}
                          </>
                        ) : (
                          <span className="muted">{t('mailings.lastUsed.never')}</span>
                        ),
                    },
                    {
                      header: <span className="visually-hidden">{t('mailings.column.actions')}</span>,
                      className: 'row-actions',
                      cell: (m) => (
                        <>
                          {!m.retired && (
                            <button
                              type="button"
                              className="button primary"
                              aria-label={t('mailings.newSendWith', { name: m.name })}
                              disabled={Boolean(m.inFlightSendId)}
                              title={m.inFlightSendId ? t('mailings.newSendBusy', { id: m.inFlightSendId }) : undefined}
                              onClick={() => {
                                newSend.setPrefill({ profile: p.name, client: c.name, sourceMailingId: m.id });
                                navigate('new-send');
                              }}
                            >
                              {t('mailings.newSend')}
                            </button>
                          )}
                          <button type="button" className="button" aria-label={t('mailings.editName', { name: m.name })} onClick={() => setEditing({ profile: p.name, client: c.name, id: m.id })}>
                            {t('mailings.edit')}
                          </button>
                          <button
                            type="button"
                            className={`button${m.retired ? '' : ' danger-outline'}`}
                            aria-label={t(m.retired ? 'mailings.restoreName' : 'mailings.retireName', { name: m.name })}
                            disabled={!m.retired && Boolean(m.inFlightSendId)}
                            title={!m.retired && m.inFlightSendId ? t('mailings.retireBusy') : undefined}
                            onClick={() => setRetiring(m)}
                          >
                            {t(m.retired ? 'mailings.restore' : 'mailings.retire')}
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
          title={t(retiring.retired ? 'mailings.restore.title' : 'mailings.retire.title', { name: retiring.name })}
          confirmLabel={t(retiring.retired ? 'mailings.restore.confirm' : 'mailings.retire.confirm')}
          cancelLabel={t('mailings.keep')}
          danger={!retiring.retired}
          onClose={() => setRetiring(null)}
          onConfirm={async () => {
            const r = await api.mailings.retire({ profile: retiring.profile, client: retiring.client, id: retiring.id, retired: !retiring.retired });
            if (!r.ok) return errorMessage(r.error);
            setNotice({ id: r.value.retired ? 'mailings.retired' : 'mailings.restored', values: { name: r.value.name, id: r.value.id } });
            await load();
            return null;
          }}
        >
          <p>{t(retiring.retired ? 'mailings.restore.body' : 'mailings.retire.body', { id: retiring.id })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** Why the form cannot be saved yet: checks made here, or the service's error. */
type FormProblem = { readonly ids: readonly MessageId[] } | { readonly error: AppErrorInfo };

/** Add or edit one source mailing; the ID is fixed once saved (it is the key Optimizely knows). */
function MailingForm(props: { target: Editing; initial?: MailingUse; onCancel: () => void; onSaved: (m: MailingUse) => void }) {
  const api = useApi();
  const { t, errorMessage } = useI18n();
  const id = useId();
  const [mailingId, setMailingId] = useState(props.initial?.id ?? '');
  const [name, setName] = useState(props.initial?.name ?? '');
  const [notes, setNotes] = useState(props.initial?.notes ?? '');
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    const ids: MessageId[] = [];
    if (!/^\d{1,19}$/.test(mailingId.trim())) ids.push('mailings.form.badId');
    if (!name.trim()) ids.push('mailings.form.noName');
    if (ids.length) return setProblem({ ids });
    setBusy(true);
    try {
      const r = await api.mailings.save({ profile: props.target.profile, client: props.target.client, mailing: { id: mailingId.trim(), name: name.trim(), notes } });
      if (!r.ok) return setProblem({ error: r.error });
      props.onSaved(r.value);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="mailing-form"
      aria-label={props.initial ? t('mailings.form.editLabel', { id: props.initial.id }) : t('mailings.add')}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="grid-3">
        <div className="field">
          <label htmlFor={`${id}-id`}>{t('mailings.form.id')}</label>
          <input id={`${id}-id`} inputMode="numeric" value={mailingId} readOnly={Boolean(props.initial)} onChange={(e) => setMailingId(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('mailings.form.name')}</label>
          <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-notes`}>{t('mailings.column.notes')}</label>
          <input id={`${id}-notes`} value={notes} onChange={(e) => setNotes(e.target.value)} />
        </div>
      </div>
      {problem && (
        <p className="field-error" role="alert">
          {'error' in problem ? errorMessage(problem.error) : problem.ids.map((x) => <span key={x}>{t(x)} </span>)}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="button primary" disabled={busy}>
          {t('mailings.form.save')}
        </button>
        <button type="button" className="button" onClick={props.onCancel}>
          {t('mailings.form.cancel')}
        </button>
      </div>
    </form>
  );
}
