import { useId, useState, type DragEvent } from 'react';
import { useI18n } from '../../i18n/use-i18n';

/**
 * A drop zone with a real file input inside, so the keyboard (and screen readers) reach the
 * same thing a mouse drops onto.
 */
export function FileDrop(props: { label: string; hint: string; accept: string; busy: boolean; onFile: (file: File) => void }) {
  const id = useId();
  const { t } = useI18n();
  const [over, setOver] = useState(false);
  const onDrop = (ev: DragEvent<HTMLDivElement>) => {
    ev.preventDefault();
    setOver(false);
    const file = ev.dataTransfer.files[0];
    if (file) props.onFile(file);
  };
  return (
    <div
      className={`drop-zone${over ? ' over' : ''}`}
      role="group"
      aria-label={t('newSend.drop.zone', { label: props.label })}
      onDragOver={(ev) => {
        ev.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <p className="drop-title">{props.busy ? t('newSend.drop.reading') : t('newSend.drop.title')}</p>
      <p className="hint">{props.hint}</p>
      <label htmlFor={id} className="button">
        {props.label}
      </label>
      <input
        id={id}
        className="visually-hidden"
        type="file"
        accept={props.accept}
        disabled={props.busy}
        onChange={(ev) => {
          const file = ev.target.files?.[0];
          if (file) props.onFile(file);
          ev.target.value = '';
        }}
      />
    </div>
  );
}
