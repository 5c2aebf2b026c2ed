import { useId, useState } from 'react';
import type { MasterField } from '../../../../shared/contract/profiles';
import type { ValidationReport } from '../../../../shared/contract/recipients';
import { useApi } from '../../api/api-context';
import { fileToHostPath } from '../../api/files';
import { CheckProgress, useValidation } from './check-step';
import { FileDrop } from './file-drop';
import { MappingTable } from './mapping-table';
import { fileErrorText, type FileProblem } from './file-problem';
import type { StepProps } from './step-props';
import type { MessageId } from '../../../../shared/i18n/messages';
import { useI18n } from '../../i18n/use-i18n';
import { ErrorCallout } from '../../components/error-callout';
import { DataTable } from '../../components/data-table';

/** Recipient fields that look like they hold product IDs, as a starting choice. */
function defaultReferenceFields(fields: readonly MasterField[]): string[] {
  return fields.filter((f) => /product|produkt|artikel|sku/i.test(f.name)).map((f) => f.name);
}

/** Step 4 (optional): a product catalog uploaded with the recipients. */
export function ProductsStep(props: StepProps & { fields: readonly MasterField[]; productFields: readonly MasterField[] }) {
  const api = useApi();
  const id = useId();
  const i18n = useI18n();
  const { t, errorMessage } = i18n;
  const { draft, update, goTo } = props;
  const { run, running, progress, error, errorDetails } = useValidation(draft, update);
  const [busy, setBusy] = useState(false);
  const [fileError, setFileError] = useState<FileProblem | null>(null);
  const refs = draft.products?.referenceFields ?? (draft.productReferenceFields.length > 0 ? draft.productReferenceFields : defaultReferenceFields(props.fields));
  const missingFromError = errorDetails && 'missingIds' in errorDetails ? errorDetails.missingIds : null;
  const productsReport = draft.reportStale ? null : draft.report?.products;

  // A disabled "Continue to send" always says why.
  const blocked = running
    ? t('check.blocked.running')
    : !draft.products
      ? t('newSend.products.blocked.noCatalog')
      : !draft.useProducts
        ? t('newSend.products.blocked.notTicked')
        : !productsReport
          ? t('newSend.products.blocked.notChecked')
          : productsReport.missingCount > 0
            ? t('newSend.products.blocked.missing', { count: productsReport.missingCount })
            : null;

  const onFile = async (file: File) => {
    setBusy(true);
    setFileError(null);
    try {
      const path = await fileToHostPath(file);
      const r = await api.recipients.inspectCatalog({ profile: draft.profile, client: draft.client, path, open: {} });
      if (!r.ok) {
        // The catalog that could not be read is not kept: nothing is offered for it.
        update({ useProducts: false, products: null, reportStale: draft.products !== null });
        return setFileError({ kind: 'service', error: r.error, hostPath: path, shownName: file.name });
      }
      update({ useProducts: true, products: { catalog: r.value, open: {}, mapping: r.value.mapping, referenceFields: refs }, reportStale: true });
    } catch (e) {
      setFileError({ kind: 'thrown', message: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p>{t('newSend.products.intro')}</p>
      <fieldset>
        <legend>{t('newSend.products.referenceFields')}</legend>
        {props.fields.map((f) => (
          <label key={f.name} className="check-field">
            <input
              type="checkbox"
              checked={refs.includes(f.name)}
              onChange={(e) => {
                const next = e.target.checked ? [...refs, f.name] : refs.filter((r) => r !== f.name);
                update({ productReferenceFields: next, products: draft.products ? { ...draft.products, referenceFields: next } : null, reportStale: draft.products !== null });
              }}
            />
            <span>{f.name}</span>
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('newSend.productCatalog')}</legend>
        <FileDrop
          label={t('newSend.products.choose')}
          hint={t('newSend.products.hint')}
          accept=".csv,.txt,.xlsx"
          busy={busy}
          onFile={(f) => void onFile(f)}
        />
        <ErrorCallout message={fileError && fileErrorText(fileError, i18n)} />
        {draft.products && (
          <>
            <p>
              {i18n.rich('newSend.products.catalog', {
                fileName: draft.products.catalog.fileName,
                count: draft.products.catalog.headers.length,
                b: (c) => <strong>{c}</strong>,
              })}
            </p>
            <MappingTable
              caption={t('newSend.products.mappingCaption')}
              fields={props.productFields}
              inspection={draft.products.catalog}
              mapping={draft.products.mapping}
              chosen={[]}
              recipientFields={false}
              onChange={(field, source) =>
                update({
                  products: draft.products && {
                    ...draft.products,
                    mapping: draft.products.mapping.some((m) => m.field === field)
                      ? draft.products.mapping.map((m) => (m.field === field ? { field, source } : m))
                      : [...draft.products.mapping, { field, source }],
                  },
                  reportStale: true,
                })
              }
            />
            <label className="check-field">
              <input type="checkbox" id={`${id}-use`} checked={draft.useProducts} onChange={(e) => update({ useProducts: e.target.checked, reportStale: true })} />
              <span>{t('newSend.products.use')}</span>
            </label>
          </>
        )}
      </fieldset>
      {running && <CheckProgress progress={progress} label={t('newSend.products.checking')} />}
      {error && !running && (
        <ErrorCallout message={errorMessage(error)} title={missingFromError ? t('newSend.products.missingTitle') : t('check.failed')} level={3}>
          {missingFromError && <MissingIds ids={missingFromError} />}
        </ErrorCallout>
      )}
      {productsReport && !running && (
        <div className={`callout ${productsReport.missingCount === 0 ? 'callout-ok' : 'callout-error'}`} role="status">
          <h3>
            {productsReport.missingCount === 0
              ? t('newSend.products.complete', { count: productsReport.rows })
              : t('newSend.products.missing', { count: productsReport.missingCount })}
          </h3>
          {productsReport.excludedCount > 0 && <p>{t('newSend.products.excluded', { count: productsReport.excludedCount })}</p>}
          {productsReport.missingCount > 0 && (
            <MissingProducts
              uses={productsReport.missingUses}
              missingCount={productsReport.missingCount}
              onLeaveOut={(lines) => {
                const next = { ...draft, edits: { ...draft.edits, excludedLines: [...new Set([...draft.edits.excludedLines, ...lines])].sort((a, b) => a - b) }, reportStale: true };
                update({ edits: next.edits, reportStale: true });
                void run(next);
              }}
            />
          )}
        </div>
      )}
      <div className="button-row">
        <button type="button" className="button" onClick={() => goTo('check')}>
          {t('newSend.back')}
        </button>
        <button type="button" className="button" disabled={!draft.products || !draft.useProducts || running} onClick={() => void run()}>
          {t('newSend.products.check')}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            // Only catalog changes can make the report stale on this step; without a catalog it holds.
            update({ useProducts: false, reportStale: false });
            goTo('send');
          }}
          disabled={running || !draft.report}
        >
          {t('newSend.products.without')}
        </button>
        <button type="button" className="button primary" disabled={Boolean(blocked)} aria-describedby={blocked ? `${id}-blocked` : undefined} onClick={() => goTo('send')}>
          {t('newSend.toSend')}
        </button>
      </div>
      {blocked && (
        <p className="hint blocked-reason" id={`${id}-blocked`} data-testid="products-blocked">
          {blocked}
        </p>
      )}
    </>
  );
}

type MissingUse = NonNullable<ValidationReport['products']>['missingUses'][number];

/** The lines of a product ID, shortened when there are many. */
function linesText(u: MissingUse, t: (id: MessageId, values?: Record<string, string | number>) => string): string {
  const shown = u.lines.slice(0, 12).join(', ');
  return u.rows > 12 ? t('newSend.products.linesAndMore', { lines: shown, count: u.rows - 12 }) : shown;
}

/**
 * Each missing product ID with the rows that use it, and one action that leaves those rows out
 * (the other way out, adding the products to the catalog, happens in the operator's file).
 */
function MissingProducts(props: { uses: readonly MissingUse[]; missingCount: number; onLeaveOut: (lines: number[]) => void }) {
  const lines = [...new Set(props.uses.flatMap((u) => u.lines))];
  const { t, fmt } = useI18n();
  const named = props.uses.reduce((n, u) => n + u.lines.length, 0) === props.uses.reduce((n, u) => n + u.rows, 0) && props.uses.length === props.missingCount;
  return (
    <>
      <p>{t('newSend.products.missingHint')}</p>
      <DataTable
        label={t('newSend.products.missingIds')}
        rows={props.uses}
        rowKey={(u) => u.id}
        columns={[
          { header: t('newSend.products.col.id'), className: 'mono', cell: (u) => u.id },
          { header: t('newSend.products.col.rows'), className: 'num', cell: (u) => fmt.number(u.rows) },
          { header: t('newSend.products.col.lines'), cell: (u) => linesText(u, t) },
        ]}
      />
      {lines.length > 0 && (
        <div className="button-row">
          <button type="button" className="button primary" onClick={() => props.onLeaveOut(lines)}>
            {t('check.leaveOutRows', { count: lines.length })}
          </button>
          {!named && <span className="hint">{t('newSend.products.tooMany')}</span>}
        </div>
      )}
    </>
  );
}

function MissingIds(props: { ids: readonly string[] }) {
  const { t } = useI18n();
  return (
    <>
      <p>{t('newSend.products.missingIdsHint')}</p>
      <ul className="chip-list" aria-label={t('newSend.products.missingIds')}>
        {props.ids.slice(0, 50).map((id) => (
          <li key={id} className="chip mono">
            {id}
          </li>
        ))}
      </ul>
    </>
  );
}
