import { useState } from 'react';
import { useI18n } from '../i18n/use-i18n';

/** Values longer than this are shortened in tables. */
export const SHORT_VALUE_CHARS = 60;

/**
 * A cell value that never widens its table: long values show their start and a "show all"
 * button; the whole value then wraps inside the cell instead of pushing the columns (and the
 * controls beside it) off-screen.
 */
export function LongValue(props: { value: string; label: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const long = props.value.length > SHORT_VALUE_CHARS;
  if (!long) return <span className="long-value">{props.value}</span>;
  return (
    <span className={`long-value${open ? ' open' : ''}`}>
      <span className="long-value-text" title={open ? undefined : props.value}>
        {open ? props.value : t('common.longValue.start', { start: props.value.slice(0, SHORT_VALUE_CHARS) })}
      </span> <button type="button" className="link-button small" aria-expanded={open} aria-label={open ? t('common.longValue.shortenLabel', { label: props.label }) : t('common.longValue.showAllLabel', { label: props.label })} onClick={() => setOpen(!open)}>
        {open ? t('common.longValue.shorten') : t('common.longValue.showAll', { count: props.value.length })}
      </button>
    </span>
  );
}
