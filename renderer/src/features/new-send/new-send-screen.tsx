import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MailingUse } from '../../../../shared/contract/mailings';
import type { AppErrorInfo } from '../../../../shared/contract/result';
import type { MessageId } from '../../../../shared/i18n/messages';
import type { Profile } from '../../../../shared/contract/profiles';
import { useApi } from '../../api/api-context';
import { CheckStep } from './check-step';
import { EMPTY_DRAFT, previewMapped, toSendDraft, type NewSendState } from './draft-model';
import { FileStep } from './file-step';
import { useNewSendSession, type NewSendStepId } from './handoff';
import { MappingTable } from './mapping-table';
import { ProductsStep } from './products-step';
import { SendStep } from './send-step';
import type { StepProps } from './step-props';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorCallout } from '../../components/error-callout';
import { PreviewRows } from './preview-rows';
import { useI18n } from '../../i18n/use-i18n';
import { useLanguage } from '../../i18n/language-provider';

/** The steps of a new send, in order. */
const STEPS: readonly { id: NewSendStepId; label: MessageId }[] = [
  { id: 'file', label: 'newSend.step.file' },
  { id: 'mapping', label: 'newSend.step.mapping' },
  { id: 'check', label: 'newSend.step.check' },
  { id: 'products', label: 'newSend.step.products' },
  { id: 'send', label: 'newSend.step.send' },
];
type StepId = NewSendStepId;

