import { useId, useMemo } from 'react';
import { defaultFieldDrafts, defaultProductFieldDrafts, type ClientDraft, type MailingDraft } from './profile-draft';
import { productsFileNameFor, productsFileNameIssue } from '../../../../shared/contract/products-file-name';
import { RESPONSE_KIND_NAMES, responseFileName, responseFileNamesIssue } from '../../../../shared/contract/response-file-names';
import { useI18n, type I18n } from '../../i18n/use-i18n';
import { FieldListEditor } from './field-list-editor';
import { problemText } from './profile-draft';
import { FourEyesField } from './four-eyes-field';
import { ResponseDialectFields } from './response-dialect-fields';

/** What the pattern makes of one file, or what is wrong with it. */
function responseNamesHint(pattern: string, { t }: I18n): string {
  const problem = responseFileNamesIssue(pattern);
  if (problem) return problemText(t, problem);
  return t('connections.client.responseNamesHint', {
    kinds: RESPONSE_KIND_NAMES.join(', '),
    part: pattern.includes('{part}') ? 'yes' : 'no',
    example: responseFileName(pattern, '20240601', 'clicks'),
  });
}

/** What the products file of a send would be called, or what is wrong with the pattern. */
function productsNameHint(pattern: string, { t }: I18n): string {
  const problem = productsFileNameIssue(pattern);
  if (problem) return problemText(t, problem);
  return t('connections.client.productsNameHint', { example: productsFileNameFor(pattern, '20240601093000') });
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
  const i18n = useI18n();
  const { t } = i18n;
  const zones = useMemo(() => timeZones(), []);
  const label = c.name.trim() || t('connections.client.defaultName', { n: props.index + 1 });
  const set = (patch: Partial<ClientDraft>) => onChange({ ...c, ...patch });
  const setMailing = (i: number, patch: Partial<MailingDraft>) => set({ mailings: c.mailings.map((m, j) => (j === i ? { ...m, ...patch } : m)) });

  return (
    <fieldset className="client-editor">
      <legend>{t('connections.client.legend', { name: label })}</legend>
      <div className="grid-2">
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('connections.client.name')}</label>
          <input id={`${id}-name`} value={c.name} onChange={(e) => set({ name: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-encoding`}>{t('connections.client.encoding')}</label>
          <select id={`${id}-encoding`} value={c.encoding} onChange={(e) => set({ encoding: e.target.value as ClientDraft['encoding'] })}>
            <option value="utf-8">{t('connections.client.encodingUtf8')}</option>
            <option value="iso-8859-1">{t('connections.encoding.latin1')}</option>
            <option value="windows-1252">{t('connections.encoding.windows1252')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-line-breaks`}>{t('connections.client.lineBreaks')}</label>
          <select
            id={`${id}-line-breaks`}
            value={c.lineBreaks}
            aria-describedby={`${id}-line-breaks-hint`}
            onChange={(e) => set({ lineBreaks: e.target.value as ClientDraft['lineBreaks'] })}
          >
            <option value="space">{t('connections.client.lineBreaksSpace')}</option>
            <option value="reject">{t('connections.client.lineBreaksReject')}</option>
            <option value="keep">{t('connections.client.lineBreaksKeep')}</option>
          </select>
          <p className="hint" id={`${id}-line-breaks-hint`}>
            {t('connections.client.lineBreaksHint')}
          </p>
        </div>
        <FourEyesField checked={c.fourEyes} onChange={(fourEyes) => set({ fourEyes })} />
        <div className="field">
          <label htmlFor={`${id}-upload`}>{t('connections.client.uploadDir')}</label>
          <input id={`${id}-upload`} value={c.uploadDir} onChange={(e) => set({ uploadDir: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-logs`}>{t('connections.client.logDir')}</label>
          <input id={`${id}-logs`} value={c.logDir} onChange={(e) => set({ logDir: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-responses`}>{t('connections.client.responseDir')}</label>
          <input id={`${id}-responses`} value={c.responseDir} onChange={(e) => set({ responseDir: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-response-names`}>{t('connections.client.responseNames')}</label>
          <input
            id={`${id}-response-names`}
            value={c.responseFileNames}
            spellCheck={false}
            aria-describedby={`${id}-response-names-hint`}
            onChange={(e) => set({ responseFileNames: e.target.value })}
          />
          <p className="hint" id={`${id}-response-names-hint`}>
            {responseNamesHint(c.responseFileNames.trim(), i18n)}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-products-name`}>{t('connections.client.productsName')}</label>
          <input
            id={`${id}-products-name`}
            value={c.productsFileName}
            spellCheck={false}
            aria-describedby={`${id}-products-name-hint`}
            aria-invalid={productsFileNameIssue(c.productsFileName.trim()) ? true : undefined}
            onChange={(e) => set({ productsFileName: e.target.value })}
          />
          <p className="hint" id={`${id}-products-name-hint`}>
            {productsNameHint(c.productsFileName.trim(), i18n)}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-tz`}>{t('connections.client.timeZone')}</label>
          <input
            id={`${id}-tz`}
            list={`${id}-tz-list`}
            value={c.timeZone}
            placeholder={t('connections.client.timeZonePlaceholder')}
            aria-describedby={`${id}-tz-hint`}
            onChange={(e) => set({ timeZone: e.target.value })}
          />
          <datalist id={`${id}-tz-list`}>
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          <p className="hint" id={`${id}-tz-hint`}>
            {t('connections.client.timeZoneHint')}
          </p>
        </div>
      </div>
      <ResponseDialectFields dialect={c.responseDialect} onChange={(responseDialect) => set({ responseDialect })} />

      <div className="field">
        <label htmlFor={`${id}-tests`}>{t('connections.client.testRecipients')}</label>
        <textarea
          id={`${id}-tests`}
          rows={3}
          value={c.testRecipients}
          placeholder={t('connections.client.testRecipientsPlaceholder')}
          aria-describedby={`${id}-tests-hint`}
          onChange={(e) => set({ testRecipients: e.target.value })}
        />
        <p className="hint" id={`${id}-tests-hint`}>
          {t('connections.client.testRecipientsHint')}
        </p>
      </div>

      <h4>{t('connections.client.mailings')}</h4>
      <p className="hint">{t('connections.client.mailingsHint')}</p>
      {c.mailings.length === 0 ? (
        <p className="muted">{t('connections.client.noMailings')}</p>
      ) : (
        <table className="data-table">
          <caption className="visually-hidden">{t('connections.client.mailingsCaption', { client: label })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('connections.client.mailingId')}</th>
              <th scope="col">{t('connections.client.mailingName')}</th>
              <th scope="col">{t('connections.client.mailingNotes')}</th>
              <th scope="col">{t('connections.client.mailingRetired')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('connections.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {c.mailings.map((m, i) => {
              const row = { client: label, n: i + 1 };
              return (
                <tr key={i}>
                  <td>
                    <input aria-label={t('connections.client.mailingRowId', row)} inputMode="numeric" value={m.id} onChange={(e) => setMailing(i, { id: e.target.value })} />
                  </td>
                  <td>
                    <input aria-label={t('connections.client.mailingRowName', row)} value={m.name} onChange={(e) => setMailing(i, { name: e.target.value })} />
                  </td>
                  <td>
                    <input aria-label={t('connections.client.mailingRowNotes', row)} value={m.notes} onChange={(e) => setMailing(i, { notes: e.target.value })} />
                  </td>
                  <td className="center">
                    <input type="checkbox" aria-label={t('connections.client.mailingRowRetired', row)} checked={m.retired} onChange={(e) => setMailing(i, { retired: e.target.checked })} />
                  </td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="button icon danger"
                      aria-label={t('connections.client.mailingRowRemove', row)}
                      onClick={() => set({ mailings: c.mailings.filter((_, j) => j !== i) })}
                    >
                      {t('connections.icon.remove')}
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
          {t('connections.client.addMailing', { client: label })}
        </button>
      </div>

      <h4>{t('connections.client.fields')}</h4>
      <p className="hint">{t('connections.client.fieldsHint')}</p>
      <FieldListEditor
        label={t('connections.client.masterList', { client: label })}
        fields={c.fields}
        onChange={(fields) => set({ fields })}
        defaults={defaultFieldDrafts}
        defaultsLabel={t('connections.client.fieldsReset')}
      />

      <details className="sub-details">
        <summary>{t('connections.client.productFields', { count: c.productFields.length })}</summary>
        <p className="hint">{t('connections.client.productFieldsHint')}</p>
        <FieldListEditor
          label={t('connections.client.productFieldList', { client: label })}
          fields={c.productFields}
          onChange={(productFields) => set({ productFields })}
          defaults={defaultProductFieldDrafts}
          defaultsLabel={t('connections.client.productFieldsReset')}
        />
      </details>

      <div className="button-row end">
        <button type="button" className="button danger-outline" onClick={props.onRemove}>
          {t('connections.client.remove', { client: label })}
        </button>
      </div>
    </fieldset>
  );
}
