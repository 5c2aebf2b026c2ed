import { useId, useMemo } from 'react';
import { defaultFieldDrafts, defaultProductFieldDrafts, type ClientDraft, type MailingDraft } from './profile-draft';
import { productsFileNameFor, productsFileNameProblem } from '../../../../shared/contract/products-file-name';
import { responseFileName, responseFileNamesProblem } from '../../../../shared/contract/response-file-names';
import { FieldListEditor } from './field-list-editor';
import { FourEyesField } from './four-eyes-field';
import { ResponseDialectFields } from './response-dialect-fields';

/** What the pattern makes of one file, or what is wrong with it. */
function responseNamesHint(pattern: string): string {
  const problem = responseFileNamesProblem(pattern);
  if (problem) return problem;
  const part = pattern.includes('{part}') ? ' {part} numbers the files of an export split into several.' : ' Add {part} if the server splits an export into numbered files.';
  return `{date} is the day (YYYYMMDD), {kind} one of mailings, mailingrecipients, links, clicks, opens, unsubscribes, responses.${part} Example, the clicks of 1 June 2024: ${responseFileName(pattern, '20240601', 'clicks')}`;
}

/** What the products file of a send would be called, or what is wrong with the pattern. */
function productsNameHint(pattern: string): string {
  const problem = productsFileNameProblem(pattern);
  if (problem) return problem;
  return `{stamp} is the recipient file’s timestamp (YYYYMMDDHHMMSS). Example, with a recipient file sent at 09:30 on 1 June 2024: ${productsFileNameFor(pattern, '20240601093000')}`;
}

function timeZones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

