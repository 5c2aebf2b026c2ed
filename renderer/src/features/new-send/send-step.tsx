import { useId, useState } from 'react';
import { useApi } from '../../api/api-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { localInputToIso } from '../../i18n/local-time-input';
import { useI18n } from '../../i18n/use-i18n';
import { navigate } from '../../routes';
import { requestNotificationPermission } from '../sends/send-notifications';
import { EMPTY_DRAFT, toSendDraft } from './draft-model';
import type { StepProps } from './step-props';
import { useLanguage } from '../../i18n/language-provider';

/** Between the links of a list of sends (data, like the e-mail lists). */
const LIST_SEPARATOR = ', ';

type When = 'now' | 'later';

/** Step 5: a test to the client's test recipients, or the real send; each behind a confirmation. */
export function SendStep(props: StepProps & { testRecipients: readonly { email: string; name: string }[] }) {
  const { draft, mailing, update } = props;
  const { t, rich } = useI18n();
  const [dialog, setDialog] = useState<'test' | 'real' | null>(null);
  const report = draft.report!;
  const leftOut = report.excludedCount + report.excludedByOperator;
  const testEmails = props.testRecipients.map((r) => r.email).join(', ');
  return (
    <>
      <dl className="facts">
        <dt>{t('newSend.connection')}</dt>
        <dd>{draft.profile}</dd>
        <dt>{t('newSend.client')}</dt>
        <dd>{draft.client}</dd>
        <dt>{t('newSend.sourceMailing')}</dt>
        <dd>
          {mailing?.name ?? t('newSend.unknownValue')} <span className="mono">{t('newSend.send.mailingId', { id: draft.sourceMailingId })}</span>
        </dd>
        <dt>{t('newSend.send.recipientFile')}</dt>
        <dd>{draft.inspection?.fileName}</dd>
        <dt>{t('newSend.send.recipients')}</dt>
        <dd>{leftOut > 0 ? t('newSend.send.recipientsLeftOut', { count: report.valid, leftOut }) : t('newSend.send.recipientCount', { count: report.valid })}</dd>
        <dt>{t('newSend.productCatalog')}</dt>
        <dd>{draft.useProducts && draft.products ? draft.products.catalog.fileName : t('newSend.send.noCatalog')}</dd>
      </dl>
      {draft.createdSends.length > 0 && (
        <div className="callout callout-info" role="note">
          <p>
            {rich('newSend.send.created', {
              sends: () =>
                draft.createdSends.map((c, i) => (
                  <span key={c.id}>
                    {i > 0 ? LIST_SEPARATOR : null}
                    <a href={`#/sends/${encodeURIComponent(c.id)}`}>{c.test ? t('newSend.send.createdTest', { id: c.id }) : t('newSend.send.createdReal', { id: c.id })}</a>
                  </span>
                )),
            })}
          </p>
          <button type="button" className="button" onClick={() => { update({ ...EMPTY_DRAFT, profile: draft.profile, client: draft.client }); props.goTo('file'); }}>
            {t('newSend.send.startNew')}
          </button>
        </div>
      )}
      {mailing?.inFlightSendId && (
        <p className="callout callout-warn" role="status">
          {rich('newSend.send.mailingBusy', { send: mailing.inFlightSendId, link: (c) => <a href={`#/sends/${mailing.inFlightSendId}`}>{c}</a> })}
        </p>
      )}
      <div className="send-choices">
        <div className="card send-choice">
          <h3>{t('newSend.send.test.title')}</h3>
          <p>{t('newSend.send.test.body', { count: props.testRecipients.length, emails: testEmails })}</p>
          {props.testRecipients.length === 0 && <p className="field-error">{t('newSend.send.test.none')}</p>}
          <button type="button" className="button" disabled={props.testRecipients.length === 0} onClick={() => setDialog('test')}>
            {t('newSend.send.test.open')}
          </button>
        </div>
        <div className="card send-choice">
          <h3>{t('newSend.send.real.title')}</h3>
          <p>{t('newSend.send.real.body', { count: report.valid })}</p>
          <button type="button" className="button primary" onClick={() => setDialog('real')}>
            {t('newSend.send.real.open')}
          </button>
        </div>
      </div>
      <div className="button-row">
        <button type="button" className="button" onClick={() => props.goTo(draft.useProducts ? 'products' : 'check')}>
          {t('newSend.back')}
        </button>
      </div>
      {dialog && (
        <SendDialog
          {...props}
          test={dialog === 'test'}
          onClose={() => setDialog(null)}
          onCreated={(id, test) => {
            // The draft stays (a cancelled or failed send is easy to redo); the screen says it was sent.
            update({ createdSends: [...draft.createdSends, { id, test }] });
            navigate('sends', id);
          }}
        />
      )}
    </>
  );
}

