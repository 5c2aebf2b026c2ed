import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { MailingUse } from '../../../../shared/contract/mailings';
import type { Profile } from '../../../../shared/contract/profiles';
import type { Inspection } from '../../../../shared/contract/recipients';
import { useApi } from '../../api/api-context';
import { fileToHostPath } from '../../api/files';
import { CheckStep } from './check-step';
import { EMPTY_DRAFT, operatorWords, previewMapped, toSendDraft, type NewSendState, type OpenOverrides } from './draft-model';
import { FileDrop } from './file-drop';
import { takeNewSendPrefill } from './handoff';
import { MappingTable } from './mapping-table';
import { ProductsStep } from './products-step';
import { SendStep } from './send-step';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { RowsTable } from '../../components/rows-table';

/** The steps of a new send, in order. */
const STEPS = [
  { id: 'file', label: 'File' },
  { id: 'mapping', label: 'Mapping' },
  { id: 'check', label: 'Check' },
  { id: 'products', label: 'Products (optional)' },
  { id: 'send', label: 'Send' },
] as const;
type StepId = (typeof STEPS)[number]['id'];

// The draft outlives the screen, so looking at the Sends screen and coming back loses nothing.
let keptDraft: NewSendState = EMPTY_DRAFT;
let keptStep: StepId = 'file';

/** Everything a step needs from the screen. */
export interface StepProps {
  readonly draft: NewSendState;
  readonly update: (patch: Partial<NewSendState>) => void;
  readonly profile: Profile | undefined;
  readonly mailing: MailingUse | undefined;
  readonly goTo: (step: StepId) => void;
}