/** Edits one client of a profile: directories, file format, test recipients, mailings and master list. */
export function ClientEditor(props: { client: ClientDraft; index: number; onChange: (c: ClientDraft) => void; onRemove: () => void }) {
  const { client: c, onChange } = props;
  const id = useId();
  const zones = useMemo(() => timeZones(), []);
  const label = c.name.trim() || `Client ${props.index + 1}`;
  const set = (patch: Partial<ClientDraft>) => onChange({ ...c, ...patch });
  const setMailing = (i: number, patch: Partial<MailingDraft>) => set({ mailings: c.mailings.map((m, j) => (j === i ? { ...m, ...patch } : m)) });

  return (
    <fieldset className="client-editor">
      <legend>Client: {label}</legend>
      <div className="grid-2">
        <div className="field">
          <label htmlFor={`${id}-name`}>Client name</label>
          <input id={`${id}-name`} value={c.name} onChange={(e) => set({ name: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-encoding`}>File encoding</label>
          <select id={`${id}-encoding`} value={c.encoding} onChange={(e) => set({ encoding: e.target.value as ClientDraft['encoding'] })}>
            <option value="utf-8">UTF-8 (recommended)</option>
            <option value="iso-8859-1">ISO-8859-1 (Latin-1)</option>
            <option value="windows-1252">Windows-1252</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-line-breaks`}>Line breaks in values</label>
          <select
            id={`${id}-line-breaks`}
            value={c.lineBreaks}
            aria-describedby={`${id}-line-breaks-hint`}
            onChange={(e) => set({ lineBreaks: e.target.value as ClientDraft['lineBreaks'] })}
          >
            <option value="space">Replace with a space (recommended)</option>
            <option value="reject">Leave the row out</option>
            <option value="keep">Keep, inside quotes</option>
          </select>
          <p className="hint" id={`${id}-line-breaks-hint`}>
            A cell with a line break (“Zeile↵eins”) would otherwise span two lines of the uploaded file, and an importer that reads line by line splits the record.
          </p>
        </div>
        <FourEyesField checked={c.fourEyes} onChange={(fourEyes) => set({ fourEyes })} />
        <div className="field">
          <label htmlFor={`${id}-upload`}>Upload directory</label>
          <input id={`${id}-upload`} value={c.uploadDir} onChange={(e) => set({ uploadDir: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-logs`}>Log directory</label>
          <input id={`${id}-logs`} value={c.logDir} onChange={(e) => set({ logDir: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-responses`}>Response directory</label>
          <input id={`${id}-responses`} value={c.responseDir} onChange={(e) => set({ responseDir: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-response-names`}>Response file names</label>
          <input
            id={`${id}-response-names`}
            value={c.responseFileNames}
            spellCheck={false}
            aria-describedby={`${id}-response-names-hint`}
            onChange={(e) => set({ responseFileNames: e.target.value })}
          />
          <p className="hint" id={`${id}-response-names-hint`}>
            {responseNamesHint(c.responseFileNames.trim())}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-products-name`}>Products file name</label>
          <input
            id={`${id}-products-name`}
            value={c.productsFileName}
            spellCheck={false}
            aria-describedby={`${id}-products-name-hint`}
            aria-invalid={productsFileNameProblem(c.productsFileName.trim()) ? true : undefined}
            onChange={(e) => set({ productsFileName: e.target.value })}
          />
          <p className="hint" id={`${id}-products-name-hint`}>
            {productsNameHint(c.productsFileName.trim())}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-tz`}>Time zone</label>
          <input
            id={`${id}-tz`}
            list={`${id}-tz-list`}
            value={c.timeZone}
            placeholder="This computer’s time zone"
            aria-describedby={`${id}-tz-hint`}
            onChange={(e) => set({ timeZone: e.target.value })}
          />
          <datalist id={`${id}-tz-list`}>
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          <p className="hint" id={`${id}-tz-hint`}>
            Used for the timestamp in uploaded file names, and to read the server’s times (log and response files carry no zone). Leave empty for this computer’s zone.
          </p>
        </div>
      </div>
      <ResponseDialectFields dialect={c.responseDialect} onChange={(responseDialect) => set({ responseDialect })} />

      <div className="field">
        <label htmlFor={`${id}-tests`}>Test recipients</label>
        <textarea
          id={`${id}-tests`}
          rows={3}
          value={c.testRecipients}
          placeholder={'anna@example.com, Anna Example\nqa@example.com'}
          aria-describedby={`${id}-tests-hint`}
          onChange={(e) => set({ testRecipients: e.target.value })}
        />
        <p className="hint" id={`${id}-tests-hint`}>
          One per line: the e-mail address, optionally followed by a comma and a name. Test sends go only to these addresses.
        </p>
      </div>

      <h4>Source mailings</h4>
      <p className="hint">The mailings you created in Optimizely Campaign for this client. Their ID goes into the broadmail_ID column.</p>
      {c.mailings.length === 0 ? (
        <p className="muted">No source mailings yet.</p>
      ) : (
        <table className="data-table">
          <caption className="visually-hidden">Source mailings of {label}</caption>
          <thead>
            <tr>
              <th scope="col">Mailing ID</th>
              <th scope="col">Name</th>
              <th scope="col">Notes</th>
              <th scope="col">Retired</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {c.mailings.map((m, i) => {
              const rowLabel = `${label} mailing ${i + 1}`;
              return (
                <tr key={i}>
                  <td>
                    <input aria-label={`${rowLabel} ID`} inputMode="numeric" value={m.id} onChange={(e) => setMailing(i, { id: e.target.value })} />
                  </td>
                  <td>
                    <input aria-label={`${rowLabel} name`} value={m.name} onChange={(e) => setMailing(i, { name: e.target.value })} />
                  </td>
                  <td>
                    <input aria-label={`${rowLabel} notes`} value={m.notes} onChange={(e) => setMailing(i, { notes: e.target.value })} />
                  </td>
                  <td className="center">
                    <input type="checkbox" aria-label={`${rowLabel} retired`} checked={m.retired} onChange={(e) => setMailing(i, { retired: e.target.checked })} />
                  </td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="button icon danger"
                      aria-label={`Remove ${rowLabel}`}
                      onClick={() => set({ mailings: c.mailings.filter((_, j) => j !== i) })}
                    >
                      ✕
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div className="button-row">
        <button type="button" className="button" onClick={() => set({ mailings: [...c.mailings, { id: '', name: '', notes: '', retired: false }] })}>
          Add source mailing to {label}
        </button>
      </div>

      <h4>Master list fields</h4>
      <p className="hint">
        The columns of the recipient file, in upload order, as agreed with Optimizely. Do not change them without the consent of both sides.
      </p>
      <FieldListEditor
        label={`${label} master list`}
        fields={c.fields}
        onChange={(fields) => set({ fields })}
        defaults={defaultFieldDrafts}
        defaultsLabel="Reset to the six standard fields"
      />

      <details className="sub-details">
        <summary>Product file fields ({c.productFields.length})</summary>
        <p className="hint">Columns of the optional products file uploaded with personalised sends.</p>
        <FieldListEditor
          label={`${label} product fields`}
          fields={c.productFields}
          onChange={(productFields) => set({ productFields })}
          defaults={defaultProductFieldDrafts}
          defaultsLabel="Reset to the standard product fields"
        />
      </details>

      <div className="button-row end">
        <button type="button" className="button danger-outline" onClick={props.onRemove}>
          Remove client {label}
        </button>
      </div>
    </fieldset>
  );
}
