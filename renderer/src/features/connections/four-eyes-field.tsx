import { useId } from 'react';
import { useI18n } from '../../i18n/use-i18n';

/** The client's four-eyes setting: real sends wait for another team member's approval (team mode). */
export function FourEyesField(props: { checked: boolean; onChange: (checked: boolean) => void }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="check-field">
      <input id={`${id}-four-eyes`} type="checkbox" checked={props.checked} aria-describedby={`${id}-four-eyes-hint`} onChange={(e) => props.onChange(e.target.checked)} />
      <label htmlFor={`${id}-four-eyes`}>{t('team.fourEyes.label')}</label>
      <p className="hint" id={`${id}-four-eyes-hint`}>
        {t('team.fourEyes.hint')}
      </p>
    </div>
  );
}
