import { useI18n } from '../../i18n/use-i18n';
import type { FieldDraft } from './profile-draft';

const TYPES: readonly FieldDraft['type'][] = ['Varchar', 'Bigint', 'URL', 'Date'];

/**
 * Edits an ordered list of file columns (master list or product fields). Order matters:
 * it is the column order of the uploaded file, so moving is explicit.
 */
export function FieldListEditor(props: {
  /** Accessible name of the list, e.g. `Main master list`; also prefixes every control's label. */
  label: string;
  fields: readonly FieldDraft[];
  onChange: (fields: FieldDraft[]) => void;
  defaults: () => FieldDraft[];
  defaultsLabel: string;
}) {
  const { fields, onChange, label } = props;
  const { t, fmt } = useI18n();
  const update = (i: number, patch: Partial<FieldDraft>) => onChange(fields.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  const move = (i: number, delta: number) => {
    const next = [...fields];
    const [f] = next.splice(i, 1);
    next.splice(i + delta, 0, f);
    onChange(next);
  };
  return (
    <div className="field-list">
      <table className="data-table">
        <caption className="visually-hidden">{label}</caption>
        <thead>
          <tr>
            <th scope="col">{t('connections.fields.position')}</th>
            <th scope="col">{t('connections.fields.name')}</th>
            <th scope="col">{t('connections.fields.type')}</th>
            <th scope="col">{t('connections.fields.maxLength')}</th>
            <th scope="col">{t('connections.fields.required')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('connections.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {fields.map((f, i) => {
            const row = { list: label, n: i + 1 };
            return (
              <tr key={i}>
                <td className="num">{fmt.number(i + 1)}</td>
                <td>
                  <input aria-label={t('connections.fields.rowName', row)} value={f.name} onChange={(e) => update(i, { name: e.target.value })} />
                </td>
                <td>
                  <select aria-label={t('connections.fields.rowType', row)} style={{ minWidth: '7.5rem' }} value={f.type} onChange={(e) => update(i, { type: e.target.value as FieldDraft['type'] })}>
                    {TYPES.map((t) => (
                      <option key={t} value={t}>
                        {t}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input
                    aria-label={t('connections.fields.rowMaxLength', row)}
                    inputMode="numeric"
                    className="narrow"
                    value={f.type === 'Varchar' ? f.length : ''}
                    disabled={f.type !== 'Varchar'}
                    placeholder={f.type === 'Varchar' ? fmt.number(255) : t('connections.fields.noLength')}
                    onChange={(e) => update(i, { length: e.target.value })}
                  />
                </td>
                <td className="center">
                  <input type="checkbox" aria-label={t('connections.fields.rowRequired', row)} checked={f.required} onChange={(e) => update(i, { required: e.target.checked })} />
                </td>
                <td className="row-actions">
                  <button type="button" className="button icon" aria-label={t('connections.fields.rowUp', row)} disabled={i === 0} onClick={() => move(i, -1)}>
                    {t('connections.icon.up')}
                  </button>
                  <button
                    type="button"
                    className="button icon"
                    aria-label={t('connections.fields.rowDown', row)}
                    disabled={i === fields.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    {t('connections.icon.down')}
                  </button>
                  <button type="button" className="button icon danger" aria-label={t('connections.fields.rowRemove', row)} onClick={() => onChange(fields.filter((_, j) => j !== i))}>
                    {t('connections.icon.remove')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="button-row">
        <button type="button" className="button" onClick={() => onChange([...fields, { name: '', type: 'Varchar', length: '255', required: false }])}>
          {t('connections.fields.add', { list: label })}
        </button>
        <button type="button" className="button ghost" onClick={() => onChange(props.defaults())}>
          {props.defaultsLabel}
        </button>
      </div>
    </div>
  );
}
