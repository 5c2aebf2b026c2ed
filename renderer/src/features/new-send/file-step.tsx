import { useId } from 'react';
import type { MailingUse } from '../../../../shared/contract/mailings';
import type { Profile } from '../../../../shared/contract/profiles';
import type { Inspection } from '../../../../shared/contract/recipients';
import { useApi } from '../../api/api-context';
import { fileToHostPath } from '../../api/files';
import { ErrorCallout } from '../../components/error-callout';
import { DataTable } from '../../components/data-table';
import { useAction } from '../../components/use-load';
import { operatorWords, type NewSendState, type OpenOverrides } from './draft-model';
import { FileDrop } from './file-drop';
import type { StepProps } from './new-send-screen';

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
export function FileStep(
  props: StepProps & { profiles: Profile[] | null; clientMailings: MailingUse[]; onReload: () => void; next?: () => void },
) {
  const api = useApi();
  const id = useId();
  const { draft, update, profiles } = props;
  const { busy, error, setError, run } = useAction();
  const profile = profiles?.find((p) => p.name === draft.profile);
  const targetChosen = Boolean(draft.profile && draft.client);

  /** Forgets the file (and everything made from it), so nothing is offered for a file that could not be read. */
  const dropFile = (message: string) => {
    setError(message);
    update({ inspection: null, report: null, reportStale: false, mapping: [], chosen: [], open: {}, edits: { overrides: [], excludedLines: [] } });
  };
  // `shownName` is given for a newly chosen file; without it the same file is read with other options.
  const inspect = (path: string, open: OpenOverrides, shownName?: string) =>
    run(async () => {
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
    });
  const onFile = (file: File) =>
    run(async () => {
      let path: string;
      try {
        path = await fileToHostPath(file);
      } catch (e) {
        return dropFile(e instanceof Error ? e.message : String(e));
      }
      await inspect(path, {}, file.name);
    });
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
        <ErrorCallout message={error} />
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
    <DataTable
      label="First rows of the file"
      caption="First rows of the file, as read"
      className="preview-table"
      rows={ins.preview.slice(0, 8)}
      rowKey={(r) => r.line}
      columns={[{ header: 'Line', className: 'num', cell: (r) => r.line }, ...ins.headers.map((h, i) => ({ header: h, cell: (r: (typeof ins.preview)[number]) => r.values[i] ?? '' }))]}
    />
  );
}
