import type { FieldMapping, Inspection } from '../../../../shared/contract/recipients';
import type { MasterField } from '../../../../shared/contract/profiles';
import type { MessageId } from '../../../../shared/i18n/messages';
import { useI18n, type I18n } from '../../i18n/use-i18n';
import { confidenceLabel, optionToSource, sourceToOption } from './draft-model';

/** The master list's field types in plain words (Varchar has its own message with the length). */
const TYPE_TEXT: Record<Exclude<MasterField['type'], 'Varchar'>, MessageId> = {
  Bigint: 'newSend.fieldType.Bigint',
  Date: 'newSend.fieldType.Date',
  URL: 'newSend.fieldType.URL',
};

/** Plain-word field type, as the master list defines it. */
function typeText(f: MasterField, t: I18n['t']): string {
  if (f.type === 'Varchar') return t('newSend.fieldType.Varchar', { length: 'length' in f && f.length ? f.length : 0 });
  return t(TYPE_TEXT[f.type]);
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
  const { t } = useI18n();
  const first = inspection.preview[0]?.values ?? [];
  return (
    // Scrolls sideways inside the card when the window is too narrow, like every table of the app.
    <div className="table-scroll">
      <table className="data-table mapping-table">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="col-field">{t('newSend.mapping.col.field')}</th>
            <th scope="col" className="col-source">{t('newSend.mapping.col.source')}</th>
            <th scope="col" className="col-sure">{t('newSend.mapping.col.sure')}</th>
            <th scope="col" className="col-first">{t('newSend.mapping.col.first')}</th>
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
              : s.kind === 'generatedWave' ? t('newSend.mapping.newWave')
              : '';
            const missingRequired = f.required && s.kind === 'none';
            return (
              <tr key={f.name}>
                <th scope="row">
                  <span className="field-name">{f.name}</span>
                  {f.required && <span className="badge badge-pending field-req">{t('newSend.mapping.required')}</span>}
                  <span className="hint">{typeText(f, t)}</span>
                </th>
                <td>
                  <select
                    aria-label={t('newSend.mapping.sourceFor', { field: f.name })}
                    value={sourceToOption(s)}
                    onChange={(ev) => props.onChange(f.name, optionToSource(ev.target.value, inspection.headers, s))}
                  >
                    <optgroup label={t('newSend.mapping.group.columns')}>
                      {inspection.headers.map((h, i) => (
                        <option key={i} value={`col:${i}`}>
                          {h ? t('newSend.mapping.column', { header: h }) : t('newSend.mapping.columnNoHeader', { n: i + 1 })}
                        </option>
                      ))}
                    </optgroup>
                    <optgroup label={t('newSend.mapping.group.other')}>
                      {isSource && <option value="sourceMailing">{t('newSend.mapping.option.sourceMailing')}</option>}
                      {isWave && <option value="generatedWave">{t('newSend.mapping.option.generatedWave')}</option>}
                      <option value="constant">{t('newSend.mapping.option.constant')}</option>
                      <option value="none">{t('newSend.mapping.option.none')}</option>
                    </optgroup>
                  </select>
                  {s.kind === 'constant' && (
                    <input
                      className="constant-input"
                      aria-label={t('newSend.mapping.constantFor', { field: f.name })}
                      value={s.value}
                      onChange={(ev) => props.onChange(f.name, { kind: 'constant', value: ev.target.value })}
                    />
                  )}
                  {missingRequired && <p className="field-error">{t('newSend.mapping.requiredHint')}</p>}
                </td>
                <td>
                  <span className={`badge badge-conf-${conf.tone}`}>{t(conf.text)}</span>
                </td>
                <td className="sample-cell" title={sample || undefined}>{sample === '' ? <span className="muted">{t('newSend.empty')}</span> : sample}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
