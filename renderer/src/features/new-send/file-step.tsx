import { useId, useState } from 'react';
import type { MailingUse } from '../../../../shared/contract/mailings';
import type { Profile } from '../../../../shared/contract/profiles';
import type { Inspection } from '../../../../shared/contract/recipients';
import type { MessageId } from '../../../../shared/i18n/messages';
import { useApi } from '../../api/api-context';
import { fileToHostPath } from '../../api/files';
import { ErrorCallout } from '../../components/error-callout';
import { DataTable } from '../../components/data-table';
import { useAction } from '../../components/use-load';
import { useI18n, type I18n } from '../../i18n/use-i18n';
import { fileErrorText, type FileProblem } from './file-problem';
import type { NewSendState, OpenOverrides } from './draft-model';
import { FileDrop } from './file-drop';
import type { StepProps } from './step-props';

/** A space between two inline parts (a string literal in JSX would read as untranslated text to the i18n lint). */
const SPACE = ' ';

const ENCODINGS = ['utf-8', 'windows-1252', 'iso-8859-1', 'utf-16le'];
const SEPARATORS: readonly { value: string; label: MessageId }[] = [
  { value: ';', label: 'newSend.file.separator.semicolon' },
  { value: ',', label: 'newSend.file.separator.comma' },
  { value: '\t', label: 'newSend.file.separator.tab' },
  { value: '|', label: 'newSend.file.separator.pipe' },
];

function separatorName(d: string | null, t: I18n['t']): string {
  const known = SEPARATORS.find((s) => s.value === d);
  return known ? t(known.label) : d === null ? t('newSend.unknownValue') : t('newSend.file.separator.other', { value: d });
}