function SendDialog(props: StepProps & { test: boolean; testRecipients: readonly { email: string }[]; onClose: () => void; onCreated: (id: string, test: boolean) => void }) {
  const api = useApi();
  const id = useId();
  const { draft, mailing, test } = props;
  const { t, rich, fmt, errorMessage } = useI18n();
  const { language } = useLanguage();
  const [when, setWhen] = useState<When>('now');
  // An hour from now, in the form the app shows times in (the box reads that form and the ISO one).
  const [at, setAt] = useState(() => fmt.dateTime(Date.now() + 60 * 60_000));
  const report = draft.report!;
  const atIso = when === 'later' ? localInputToIso(at) : null;
  // One row per test recipient, each with the values of a different real row while there are enough (the service's cap is 20).
  const testRows = Math.max(1, Math.min(20, props.testRecipients.length, report.valid));
  const testFileRows = props.testRecipients.length;
  const leftOut = report.excludedCount + report.excludedByOperator;
  const emails = props.testRecipients.map((r) => r.email).join(', ');
  const recipientsText = test
    ? testRows === 1
      ? t('newSend.confirm.testRowsFirst', { count: testFileRows, emails })
      : t('newSend.confirm.testRowsEach', { count: testFileRows, emails, first: testRows })
    : leftOut > 0
      ? t('newSend.confirm.recipientsLeftOut', { count: report.valid, leftOut })
      : t('newSend.send.recipientCount', { count: report.valid });

  return (
    <ConfirmDialog
      title={test ? t('newSend.confirm.testTitle') : t('newSend.confirm.realTitle')}
      confirmLabel={
        test ? (when === 'now' ? t('newSend.confirm.testNow') : t('newSend.confirm.testLater')) : when === 'now' ? t('newSend.confirm.realNow') : t('newSend.confirm.realLater')
      }
      cancelLabel={t('newSend.cancel')}
      danger={!test}
      wide
      onClose={props.onClose}
      onConfirm={async () => {
        if (when === 'later' && !atIso) return t('newSend.confirm.badTime');
        if (when === 'later' && atIso && new Date(atIso).getTime() < Date.now() - 60_000) return t('newSend.confirm.pastTime');
        requestNotificationPermission();
        const r = await api.sends.create({ ...toSendDraft(draft, language), test, scheduledAt: atIso, testRows });
        if (!r.ok) return errorMessage(r.error);
        props.onCreated(r.value.id, test);
        return null;
      }}
    >
      <dl className="facts">
        <dt>{t('newSend.client')}</dt>
        <dd>{rich('newSend.confirm.clientOn', { client: draft.client, profile: draft.profile, muted: (c) => <span className="muted">{c}</span> })}</dd>
        <dt>{t('newSend.sourceMailing')}</dt>
        <dd>
          {mailing?.name ?? t('newSend.confirm.unknownMailing')} <span className="mono">{t('newSend.confirm.mailingId', { id: draft.sourceMailingId })}</span>
        </dd>
        <dt>{t('newSend.send.recipients')}</dt>
        <dd data-testid="confirm-recipients">{recipientsText}</dd>
        <dt>{t('newSend.productCatalog')}</dt>
        <dd>{draft.useProducts && draft.products ? draft.products.catalog.fileName : t('newSend.send.noCatalog')}</dd>
      </dl>
      <fieldset className="when-fieldset">
        <legend>{t('newSend.confirm.when')}</legend>
        <div className="radio-row">
          <label>
            <input type="radio" name={`${id}-when`} checked={when === 'now'} onChange={() => setWhen('now')} /> {t('newSend.confirm.now')}
          </label>
          <label>
            <input type="radio" name={`${id}-when`} checked={when === 'later'} onChange={() => setWhen('later')} /> {t('newSend.confirm.later')}
          </label>
        </div>
        {when === 'later' && (
          <div className="field">
            <label htmlFor={`${id}-at`}>{t('newSend.confirm.at')}</label>
            {/* A text box in the app's one date form (YYYY-MM-DD HH:MM), not the browser's locale picker. */}
            <input
              id={`${id}-at`}
              type="text"
              inputMode="numeric"
              placeholder={t('newSend.confirm.atPlaceholder')}
              value={at}
              aria-invalid={!atIso || undefined}
              aria-describedby={`${id}-at-hint`}
              onChange={(e) => setAt(e.target.value)}
            />
            {/* "When" is asked once (these radios); the time as Loopdesk read it, in the reader's date form. */}
            {atIso && <p>{rich('newSend.confirm.atReadBack', { time: fmt.dateTime(atIso, { seconds: true }), b: (c) => <strong data-testid="confirm-when">{c}</strong> })}</p>}
            <p className="hint" id={`${id}-at-hint`}>
              {t(atIso ? 'newSend.confirm.atHint' : 'newSend.confirm.atHintInvalid', { zone: Intl.DateTimeFormat().resolvedOptions().timeZone })}
            </p>
          </div>
        )}
      </fieldset>
      {!test && <p className="callout callout-warn">{t('newSend.confirm.realWarning')}</p>}
    </ConfirmDialog>
  );
}
