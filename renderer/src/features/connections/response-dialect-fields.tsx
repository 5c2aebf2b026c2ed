import { useId } from 'react';
import type { ResponseDialect } from '../../../../shared/contract/profiles';
import { DEFAULT_TIMESTAMP_FORMAT, timestampFormatProblem } from '../../../../shared/contract/timestamp-format';

const DELIMITERS: readonly { value: ResponseDialect['delimiter']; label: string }[] = [
  { value: ';', label: 'Semicolon ;' },
  { value: ',', label: 'Comma ,' },
  { value: '\t', label: 'Tab' },
  { value: '|', label: 'Pipe |' },
];

/**
 * How the client's server writes its response files (interpretation.md: a client setting):
 * one compact row of four fields. The defaults are the spec's; most operators never touch it.
 */
export function ResponseDialectFields(props: { dialect: ResponseDialect; onChange: (dialect: ResponseDialect) => void }) {
  const { dialect: d } = props;
  const id = useId();
  const set = (patch: Partial<ResponseDialect>) => props.onChange({ ...d, ...patch });
  const problem = timestampFormatProblem(d.timestampFormat.trim());
  return (
    <fieldset className="response-dialect">
      <legend>Response files from the server</legend>
      <div className="grid-4">
        <div className="field">
          <label htmlFor={`${id}-charset`}>Character set</label>
          <select id={`${id}-charset`} value={d.encoding} onChange={(e) => set({ encoding: e.target.value as ResponseDialect['encoding'] })}>
            <option value="utf-8">UTF-8</option>
            <option value="iso-8859-1">ISO-8859-1 (Latin-1)</option>
            <option value="windows-1252">Windows-1252</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-delimiter`}>Delimiter</label>
          <select id={`${id}-delimiter`} value={d.delimiter} onChange={(e) => set({ delimiter: e.target.value as ResponseDialect['delimiter'] })}>
            {DELIMITERS.map((o) => (
              <option key={o.label} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-header`}>First line</label>
          <select id={`${id}-header`} value={d.header ? 'header' : 'data'} onChange={(e) => set({ header: e.target.value === 'header' })}>
            <option value="header">Column names</option>
            <option value="data">Data, no header</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-timestamps`}>Timestamp format</label>
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
        {problem ??
          `Times like 2021-01-01 12:07:55 are ${DEFAULT_TIMESTAMP_FORMAT}. Parts: YYYY year, MM month, DD day, HH hour, mm minute, ss second; other letters in [brackets].${d.header ? '' : ' Without a header, the columns are read in the order of the interface description.'}`}
      </p>
    </fieldset>
  );
}
