import { useId, useState } from 'react';
import { useApi } from '../../api/api-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { formatDateTime, localInputToIso, nowForInput, plural } from '../../components/format';
import { navigate } from '../../routes';
import { requestNotificationPermission } from '../sends/send-notifications';
import { EMPTY_DRAFT, toSendDraft } from './draft-model';
import type { StepProps } from './new-send-screen';

type When = 'now' | 'later';

/** Step 5: a test to the client's test recipients, or the real send; each behind a confirmation. */
export function SendStep(props: StepProps & { testRecipients: readonly { email: string; name: string }[] }) {
  const { draft, mailing, update } = props;
  const [dialog, setDialog] = useState<'test' | 'real' | null>(null);
  const report = draft.report!;
  return (
    <>
      <dl className="facts">
        <dt>Connection</dt>
        <dd>{draft.profile}</dd>
        <dt>Client</dt>
        <dd>{draft.client}</dd>
        <dt>Source mailing</dt>
        <dd>
          {mailing?.name ?? '—'} <span className="mono">({draft.sourceMailingId})</span>
        </dd>
        <dt>Recipient file</dt>
        <dd>{draft.inspection?.fileName}</dd>
        <dt>Recipients</dt>
        <dd>
          {plural(report.valid, 'recipient')}
          {report.excludedCount + report.excludedByOperator > 0 ? `, ${plural(report.excludedCount + report.excludedByOperator, 'row')} left out` : ''}
        </dd>
        <dt>Product catalog</dt>
        <dd>{draft.useProducts && draft.products ? draft.products.catalog.fileName : 'none'}</dd>
      </dl>
      {draft.createdSends.length > 0 && (
        <div className="callout callout-info" role="note">
          <p>
            Already created from this file:{' '}
            {draft.createdSends.map((c, i) => (
              <span key={c.id}>
                {i > 0 ? ', ' : ''}
                <a href={`#/sends/${encodeURIComponent(c.id)}`}>
                  {c.test ? 'test send' : 'send'} {c.id}
                </a>
              </span>
            ))}
            . Sending again creates another send. For a different file, start a new send.
          </p>
          <button type="button" className="button" onClick={() => { update({ ...EMPTY_DRAFT, profile: draft.profile, client: draft.client }); props.goTo('file'); }}>
            Start a new send
          </button>
        </div>
      )}
      {mailing?.inFlightSendId && (
        <p className="callout callout-warn" role="status">
          This source mailing is busy with send {mailing.inFlightSendId}. Wait until it is finished before sending again (see <a href={`#/sends/${mailing.inFlightSendId}`}>Sends</a>).
        </p>
      )}
      <div className="send-choices">
        <div className="card send-choice">
          <h3>Send a test</h3>
          <p>
            Goes only to the client’s {plural(props.testRecipients.length, 'test recipient')}
            {props.testRecipients.length > 0 ? ` (${props.testRecipients.map((t) => t.email).join(', ')})` : ''}, personalised with real rows of your file, so you see what recipients will see.
          </p>
          {props.testRecipients.length === 0 && <p className="field-error">This client has no test recipients. Add them on the Connections screen.</p>}
          <button type="button" className="button" disabled={props.testRecipients.length === 0} onClick={() => setDialog('test')}>
            Send a test…
          </button>
        </div>
        <div className="card send-choice">
          <h3>Send for real</h3>
          <p>Uploads the file to the server, which copies the source mailing and sends it to {plural(report.valid, 'recipient')}.</p>
          <button type="button" className="button primary" onClick={() => setDialog('real')}>
            Send for real…
          </button>
        </div>
      </div>
      <div className="button-row">
        <button type="button" className="button" onClick={() => props.goTo(draft.useProducts ? 'products' : 'check')}>
          Back
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
  const [when, setWhen] = useState<When>('now');
  const [at, setAt] = useState(nowForInput(60));
  const report = draft.report!;
  const atIso = when === 'later' ? localInputToIso(at) : null;
  // One row per test recipient, each with the values of a different real row while there are enough (the service's cap is 20).
  const testRows = Math.max(1, Math.min(20, props.testRecipients.length, report.valid));
  const testFileRows = props.testRecipients.length;
  const recipientsText = test
    ? `The test file holds exactly ${plural(testFileRows, 'row')}: one per test recipient (${props.testRecipients.map((t) => t.email).join(', ')}), ${
        testRows === 1 ? `${testFileRows === 1 ? 'with' : 'each with'} the values of the first row of your file` : `each with the values of one of the first ${testRows} rows of your file`
      }`
    : `${plural(report.valid, 'recipient')}${report.excludedCount + report.excludedByOperator > 0 ? ` (${plural(report.excludedCount + report.excludedByOperator, 'row')} of the file left out)` : ''}`;

  return (
    <ConfirmDialog
      title={test ? 'Send a test?' : 'Send for real?'}
      confirmLabel={test ? (when === 'now' ? 'Send the test now' : 'Schedule the test') : when === 'now' ? 'Send now' : 'Schedule the send'}
      danger={!test}
      wide
      onClose={props.onClose}
      onConfirm={async () => {
        if (when === 'later' && !atIso) return 'Enter a valid date and time, or choose “Now”.';
        if (when === 'later' && atIso && new Date(atIso).getTime() < Date.now() - 60_000) return 'That time has passed. Pick a time in the future, or choose “Now”.';
        requestNotificationPermission();
        const r = await api.sends.create({ ...toSendDraft(draft), test, scheduledAt: atIso, testRows });
        if (!r.ok) return r.error.message;
        props.onCreated(r.value.id, test);
        return null;
      }}
    >
      <dl className="facts">
        <dt>Client</dt>
        <dd>
          {draft.client} <span className="muted">on {draft.profile}</span>
        </dd>
        <dt>Source mailing</dt>
        <dd>
          {mailing?.name ?? 'unknown'} <span className="mono">(ID {draft.sourceMailingId})</span>
        </dd>
        <dt>Recipients</dt>
        <dd data-testid="confirm-recipients">{recipientsText}</dd>
        <dt>Product catalog</dt>
        <dd>{draft.useProducts && draft.products ? draft.products.catalog.fileName : 'none'}</dd>
        <dt>When</dt>
        <dd data-testid="confirm-when">{when === 'now' ? 'Now' : atIso ? formatDateTime(atIso) : 'pick a date and time'}</dd>
      </dl>
      <fieldset className="when-fieldset">
        <legend>When</legend>
        <div className="radio-row">
          <label>
            <input type="radio" name={`${id}-when`} checked={when === 'now'} onChange={() => setWhen('now')} /> Now
          </label>
          <label>
            <input type="radio" name={`${id}-when`} checked={when === 'later'} onChange={() => setWhen('later')} /> At a date and time
          </label>
        </div>
        {when === 'later' && (
          <div className="field">
            <label htmlFor={`${id}-at`}>Send at</label>
            {/* A text box in the app's one date form (YYYY-MM-DD HH:MM), not the browser's locale picker. */}
            <input
              id={`${id}-at`}
              type="text"
              inputMode="numeric"
              placeholder="YYYY-MM-DD HH:MM"
              value={at}
              aria-invalid={!atIso || undefined}
              aria-describedby={`${id}-at-hint`}
              onChange={(e) => setAt(e.target.value)}
            />
            <p className="hint" id={`${id}-at-hint`}>
              {atIso ? 'As YYYY-MM-DD HH:MM' : 'Write the time as YYYY-MM-DD HH:MM, for example 2026-12-24 09:30,'} in your computer’s time zone ({Intl.DateTimeFormat().resolvedOptions().timeZone}). Loopdesk must be running at that
              time to upload.
            </p>
          </div>
        )}
      </fieldset>
      {!test && <p className="callout callout-warn">The server sends the mailing to every recipient shortly after the upload. This cannot be undone once the upload has started.</p>}
    </ConfirmDialog>
  );
}