/** New send: file → mapping → check → products → send, nothing leaves the machine before the last step's confirmation. */
export function NewSendScreen() {
  const api = useApi();
  const { t, rich, fmt, errorMessage } = useI18n();
  const { language } = useLanguage();
  // The draft outlives the screen (in the window's session), so looking at Sends and coming back loses nothing.
  const session = useNewSendSession();
  const [draft, setDraft] = useState<NewSendState>(() => session.draft());
  const [step, setStep] = useState<StepId>(() => session.step());
  const [profiles, setProfiles] = useState<Profile[] | null>(null);
  const [mailings, setMailings] = useState<MailingUse[]>([]);
  const [loadError, setLoadError] = useState<AppErrorInfo | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [confirmStartOver, setConfirmStartOver] = useState(false);

  const update = useCallback((patch: Partial<NewSendState>) => {
    setDraft((d) => {
      const next = { ...d, ...patch };
      session.keepDraft(next);
      return next;
    });
  }, [session]);
  const goTo = useCallback((s: StepId) => {
    session.keepStep(s);
    setStep(s);
    // Focus follows the step so keyboard and screen-reader users land on the new content.
    requestAnimationFrame(() => headingRef.current?.focus());
  }, [session]);

  const reload = useCallback(async () => {
    const [p, m] = await Promise.all([api.profiles.list({}), api.mailings.list({})]);
    if (!p.ok) return setLoadError(p.error);
    if (!m.ok) return setLoadError(m.error);
    setLoadError(null);
    setProfiles(p.value);
    setMailings(m.value);
    return { profiles: p.value };
  }, [api]);

  useEffect(() => {
    void (async () => {
      const loaded = await reload();
      const prefill = session.takePrefill();
      if (prefill) {
        const fresh = { ...EMPTY_DRAFT, profile: prefill.profile, client: prefill.client, sourceMailingId: prefill.sourceMailingId };
        session.keepDraft(fresh);
        setDraft(fresh);
        goTo('file');
        if (!prefill.path) return;
        const r = await api.recipients.inspect({ profile: prefill.profile, client: prefill.client, path: prefill.path, open: {} });
        if (!r.ok) return setLoadError(r.error);
        update({ inspection: r.value, mapping: r.value.mapping, chosen: [] });
        if (prefill.autoCheck) {
          const withFile: NewSendState = { ...fresh, inspection: r.value, mapping: r.value.mapping };
          const checked = await api.recipients.validate(toSendDraft(withFile, language));
          if (!checked.ok) return setLoadError(checked.error);
          update({ report: checked.value, reportStale: false });
          goTo(checked.value.valid > 0 && checked.value.excludedCount === 0 ? 'send' : 'check');
        }
        return;
      }
      // First visit: preselect when there is only one choice.
      if (loaded && !session.draft().profile && loaded.profiles.length > 0) {
        const p = loaded.profiles.find((x) => x.sandbox) ?? loaded.profiles[0];
        update({ profile: p.name, client: p.clients.length === 1 ? p.clients[0].name : '' });
      }
    })();
    // Runs once per visit; `reload` and `update` are stable.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one load per mount
  }, []);

  const profile = profiles?.find((p) => p.name === draft.profile);
  const client = profile?.clients.find((c) => c.name === draft.client);
  const clientMailings = mailings.filter((m) => m.profile === draft.profile && m.client === draft.client && !m.retired);
  const mailing = clientMailings.find((m) => m.id === draft.sourceMailingId);

  const fileDone = Boolean(draft.profile && draft.client && draft.sourceMailingId && draft.inspection);
  const mappingProblems = useMemo(
    () => (client && draft.inspection ? client.fields.filter((f) => f.required && (draft.mapping.find((m) => m.field === f.name)?.source.kind ?? 'none') === 'none').map((f) => f.name) : []),
    [client, draft.inspection, draft.mapping],
  );
  const checked = Boolean(draft.report && !draft.reportStale && draft.report.valid > 0);
  const productsOk = !draft.useProducts || Boolean(draft.products && draft.report?.products && draft.report.products.missingCount === 0 && !draft.reportStale);
  const reachable: Record<StepId, boolean> = {
    file: true,
    mapping: fileDone,
    check: fileDone && mappingProblems.length === 0,
    products: checked,
    send: checked && productsOk,
  };
  const current = STEPS.findIndex((s) => s.id === step);
  // Anything chosen beyond the connection and client can be thrown away in one action.
  const unfinished = Boolean(draft.sourceMailingId || draft.inspection || draft.products || draft.edits.overrides.length || draft.edits.excludedLines.length);

  const stepProps: StepProps = { draft, update, profile, mailing, goTo };

  return (
    <section className="screen-inner new-send" aria-labelledby="screen-title">
      <header className="screen-header with-actions">
        <div>
          <h1 id="screen-title">{t('newSend.title')}</h1>
          <p className="lead">{t('newSend.lead')}</p>
        </div>
        {unfinished && (
          <button type="button" className="button" onClick={() => setConfirmStartOver(true)}>
            {t('newSend.startOver.open')}
          </button>
        )}
      </header>
      {confirmStartOver && (
        <ConfirmDialog
          title={t('newSend.startOver.title')}
          confirmLabel={t('newSend.startOver.confirm')}
          cancelLabel={t('newSend.startOver.keep')}
          onClose={() => setConfirmStartOver(false)}
          onConfirm={async () => {
            const fresh = { ...EMPTY_DRAFT, profile: draft.profile, client: draft.client };
            session.keepDraft(fresh);
            setDraft(fresh);
            goTo('file');
            return null;
          }}
        >
          <p>
            {t('newSend.startOver.body', {
              hasFile: draft.inspection ? 'yes' : 'no',
              fileName: draft.inspection?.fileName ?? '',
              hasSends: draft.createdSends.length > 0 ? 'yes' : 'no',
            })}
          </p>
        </ConfirmDialog>
      )}
      <nav aria-label={t('newSend.steps')}>
        <ol className="stepper">
          {STEPS.map((s, i) => (
            <li key={s.id} className={`${s.id === step ? 'current' : ''} ${i < current ? 'done' : ''}`}>
              <button type="button" className="step-button" aria-current={s.id === step ? 'step' : undefined} disabled={!reachable[s.id]} onClick={() => goTo(s.id)}>
                <span className="step-number" aria-hidden="true">
                  {i + 1}
                </span>
                <span>{t(s.label)}</span>
              </button>
            </li>
          ))}
        </ol>
      </nav>
      <ErrorCallout message={loadError && errorMessage(loadError)} />
      <div className="card step-card">
        <h2 ref={headingRef} tabIndex={-1} className="step-heading">
          {t('newSend.stepHeading', { n: current + 1, total: STEPS.length, label: t(STEPS[current].label) })}
        </h2>
        {step === 'file' && (
          <FileStep {...stepProps} profiles={profiles} clientMailings={clientMailings} onReload={() => void reload()} next={reachable.mapping ? () => goTo('mapping') : undefined} />
        )}
        {step === 'mapping' && draft.inspection && client && (
          <>
            {draft.inspection.mappingSaved && (
              <p className="callout callout-info" role="note">
                {rich('newSend.mapping.remembered', { b: (c) => <strong>{c}</strong> })}
              </p>
            )}
            <p>{t('newSend.mapping.intro')}</p>
            <MappingTable
              caption={t('newSend.mapping.caption', { client: client.name })}
              fields={client.fields}
              inspection={draft.inspection}
              mapping={draft.mapping}
              chosen={draft.chosen}
              recipientFields
              sourceMailingText={draft.sourceMailingId}
              onChange={(field, source) =>
                update({
                  mapping: draft.mapping.some((m) => m.field === field) ? draft.mapping.map((m) => (m.field === field ? { field, source } : m)) : [...draft.mapping, { field, source }],
                  chosen: [...new Set([...draft.chosen, field])],
                  reportStale: draft.report !== null,
                })
              }
            />
            <MappedPreview draft={draft} fields={client.fields.map((f) => f.name)} />
            <label className="check-field">
              <input type="checkbox" checked={draft.rememberMapping} onChange={(e) => update({ rememberMapping: e.target.checked })} />
              <span>{t('newSend.mapping.remember')}</span>
            </label>
            {mappingProblems.length > 0 && (
              <p className="callout callout-warn" role="status">
                {t('newSend.mapping.missing', { fields: fmt.list(mappingProblems) })}
              </p>
            )}
            <div className="button-row">
              <button type="button" className="button" onClick={() => goTo('file')}>
                {t('newSend.back')}
              </button>
              <button
                type="button"
                className="button primary"
                disabled={!reachable.check}
                onClick={async () => {
                  if (draft.rememberMapping && draft.inspection) {
                    await api.recipients.saveMapping({ profile: draft.profile, client: draft.client, headers: draft.inspection.headers, mapping: [...draft.mapping] });
                  }
                  goTo('check');
                }}
              >
                {t('newSend.mapping.continue')}
              </button>
            </div>
          </>
        )}
        {step === 'check' && <CheckStep {...stepProps} />}
        {step === 'products' && client && <ProductsStep {...stepProps} fields={client.fields} productFields={client.productFields} />}
        {step === 'send' && client && <SendStep {...stepProps} testRecipients={client.testRecipients} />}
      </div>
    </section>
  );
}

/** The first rows exactly in upload order, as the mapping will produce them. */
function MappedPreview(props: { draft: NewSendState; fields: readonly string[] }) {
  const { draft } = props;
  const { t } = useI18n();
  if (!draft.inspection) return null;
  const ordered = props.fields.map((f) => draft.mapping.find((m) => m.field === f) ?? { field: f, source: { kind: 'none' as const } });
  const rows = previewMapped(draft.inspection, ordered, draft.sourceMailingId, 5, { noMailing: t('newSend.preview.noMailing'), newWave: t('newSend.preview.newWave') });
  return <PreviewRows caption={t('newSend.preview.caption')} columns={props.fields} rows={rows} />;
}
