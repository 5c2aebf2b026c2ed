import { useId, useState } from 'react';
import type { MasterField } from '../../../../shared/contract/profiles';
import type { ValidationReport } from '../../../../shared/contract/recipients';
import { useApi } from '../../api/api-context';
import { fileToHostPath } from '../../api/files';
import { plural } from '../../components/format';
import { CheckProgress, useValidation } from './check-step';
import { FileDrop } from './file-drop';
import { MappingTable } from './mapping-table';
import { operatorWords } from './draft-model';
import type { StepProps } from './new-send-screen';
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
  const { draft, update, goTo } = props;
  const { run, running, progress, error, errorDetails } = useValidation(draft, update);
  const [busy, setBusy] = useState(false);
  const [fileError, setFileError] = useState<string | null>(null);
  const refs = draft.products?.referenceFields ?? (draft.productReferenceFields.length > 0 ? draft.productReferenceFields : defaultReferenceFields(props.fields));
  const missingFromError = errorDetails && 'missingIds' in errorDetails ? errorDetails.missingIds : null;
  const productsReport = draft.reportStale ? null : draft.report?.products;

  // A disabled "Continue to send" always says why.
  const blocked = running
    ? 'Wait until the check has finished.'
    : !draft.products
      ? 'Choose a product catalog first, or send without products.'
      : !draft.useProducts
        ? 'Tick “Upload this catalog with the send”, or send without products.'
        : !productsReport
          ? 'Press “Check with the catalog” first.'
          : productsReport.missingCount > 0
            ? `${plural(productsReport.missingCount, 'product ID')} the recipients use ${productsReport.missingCount === 1 ? 'is' : 'are'} missing from the catalog: leave those rows out (above) or complete the catalog.`
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
        return setFileError(operatorWords(r.error.message, path, file.name));
      }
      update({ useProducts: true, products: { catalog: r.value, open: {}, mapping: r.value.mapping, referenceFields: refs }, reportStale: true });
    } catch (e) {
      setFileError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p>
        If the mailing shows products (for example “recommended for you”), the server needs a product catalog with every product ID the recipients refer to. It is uploaded just before the recipient file.
        Skip this step when the mailing has no products.
      </p>
      <fieldset>
        <legend>Recipient fields that hold product IDs</legend>
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
        <legend>Product catalog</legend>
        <FileDrop
          label="Choose a product catalog"
          hint="CSV or Excel with one product per row and the column names in the first row."
          accept=".csv,.txt,.xlsx"
          busy={busy}
          onFile={(f) => void onFile(f)}
        />
        <ErrorCallout message={fileError} />
        {draft.products && (
          <>
            <p>
              Catalog: <strong>{draft.products.catalog.fileName}</strong> ({draft.products.catalog.headers.length} columns)
            </p>
            <MappingTable
              caption="Product fields, in upload order"
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
              <span>Upload this catalog with the send</span>
            </label>
          </>
        )}
      </fieldset>
      {running && <CheckProgress progress={progress} label="Checking recipients and catalog" />}
      {error && !running && (
        <ErrorCallout message={error} title={missingFromError ? 'Products are missing from the catalog' : 'The check could not finish'} level={3}>
          {missingFromError && <MissingIds ids={missingFromError} />}
        </ErrorCallout>
      )}
      {productsReport && !running && (
        <div className={`callout ${productsReport.missingCount === 0 ? 'callout-ok' : 'callout-error'}`} role="status">
          <h3>{productsReport.missingCount === 0 ? `Catalog complete: ${plural(productsReport.rows, 'product')}` : `${plural(productsReport.missingCount, 'product ID')} missing from the catalog`}</h3>
          {productsReport.excludedCount > 0 && <p>{plural(productsReport.excludedCount, 'catalog row')} cannot be used and will be left out.</p>}
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
          Back
        </button>
        <button type="button" className="button" disabled={!draft.products || !draft.useProducts || running} onClick={() => void run()}>
          Check with the catalog
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
          Send without products
        </button>
        <button type="button" className="button primary" disabled={Boolean(blocked)} aria-describedby={blocked ? `${id}-blocked` : undefined} onClick={() => goTo('send')}>
          Continue to send
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
function linesText(u: MissingUse): string {
  const shown = u.lines.slice(0, 12).join(', ');
  return u.rows > 12 ? `${shown} and ${plural(u.rows - 12, 'more')}` : shown;
}

/**
 * Each missing product ID with the rows that use it, and one action that leaves those rows out
 * (the other way out, adding the products to the catalog, happens in the operator's file).
 */
function MissingProducts(props: { uses: readonly MissingUse[]; missingCount: number; onLeaveOut: (lines: number[]) => void }) {
  const lines = [...new Set(props.uses.flatMap((u) => u.lines))];
  const named = props.uses.reduce((n, u) => n + u.lines.length, 0) === props.uses.reduce((n, u) => n + u.rows, 0) && props.uses.length === props.missingCount;
  return (
    <>
      <p>Add these product IDs to the catalog and choose it again, or leave out the recipients that use them:</p>
      <DataTable
        label="Missing product IDs"
        rows={props.uses}
        rowKey={(u) => u.id}
        columns={[
          { header: 'Product ID', className: 'mono', cell: (u) => u.id },
          { header: 'Recipient rows', className: 'num', cell: (u) => u.rows.toLocaleString('en-GB') },
          { header: 'Lines of your file', cell: (u) => linesText(u) },
        ]}
      />
      {lines.length > 0 && (
        <div className="button-row">
          <button type="button" className="button primary" onClick={() => props.onLeaveOut(lines)}>
            Leave out {lines.length === 1 ? 'this row' : `these ${lines.length.toLocaleString('en-GB')} rows`}
          </button>
          {!named && <span className="hint">Too many rows to list them all: this leaves out the rows listed; check again for the rest, or complete the catalog.</span>}
        </div>
      )}
    </>
  );
}

function MissingIds(props: { ids: readonly string[] }) {
  return (
    <>
      <p>Add these product IDs to the catalog, or leave out the recipients that use them:</p>
      <ul className="chip-list" aria-label="Missing product IDs">
        {props.ids.slice(0, 50).map((id) => (
          <li key={id} className="chip mono">
            {id}
          </li>
        ))}
      </ul>
    </>
  );
}
