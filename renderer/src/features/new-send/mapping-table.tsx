import type { FieldMapping, Inspection } from '../../../../shared/contract/recipients';
import type { MasterField } from '../../../../shared/contract/profiles';
import { confidenceLabel, optionToSource, sourceToOption } from './draft-model';

/** Plain-word field type, as the master list defines it. */
function typeText(f: MasterField): string {
  if (f.type === 'Varchar') return `text${'length' in f && f.length ? `, up to ${f.length} characters` : ''}`;
  if (f.type === 'Bigint') return 'whole number';
  return f.type.toLowerCase();
}

/**
 * One row per master-list field: where its value comes from, how sure the suggestion is,
 * and the value of the first row, so a wrong column shows at once.
 */
export function MappingTable(props: {
  caption: string;
  fields: readonly MasterField[];
  inspection: Inspection;
  mapping: readonly FieldMapping[];
  chosen: readonly string[];
  /** Whether broadmail_ID / WAVE_ID get their special sources. */
  recipientFields: boolean;
  sourceMailingText?: string;
  onChange: (field: string, source: FieldMapping['source']) => void;
}) {
  const { inspection, mapping } = props;
  const first = inspection.preview[0]?.values ?? [];
  return (
    <table className="data-table mapping-table">
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Takes its value from</th>
          <th scope="col">How sure</th>
          <th scope="col">First row</th>
        </tr>
      </thead>
      <tbody>
        {props.fields.map((f) => {
          const m = mapping.find((x) => x.field === f.name) ?? { field: f.name, source: { kind: 'none' as const } };
          const isSource = props.recipientFields && f.name.toLowerCase().replace(/[^a-z]/g, '') === 'broadmailid';
          const isWave = props.recipientFields && f.name.toLowerCase().replace(/[^a-z]/g, '') === 'waveid';
          const conf = confidenceLabel(m, props.chosen.includes(f.name));
          const s = m.source;
          const sample =
            s.kind === 'column' ? (first[s.column] ?? '')
            : s.kind === 'constant' ? s.value
            : s.kind === 'sourceMailing' ? (props.sourceMailingText ?? '')
            : s.kind === 'generatedWave' ? 'new number per send'
            : '';
          const missingRequired = f.required && s.kind === 'none';
          return (
            <tr key={f.name}>
              <th scope="row">
                <span className="field-name">{f.name}</span>
                {f.required && <span className="badge badge-pending field-req">required</span>}
                <span className="hint">{typeText(f)}</span>
              </th>
              <td>
                <select
                  aria-label={`Source for ${f.name}`}
                  value={sourceToOption(s)}
                  onChange={(ev) => props.onChange(f.name, optionToSource(ev.target.value, inspection.headers, s))}
                >
                  <optgroup label="Column of the file">
                    {inspection.headers.map((h, i) => (
                      <option key={i} value={`col:${i}`}>
                        Column “{h || `(no header, column ${i + 1})`}”
                      </option>
                    ))}
                  </optgroup>
                  <optgroup label="Other">
                    {isSource && <option value="sourceMailing">The chosen source mailing</option>}
                    {isWave && <option value="generatedWave">Generated per send</option>}
                    <option value="constant">The same value for every row…</option>
                    <option value="none">Leave empty</option>
                  </optgroup>
                </select>
                {s.kind === 'constant' && (
                  <input
                    className="constant-input"
                    aria-label={`Value for every row, ${f.name}`}
                    value={s.value}
                    onChange={(ev) => props.onChange(f.name, { kind: 'constant', value: ev.target.value })}
                  />
                )}
                {missingRequired && <p className="field-error">Required: pick a column or type a value.</p>}
              </td>
              <td>
                <span className={`badge badge-conf-${conf.tone}`}>{conf.text}</span>
              </td>
              <td className="sample-cell">{sample === '' ? <span className="muted">empty</span> : sample}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