/** Step 1: who the send is for, and the recipient file. */
export function FileStep(
  props: StepProps & { profiles: Profile[] | null; clientMailings: MailingUse[]; onReload: () => void; next?: () => void },
) {
  const api = useApi();
  const id = useId();
  const i18n = useI18n();
  const { t, rich } = i18n;
  const { draft, update, profiles } = props;
  const { busy, error: thrown, setError: setThrown, run } = useAction();
  // Kept as the service's error (not its text), so switching the language re-renders it.
  const [problem, setProblem] = useState<FileProblem | null>(null);
  const setError = (p: FileProblem | null) => {
    setThrown(null);
    setProblem(p);
  };
  const profile = profiles?.find((p) => p.name === draft.profile);
  const targetChosen = Boolean(draft.profile && draft.client);

  /** Forgets the file (and everything made from it), so nothing is offered for a file that could not be read. */
  const dropFile = (p: FileProblem) => {
    setError(p);
    update({ inspection: null, report: null, reportStale: false, mapping: [], chosen: [], open: {}, edits: { overrides: [], excludedLines: [] } });
  };
  // `shownName` is given for a newly chosen file; without it the same file is read with other options.
  const inspect = (path: string, open: OpenOverrides, shownName?: string) =>
    run(async () => {
      setError(null);
      const r = await api.recipients.inspect({ profile: draft.profile, client: draft.client, path, open });
      if (!r.ok) {
        const p: FileProblem = { kind: 'service', error: r.error, hostPath: path, shownName: shownName ?? draft.inspection?.fileName ?? '' };
        // A new file that cannot be read replaces the old one: Continue must not go on with the previous file.
        return shownName !== undefined ? dropFile(p) : setError(p);
      }
      if (r.value.preview.length === 0) {
        return dropFile({ kind: 'noRows', fileName: shownName || r.value.fileName, headers: r.value.headers });
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
        return dropFile({ kind: 'thrown', message: e instanceof Error ? e.message : String(e) });
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
        <p>{rich('newSend.file.noConnection', { link: (c) => <a href="#/connections">{c}</a> })}</p>
      </div>
    );
  }

  return (
    <>
      <fieldset>
        <legend>{t('newSend.file.who')}</legend>
        <div className="grid-3">
          <div className="field">
            <label htmlFor={`${id}-profile`}>{t('newSend.connection')}</label>
            <select
              id={`${id}-profile`}
              value={draft.profile}
              onChange={(e) => {
                const p = profiles?.find((x) => x.name === e.target.value);
                update({ profile: e.target.value, client: p?.clients.length === 1 ? p.clients[0].name : '', sourceMailingId: '', inspection: null, report: null });
              }}
            >
              <option value="">{t('newSend.file.chooseConnection')}</option>
              {profiles?.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.sandbox ? t('newSend.file.sandboxProfile', { name: p.name }) : p.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-client`}>{t('newSend.client')}</label>
            <select
              id={`${id}-client`}
              value={draft.client}
              disabled={!profile}
              onChange={(e) => update({ client: e.target.value, sourceMailingId: '', inspection: null, report: null })}
            >
              <option value="">{t('newSend.file.chooseClient')}</option>
              {profile?.clients.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-mailing`}>{t('newSend.sourceMailing')}</label>
            <select
              id={`${id}-mailing`}
              value={draft.sourceMailingId}
              disabled={!targetChosen}
              aria-describedby={`${id}-mailing-hint`}
              onChange={(e) => update({ sourceMailingId: e.target.value, reportStale: draft.report !== null })}
            >
              <option value="">{t('newSend.file.chooseMailing')}</option>
              {props.clientMailings.map((m) => (
                <option key={m.id} value={m.id} disabled={Boolean(m.inFlightSendId)}>
                  {m.inFlightSendId ? t('newSend.file.mailingBusy', { name: m.name, id: m.id, send: m.inFlightSendId }) : t('newSend.file.mailing', { name: m.name, id: m.id })}
                </option>
              ))}
            </select>
            <p className="hint" id={`${id}-mailing-hint`}>
              {t('newSend.file.mailingHint')}{SPACE}
              <button type="button" className="link-button" onClick={props.onReload}>
                {t('newSend.file.refresh')}
              </button>
            </p>
          </div>
        </div>
        {targetChosen && props.clientMailings.length === 0 && (
          <p className="callout callout-warn">
            {rich('newSend.file.noMailings', { client: draft.client, link: (c) => <a href="#/mailings">{c}</a> })}
          </p>
        )}
      </fieldset>

      <fieldset disabled={!targetChosen}>
        <legend>{t('newSend.file.recipientFile')}</legend>
        {!targetChosen && <p className="hint">{t('newSend.file.chooseTargetFirst')}</p>}
        <FileDrop
          label={t('newSend.file.choose')}
          hint={t('newSend.file.hint')}
          accept=".csv,.txt,.xlsx"
          busy={busy}
          onFile={(f) => void onFile(f)}
        />
        <ErrorCallout message={problem ? fileErrorText(problem, i18n) : thrown} />
        {ins && (
          <div className="inspection" aria-label={t('newSend.file.details')}>
            <h3>
              {ins.fileName}{SPACE}
              <span className="muted small">{ins.preview.length === 0 ? t('newSend.file.noRows') : t('newSend.file.columns', { count: ins.headers.length })}</span>
            </h3>
            <dl className="facts compact">
              <dt>{t('newSend.file.format')}</dt>
              <dd data-testid="detected-format">{ins.format === 'xlsx' ? t('newSend.file.format.xlsx') : t('newSend.file.format.csv')}</dd>
              {ins.format === 'csv' && (
                <>
                  <dt>{t('newSend.file.encoding')}</dt>
                  <dd data-testid="detected-encoding">{ins.encoding ?? t('newSend.unknownValue')}</dd>
                  <dt>{t('newSend.file.separator')}</dt>
                  <dd data-testid="detected-separator">{separatorName(ins.delimiter, t)}</dd>
                </>
              )}
              {ins.format === 'xlsx' && (
                <>
                  <dt>{t('newSend.file.sheet')}</dt>
                  <dd>{ins.sheet ?? t('newSend.unknownValue')}</dd>
                </>
              )}
              <dt>{t('newSend.file.headerNames')}</dt>
              <dd>{t('newSend.file.headerLine', { line: ins.headerLine })}</dd>
            </dl>
            <details className="sub-details" open={Object.keys(draft.open).length > 0}>
              <summary>{t('newSend.file.readDifferently')}</summary>
              <div className="grid-3">
                {ins.format === 'csv' && (
                  <>
                    <div className="field">
                      <label htmlFor={`${id}-enc`}>{t('newSend.file.encoding')}</label>
                      <select id={`${id}-enc`} value={draft.open.encoding ?? ''} onChange={(e) => setOpen({ encoding: e.target.value })}>
                        <option value="">{ins.encoding ? t('newSend.file.detect', { value: ins.encoding }) : t('newSend.file.detectUnknown')}</option>
                        {ENCODINGS.map((e) => (
                          <option key={e} value={e}>
                            {e}
                          </option>
                        ))}
                      </select>
                    </div>
                    <div className="field">
                      <label htmlFor={`${id}-sep`}>{t('newSend.file.separator')}</label>
                      <select id={`${id}-sep`} value={draft.open.delimiter ?? ''} onChange={(e) => setOpen({ delimiter: e.target.value })}>
                        <option value="">{t('newSend.file.detect', { value: separatorName(ins.delimiter, t) })}</option>
                        {SEPARATORS.map((s) => (
                          <option key={s.label} value={s.value}>
                            {t(s.label)}
                          </option>
                        ))}
                      </select>
                    </div>
                  </>
                )}
                {ins.format === 'xlsx' && ins.sheets.length > 0 && (
                  <div className="field">
                    <label htmlFor={`${id}-sheet`}>{t('newSend.file.sheet')}</label>
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
          {t('newSend.file.continue')}
        </button>
        {!props.next && nextHint(draft) && <span className="hint">{t(nextHint(draft)!)}</span>}
      </div>
    </>
  );
}

function nextHint(d: NewSendState): MessageId | null {
  if (!d.profile || !d.client) return 'newSend.file.next.target';
  if (!d.sourceMailingId) return 'newSend.file.next.mailing';
  if (!d.inspection) return 'newSend.file.next.file';
  return null;
}

/** The file's first rows as read, with its own column names. */
function FilePreview(props: { inspection: Inspection }) {
  const ins = props.inspection;
  const { t } = useI18n();
  return (
    <DataTable
      label={t('newSend.file.preview.label')}
      caption={t('newSend.file.preview.caption')}
      className="preview-table"
      rows={ins.preview.slice(0, 8)}
      rowKey={(r) => r.line}
      columns={[
        { header: t('newSend.line'), className: 'num', cell: (r) => r.line },
        // A value cut short by the column keeps its whole text in the tooltip.
        ...ins.headers.map((h, i) => ({ header: h, title: (r: (typeof ins.preview)[number]) => r.values[i] || undefined, cell: (r: (typeof ins.preview)[number]) => r.values[i] ?? '' })),
      ]}
    />
  );
}