/** New send: file → mapping → check → products → send, nothing leaves the machine before the last step's confirmation. */
export function NewSendScreen() {
  const api = useApi();
  const [draft, setDraft] = useState<NewSendState>(keptDraft);
  const [step, setStep] = useState<StepId>(keptStep);
  const [profiles, setProfiles] = useState<Profile[] | null>(null);
  const [mailings, setMailings] = useState<MailingUse[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [confirmStartOver, setConfirmStartOver] = useState(false);

  const update = useCallback((patch: Partial<NewSendState>) => {
    setDraft((d) => {
      const next = { ...d, ...patch };
      keptDraft = next;
      return next;
    });
  }, []);
  const goTo = useCallback((s: StepId) => {
    keptStep = s;
    setStep(s);
    // Focus follows the step so keyboard and screen-reader users land on the new content.
    requestAnimationFrame(() => headingRef.current?.focus());
  }, []);

  const reload = useCallback(async () => {
    const [p, m] = await Promise.all([api.profiles.list({}), api.mailings.list({})]);
    if (!p.ok) return setLoadError(p.error.message);
    if (!m.ok) return setLoadError(m.error.message);
    setLoadError(null);
    setProfiles(p.value);
    setMailings(m.value);
    return { profiles: p.value };
  }, [api]);

  useEffect(() => {
    void (async () => {
      const loaded = await reload();
      const prefill = takeNewSendPrefill();
      if (prefill) {
        const fresh = { ...EMPTY_DRAFT, profile: prefill.profile, client: prefill.client, sourceMailingId: prefill.sourceMailingId };
        keptDraft = fresh;
        setDraft(fresh);
        goTo('file');
        if (!prefill.path) return;
        const r = await api.recipients.inspect({ profile: prefill.profile, client: prefill.client, path: prefill.path, open: {} });
        if (!r.ok) return setLoadError(r.error.message);
        update({ inspection: r.value, mapping: r.value.mapping, chosen: [] });
        if (prefill.autoCheck) {
          const withFile: NewSendState = { ...fresh, inspection: r.value, mapping: r.value.mapping };
          const checked = await api.recipients.validate(toSendDraft(withFile));
          if (!checked.ok) return setLoadError(checked.error.message);
          update({ report: checked.value, reportStale: false });
          goTo(checked.value.valid > 0 && checked.value.excludedCount === 0 ? 'send' : 'check');
        }
        return;
      }
      // First visit: preselect when there is only one choice.
      if (loaded && !keptDraft.profile && loaded.profiles.length > 0) {
        const p = loaded.profiles.find((x) => x.sandbox) ?? loaded.profiles[0];
        update({ profile: p.name, client: p.clients.length === 1 ? p.clients[0].name : '' });
      }
    })();
    // Runs once per visit; `reload` and `update` are stable.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one load per mount
  }, []);

  const profile = profiles?.find((p) => p.name === draft.profile);
  const client = profile?.clients.find((c) => c.name === draft.client);
  const clientMailings = mailings.filter((m) => m.profile === draft.profile && m.client === draft.client && !m.retired);
  const mailing = clientMailings.find((m) => m.id === draft.sourceMailingId);

  const fileDone = Boolean(draft.profile && draft.client && draft.sourceMailingId && draft.inspection);
  const mappingProblems = useMemo(
    () => (client && draft.inspection ? client.fields.filter((f) => f.required && (draft.mapping.find((m) => m.field === f.name)?.source.kind ?? 'none') === 'none').map((f) => f.name) : []),
    [client, draft.inspection, draft.mapping],
  );
  const checked = Boolean(draft.report && !draft.reportStale && draft.report.valid > 0);
  const productsOk = !draft.useProducts || Boolean(draft.products && draft.report?.products && draft.report.products.missingCount === 0 && !draft.reportStale);
  const reachable: Record<StepId, boolean> = {
    file: true,
    mapping: fileDone,
    check: fileDone && mappingProblems.length === 0,
    products: checked,
    send: checked && productsOk,
  };
  const current = STEPS.findIndex((s) => s.id === step);
  // Anything chosen beyond the connection and client can be thrown away in one action.
  const unfinished = Boolean(draft.sourceMailingId || draft.inspection || draft.products || draft.edits.overrides.length || draft.edits.excludedLines.length);

  const stepProps: StepProps = { draft, update, profile, mailing, goTo };

  return (
    <section className="screen-inner new-send" aria-labelledby="screen-title">
      <header className="screen-header with-actions">
        <div>
          <h1 id="screen-title">New send</h1>
          <p className="lead">Prepare a recipient file for a client and upload it. Nothing is uploaded until you confirm on the last step.</p>
        </div>
        {unfinished && (
          <button type="button" className="button" onClick={() => setConfirmStartOver(true)}>
            Start over…
          </button>
        )}
      </header>
      {confirmStartOver && (
        <ConfirmDialog
          title="Start this send over?"
          confirmLabel="Start over"
          cancelLabel="Keep working on it"
          onClose={() => setConfirmStartOver(false)}
          onConfirm={async () => {
            const fresh = { ...EMPTY_DRAFT, profile: draft.profile, client: draft.client };
            keptDraft = fresh;
            setDraft(fresh);
            goTo('file');
            return null;
          }}
        >
          <p>
            Loopdesk forgets the file{draft.inspection ? ` “${draft.inspection.fileName}”` : ''}, the source mailing, the mapping, your corrections and the product catalog of this draft. Your files stay as
            they are{draft.createdSends.length > 0 ? ', and sends already created from this draft go on' : ''}. The connection and client stay chosen.
          </p>
        </ConfirmDialog>
      )}
      <nav aria-label="Steps">
        <ol className="stepper">
          {STEPS.map((s, i) => (
            <li key={s.id} className={`${s.id === step ? 'current' : ''} ${i < current ? 'done' : ''}`}>
              <button type="button" className="step-button" aria-current={s.id === step ? 'step' : undefined} disabled={!reachable[s.id]} onClick={() => goTo(s.id)}>
                <span className="step-number" aria-hidden="true">
                  {i + 1}
                </span>
                <span>{s.label}</span>
              </button>
            </li>
          ))}
        </ol>
      </nav>
      {loadError && (
        <div className="callout callout-error" role="alert">
          <p>{loadError}</p>
        </div>
      )}
      <div className="card step-card">
        <h2 ref={headingRef} tabIndex={-1} className="step-heading">
          Step {current + 1} of {STEPS.length}: {STEPS[current].label}
        </h2>
        {step === 'file' && (
          <FileStep {...stepProps} profiles={profiles} clientMailings={clientMailings} onReload={() => void reload()} next={reachable.mapping ? () => goTo('mapping') : undefined} />
        )}
        {step === 'mapping' && draft.inspection && client && (
          <>
            {draft.inspection.mappingSaved && (
              <p className="callout callout-info" role="note">
                <strong>Mapping remembered for these headers.</strong> You mapped a file with the same columns before, so your earlier choices are filled in.
              </p>
            )}
            <p>Each field of the client’s master list needs a value. Loopdesk suggested a column for each; check the suggestions marked “guess”.</p>
            <MappingTable
              caption={`Fields of client ${client.name}, in upload order`}
              fields={client.fields}
              inspection={draft.inspection}
              mapping={draft.mapping}
              chosen={draft.chosen}
              recipientFields
              sourceMailingText={draft.sourceMailingId}
              onChange={(field, source) =>
                update({
                  mapping: draft.mapping.some((m) => m.field === field) ? draft.mapping.map((m) => (m.field === field ? { field, source } : m)) : [...draft.mapping, { field, source }],
                  chosen: [...new Set([...draft.chosen, field])],
                  reportStale: draft.report !== null,
                })
              }
            />
            <MappedPreview draft={draft} fields={client.fields.map((f) => f.name)} />
            <label className="check-field">
              <input type="checkbox" checked={draft.rememberMapping} onChange={(e) => update({ rememberMapping: e.target.checked })} />
              <span>Remember this mapping for files with these columns</span>
            </label>
            {mappingProblems.length > 0 && (
              <p className="callout callout-warn" role="status">
                Still missing: {mappingProblems.join(', ')}. Pick a column or type a value for each required field.
              </p>
            )}
            <div className="button-row">
              <button type="button" className="button" onClick={() => goTo('file')}>
                Back
              </button>
              <button
                type="button"
                className="button primary"
                disabled={!reachable.check}
                onClick={async () => {
                  if (draft.rememberMapping && draft.inspection) {
                    await api.recipients.saveMapping({ profile: draft.profile, client: draft.client, headers: draft.inspection.headers, mapping: [...draft.mapping] });
                  }
                  goTo('check');
                }}
              >
                Continue to check
              </button>
            </div>
          </>
        )}
        {step === 'check' && <CheckStep {...stepProps} />}
        {step === 'products' && client && <ProductsStep {...stepProps} fields={client.fields} productFields={client.productFields} />}
        {step === 'send' && client && <SendStep {...stepProps} testRecipients={client.testRecipients} />}
      </div>
    </section>
  );
}

/** The first rows exactly in upload order, as the mapping will produce them. */
function MappedPreview(props: { draft: NewSendState; fields: readonly string[] }) {
  const { draft } = props;
  if (!draft.inspection) return null;
  const ordered = props.fields.map((f) => draft.mapping.find((m) => m.field === f) ?? { field: f, source: { kind: 'none' as const } });
  const rows = previewMapped(draft.inspection, ordered, draft.sourceMailingId, 5);
  return <RowsTable caption="First rows as they will be sent" columns={props.fields} rows={rows} />;
}

const ENCODINGS = ['utf-8', 'windows-1252', 'iso-8859-1', 'utf-16le'];
const SEPARATORS: readonly { value: string; label: string }[] = [
  { value: ';', label: 'Semicolon ;' },
  { value: ',', label: 'Comma ,' },
  { value: '\t', label: 'Tab' },
  { value: '|', label: 'Pipe |' },
];

function separatorName(d: string | null): string {
  return SEPARATORS.find((s) => s.value === d)?.label ?? (d === null ? '—' : `“${d}”`);
}

/** Step 1: who the send is for, and the recipient file. */
function FileStep(
  props: StepProps & { profiles: Profile[] | null; clientMailings: MailingUse[]; onReload: () => void; next?: () => void },
) {
  const api = useApi();
  const id = useId();
  const { draft, update, profiles } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const profile = profiles?.find((p) => p.name === draft.profile);
  const targetChosen = Boolean(draft.profile && draft.client);

  /** Forgets the file (and everything made from it), so nothing is offered for a file that could not be read. */
  const dropFile = (message: string) => {
    setError(message);
    update({ inspection: null, report: null, reportStale: false, mapping: [], chosen: [], open: {}, edits: { overrides: [], excludedLines: [] } });
  };
  // `shownName` is given for a newly chosen file; without it the same file is read with other options.
  const inspect = async (path: string, open: OpenOverrides, shownName?: string) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.recipients.inspect({ profile: draft.profile, client: draft.client, path, open });
      if (!r.ok) {
        const message = operatorWords(r.error.message, path, shownName ?? draft.inspection?.fileName ?? '');
        // A new file that cannot be read replaces the old one: Continue must not go on with the previous file.
        return shownName !== undefined ? dropFile(message) : setError(message);
      }
      if (r.value.preview.length === 0) {
        return dropFile(`“${shownName || r.value.fileName}” has column names (${r.value.headers.slice(0, 6).join(', ')}${r.value.headers.length > 6 ? ', …' : ''}) but no recipient rows below them. Export the recipients again with their rows and choose the new file.`);
      }
      const sameHeaders = draft.inspection && draft.inspection.path === path && draft.inspection.headers.join('\u0000') === r.value.headers.join('\u0000');
      update({
        inspection: r.value,
        open,
        mapping: sameHeaders ? draft.mapping : r.value.mapping,
        chosen: sameHeaders ? draft.chosen : [],
        report: null,
        reportStale: false,
        edits: draft.inspection?.path === path ? draft.edits : { overrides: [], excludedLines: [] },
      });
    } finally {
      setBusy(false);
    }
  };
  const onFile = async (file: File) => {
    setBusy(true);
    setError(null);
    try {
      const path = await fileToHostPath(file);
      await inspect(path, {}, file.name);
    } catch (e) {
      dropFile(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const setOpen = (patch: OpenOverrides) => {
    if (!draft.inspection) return;
    const open = { ...draft.open, ...patch };
    for (const k of Object.keys(open) as (keyof OpenOverrides)[]) if (!open[k]) delete open[k];
    void inspect(draft.inspection.path, open);
  };
  const ins = draft.inspection;

  if (profiles && profiles.length === 0) {
    return (
      <div className="callout callout-info">
        <p>
          There is no connection yet. Add one on the <a href="#/connections">Connections</a> screen first.
        </p>
      </div>
    );
  }

  return (
    <>
      <fieldset>
        <legend>Who the send is for</legend>
        <div className="grid-3">
          <div className="field">
            <label htmlFor={`${id}-profile`}>Connection</label>
            <select
              id={`${id}-profile`}
              value={draft.profile}
              onChange={(e) => {
                const p = profiles?.find((x) => x.name === e.target.value);
                update({ profile: e.target.value, client: p?.clients.length === 1 ? p.clients[0].name : '', sourceMailingId: '', inspection: null, report: null });
              }}
            >
              <option value="">Choose a connection…</option>
              {profiles?.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                  {p.sandbox ? ' (sandbox)' : ''}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-client`}>Client</label>
            <select
              id={`${id}-client`}
              value={draft.client}
              disabled={!profile}
              onChange={(e) => update({ client: e.target.value, sourceMailingId: '', inspection: null, report: null })}
            >
              <option value="">Choose a client…</option>
              {profile?.clients.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-mailing`}>Source mailing</label>
            <select
              id={`${id}-mailing`}
              value={draft.sourceMailingId}
              disabled={!targetChosen}
              aria-describedby={`${id}-mailing-hint`}
              onChange={(e) => update({ sourceMailingId: e.target.value, reportStale: draft.report !== null })}
            >
              <option value="">Choose a source mailing…</option>
              {props.clientMailings.map((m) => (
                <option key={m.id} value={m.id} disabled={Boolean(m.inFlightSendId)}>
                  {m.name} ({m.id}){m.inFlightSendId ? ` — busy: send ${m.inFlightSendId} is still in flight` : ''}
                </option>
              ))}
            </select>
            <p className="hint" id={`${id}-mailing-hint`}>
              The mailing created in Optimizely Campaign that the server copies and sends. One that is still busy with another send cannot be used until that send is finished.{' '}
              <button type="button" className="link-button" onClick={props.onReload}>
                Refresh the list
              </button>
            </p>
          </div>
        </div>
        {targetChosen && props.clientMailings.length === 0 && (
          <p className="callout callout-warn">
            Client {draft.client} has no source mailings yet. Add one on the <a href="#/mailings">Mailings</a> screen.
          </p>
        )}
      </fieldset>

      <fieldset disabled={!targetChosen}>
        <legend>Recipient file</legend>
        {!targetChosen && <p className="hint">Choose the connection and client first: the file is read against that client’s master list.</p>}
        <FileDrop
          label="Choose a recipient file"
          hint="CSV or text export (.csv, .txt) or an Excel workbook (.xlsx). The first row must hold the column names."
          accept=".csv,.txt,.xlsx"
          busy={busy}
          onFile={(f) => void onFile(f)}
        />
        {error && (
          <div className="callout callout-error" role="alert">
            <p>{error}</p>
          </div>
        )}
        {ins && (
          <div className="inspection" aria-label="File details">
            <h3>
              {ins.fileName} <span className="muted small">({ins.preview.length === 0 ? 'no rows' : `${ins.headers.length} columns`})</span>
            </h3>
            <dl className="facts compact">
              <dt>Format</dt>
              <dd data-testid="detected-format">{ins.format === 'xlsx' ? 'Excel workbook' : 'Text (CSV)'}</dd>
              {ins.format === 'csv' && (
                <>
                  <dt>Encoding</dt>
                  <dd data-testid="detected-encoding">{ins.encoding ?? '—'}</dd>
                  <dt>Separator</dt>
                  <dd data-testid="detected-separator">{separatorName(ins.delimiter)}</dd>
                </>
              )}
              {ins.format === 'xlsx' && (
                <>
                  <dt>Sheet</dt>
                  <dd>{ins.sheet ?? '—'}</dd>
                </>
              )}
              <dt>Column names</dt>
              <dd>in line {ins.headerLine}</dd>
            </dl>
            <details className="sub-details" open={Object.keys(draft.open).length > 0}>
              <summary>Looks wrong? Read the file differently</summary>
              <div className="grid-3">
                {ins.format === 'csv' && (
                  <>
                    <div className="field">
                      <label htmlFor={`${id}-enc`}>Encoding</label>
                      <select id={`${id}-enc`} value={draft.open.encoding ?? ''} onChange={(e) => setOpen({ encoding: e.target.value })}>
                        <option value="">Detect ({ins.encoding ?? 'unknown'})</option>
                        {ENCODINGS.map((e) => (
                          <option key={e} value={e}>
                            {e}
                          </option>
                        ))}
                      </select>
                    </div>
                    <div className="field">
                      <label htmlFor={`${id}-sep`}>Separator</label>
                      <select id={`${id}-sep`} value={draft.open.delimiter ?? ''} onChange={(e) => setOpen({ delimiter: e.target.value })}>
                        <option value="">Detect ({separatorName(ins.delimiter)})</option>
                        {SEPARATORS.map((s) => (
                          <option key={s.label} value={s.value}>
                            {s.label}
                          </option>
                        ))}
                      </select>
                    </div>
                  </>
                )}
                {ins.format === 'xlsx' && ins.sheets.length > 0 && (
                  <div className="field">
                    <label htmlFor={`${id}-sheet`}>Sheet</label>
                    <select id={`${id}-sheet`} value={draft.open.sheet ?? ins.sheet ?? ''} onChange={(e) => setOpen({ sheet: e.target.value })}>
                      {ins.sheets.map((s) => (
                        <option key={s} value={s}>
                          {s}
                        </option>
                      ))}
                    </select>
                  </div>
                )}
              </div>
            </details>
            <FilePreview inspection={ins} />
          </div>
        )}
      </fieldset>
      <div className="button-row">
        <button type="button" className="button primary" disabled={!props.next} onClick={props.next}>
          Continue to mapping
        </button>
        {!props.next && <span className="hint">{nextHint(draft)}</span>}
      </div>
    </>
  );
}

function nextHint(d: NewSendState): string {
  if (!d.profile || !d.client) return 'Choose the connection and client.';
  if (!d.sourceMailingId) return 'Choose the source mailing.';
  if (!d.inspection) return 'Drop or choose the recipient file.';
  return '';
}

/** The file's first rows as read, with its own column names. */
function FilePreview(props: { inspection: Inspection }) {
  const ins = props.inspection;
  return (
    <div className="table-scroll">
      <table className="data-table preview-table" aria-label="First rows of the file">
        <caption>First rows of the file, as read</caption>
        <thead>
          <tr>
            <th scope="col">Line</th>
            {ins.headers.map((h, i) => (
              <th key={i} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ins.preview.slice(0, 8).map((r) => (
            <tr key={r.line}>
              <td className="num">{r.line}</td>
              {ins.headers.map((_, i) => (
                <td key={i}>{r.values[i] ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
