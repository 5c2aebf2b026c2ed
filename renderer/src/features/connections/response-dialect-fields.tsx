import { useId } from 'react';
import type { ResponseDialect } from '../../../../shared/contract/profiles';
import { DEFAULT_TIMESTAMP_FORMAT, timestampFormatIssue } from '../../../../shared/contract/timestamp-format';
import type { MessageId } from '../../../../shared/i18n/messages';
import { useI18n } from '../../i18n/use-i18n';
import { problemText } from './profile-draft';

const DELIMITERS: readonly { value: ResponseDialect['delimiter']; label: MessageId }[] = [
  { value: ';', label: 'connections.dialect.semicolon' },
  { value: ',', label: 'connections.dialect.comma' },
  { value: '\t', label: 'connections.dialect.tab' },
  { value: '|', label: 'connections.dialect.pipe' },
];

/**
 * How the client's server writes its response files (interpretation.md: a client setting):
 * one compact row of four fields. The defaults are the spec's; most operators never touch it.
 */
export function ResponseDialectFields(props: { dialect: ResponseDialect; onChange: (dialect: ResponseDialect) => void }) {
  const { dialect: d } = props;
  const id = useId();
  const { t } = useI18n();
  const set = (patch: Partial<ResponseDialect>) => props.onChange({ ...d, ...patch });
  const issue = timestampFormatIssue(d.timestampFormat.trim());
  const problem = issue && problemText(t, issue);
  return (
    <fieldset className="response-dialect">
      <legend>{t('connections.dialect.legend')}</legend>
      <div className="grid-4">
        <div className="field">
          <label htmlFor={`${id}-charset`}>{t('connections.dialect.charset')}</label>
          <select id={`${id}-charset`} value={d.encoding} onChange={(e) => set({ encoding: e.target.value as ResponseDialect['encoding'] })}>
            <option value="utf-8">{t('connections.encoding.utf8')}</option>
            <option value="iso-8859-1">{t('connections.encoding.latin1')}</option>
            <option value="windows-1252">{t('connections.encoding.windows1252')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-delimiter`}>{t('connections.dialect.delimiter')}</label>
          <select id={`${id}-delimiter`} value={d.delimiter} onChange={(e) => set({ delimiter: e.target.value as ResponseDialect['delimiter'] })}>
            {DELIMITERS.map((o) => (
              <option key={o.label} value={o.value}>
                {t(o.label)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-header`}>{t('connections.dialect.firstLine')}</label>
          <select id={`${id}-header`} value={d.header ? 'header' : 'data'} onChange={(e) => set({ header: e.target.value === 'header' })}>
            <option value="header">{t('connections.dialect.header')}</option>
            <option value="data">{t('connections.dialect.noHeader')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-timestamps`}>{t('connections.dialect.timestamps')}</label>
          <input
            id={`${id}-timestamps`}
            value={d.timestampFormat}
            spellCheck={false}
            placeholder={DEFAULT_TIMESTAMP_FORMAT}
            aria-invalid={problem ? true : undefined}
            aria-describedby={`${id}-timestamps-hint`}
            onChange={(e) => set({ timestampFormat: e.target.value })}
          />
        </div>
      </div>
      <p className={problem ? 'hint error-message' : 'hint'} id={`${id}-timestamps-hint`}>
        {problem ?? t('connections.dialect.timestampsHint', { example: DEFAULT_TIMESTAMP_FORMAT, header: d.header ? 'yes' : 'no' })}
      </p>
    </fieldset>
  );
}
