import { useId } from 'react';
import type { DataAtRest } from '../../../../shared/contract/app';
import { useI18n } from '../../i18n/use-i18n';

/** Whether the data file and the send archive are encrypted, and how to turn it on. */
export function EncryptionSection(props: { current: DataAtRest }) {
  const id = useId();
  const { t, rich } = useI18n();
  const b = (c: React.ReactNode[]) => <strong>{c}</strong>;
  return (
    <section className="card settings-card" aria-labelledby={`${id}-encryption`}>
      <h2 id={`${id}-encryption`}>{t('settings.encryption.title')}</h2>
      <p>{rich(props.current.encrypt ? 'settings.encryption.on' : 'settings.encryption.off', { b })}</p>
      {!props.current.encrypt && <p>{rich('settings.encryption.command', { code: (c) => <code>{c}</code> })}</p>}
    </section>
  );
}
