import { useState } from 'react';

/** Values longer than this are shortened in tables. */
export const SHORT_VALUE_CHARS = 60;

/**
 * A cell value that never widens its table: long values show their start and a "show all"
 * button; the whole value then wraps inside the cell instead of pushing the columns (and the
 * controls beside it) off-screen.
 */
export function LongValue(props: { value: string; label: string }) {
  const [open, setOpen] = useState(false);
  const long = props.value.length > SHORT_VALUE_CHARS;
  if (!long) return <span className="long-value">{props.value}</span>;
  return (
    <span className={`long-value${open ? ' open' : ''}`}>
      <span className="long-value-text" title={open ? undefined : props.value}>
        {open ? props.value : `${props.value.slice(0, SHORT_VALUE_CHARS)}…`}
      </span>{' '}
      <button type="button" className="link-button small" aria-expanded={open} aria-label={`${open ? 'Shorten' : 'Show the whole'} ${props.label}`} onClick={() => setOpen(!open)}>
        {open ? 'shorten' : `show all ${props.value.length.toLocaleString('en-GB')} characters`}
      </button>
    </span>
  );
}
