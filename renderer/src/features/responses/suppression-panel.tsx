import { useCallback, useEffect, useId, useState } from 'react';
import type { z } from 'zod';
import type { SuppressionEntry } from '../../../../shared/contract/responses';
import { useApi } from '../../api/api-context';
import { fileToHostPath } from '../../api/files';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { formatDateTime, plural } from '../../components/format';
import { HostFileLink } from '../../components/host-file-link';
import { ErrorCallout } from '../../components/error-callout';
import { DataTable } from '../../components/data-table';

type Entry = z.infer<typeof SuppressionEntry>;

const PAGE = 200;

/** `import /long/path/list.csv` → `import list.csv`: the folder is the host's upload area, not news to the operator. */
function shortSource(source: string): string {
  return source.replace(/^import (?:.*[\\/])?/, 'import ');
}

/**
 * The suppression list: addresses that must not get mail (hard bounces, unsubscribes, imports).
 * Search, export, import a file, and remove an address with a reason that goes to the log.
 */
export function SuppressionPanel() {
  const api = useApi();
  const id = useId();
  const [search, setSearch] = useState('');
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Entry | null>(null);
  const [reason, setReason] = useState('');
  const [exported, setExported] = useState<{ path: string; rows: number } | null>(null);
  const [importFile, setImportFile] = useState<File | null>(null);
  const [importReason, setImportReason] = useState('Imported list');
  const [importing, setImporting] = useState(false);

  const load = useCallback(
    async (text: string) => {
      const r = await api.responses.suppressionList({ search: text.trim() || undefined, offset: 0, limit: PAGE });
      if (!r.ok) return setError(r.error.message);
      setError(null);
      setEntries(r.value.entries);
      setTotal(r.value.total);
    },
    [api],
  );
  useEffect(() => {
    const t = setTimeout(() => void load(search), 250);
    return () => clearTimeout(t);
  }, [load, search]);

  const exportList = async () => {
    setExported(null);
    const r = await api.responses.suppressionExport({});
    if (r.ok) setExported(r.value);
    else setError(r.error.message);
  };

  const importList = async () => {
    if (!importFile) return;
    setImporting(true);
    setError(null);
    try {
      const path = await fileToHostPath(importFile);
      const r = await api.responses.suppressionImport({ path, reason: importReason.trim() || 'Imported list' });
      if (!r.ok) return setError(r.error.message);
      setNotice(`Imported ${importFile.name}: ${plural(r.value.added, 'address', 'addresses')} added, ${r.value.skipped} skipped (already listed or not an address).`);
      setImportFile(null);
      await load(search);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setImporting(false);
    }
  };

  return (
    <section aria-label="Suppression list">
      <p className="hint">
        Addresses on this list are never sent to: hard bounces and unsubscribes are added by every pull. Remove an address only when you know it may get mail again.
      </p>
      <div className="toolbar" role="search">
        <div className="field inline">
          <label htmlFor={`${id}-search`}>Search addresses</label>
          <input id={`${id}-search`} type="search" value={search} placeholder="name@example.com" onChange={(e) => setSearch(e.target.value)} />
        </div>
        <p className="muted small toolbar-count" role="status">
          {entries === null ? 'Loading…' : total > entries.length ? `Showing ${entries.length} of ${plural(total, 'address', 'addresses')}` : plural(total, 'address', 'addresses')}
        </p>
        <button type="button" className="button" onClick={() => void exportList()}>
          Export the list
        </button>
      </div>
      <form
        className="toolbar"
        aria-label="Import addresses"
        onSubmit={(e) => {
          e.preventDefault();
          void importList();
        }}
      >
        <div className="field inline">
          <label htmlFor={`${id}-file`}>File to import</label>
          <input id={`${id}-file`} type="file" accept=".csv,.txt,.xlsx" onChange={(e) => setImportFile(e.target.files?.[0] ?? null)} />
        </div>
        <div className="field inline">
          <label htmlFor={`${id}-import-reason`}>Reason for these addresses</label>
          <input id={`${id}-import-reason`} value={importReason} onChange={(e) => setImportReason(e.target.value)} />
        </div>
        <button type="submit" className="button" disabled={!importFile || importing}>
          {importing ? 'Importing…' : 'Import addresses'}
        </button>
      </form>
      {notice && (
        <p className="callout callout-ok" role="status">
          {notice}
        </p>
      )}
      {exported && (
        <div className="callout callout-ok" role="status">
          <p>The suppression list is written ({plural(exported.rows, 'address', 'addresses')}).</p>
          <HostFileLink path={exported.path} label="Download the list (CSV)" />
        </div>
      )}
      <ErrorCallout message={error} />
      {entries && entries.length === 0 ? (
        <p className="note">{search ? `No address matches “${search}”.` : 'The list is empty. Hard bounces and unsubscribes land here after a pull.'}</p>
      ) : (
        entries && (
          <DataTable
            label="Suppressed addresses"
            rows={entries}
            rowKey={(e) => e.email}
            columns={[
              { header: 'Address', cell: (e) => e.email },
              { header: 'Reason', cell: (e) => e.reason },
              { header: 'Source', className: 'small', title: (e) => e.source, cell: (e) => shortSource(e.source) },
              { header: 'Added', className: 'small', cell: (e) => formatDateTime(e.addedAt) },
              {
                header: <span className="visually-hidden">Actions</span>,
                className: 'row-actions',
                cell: (e) => (
                  <button
                    type="button"
                    className="button danger-outline"
                    aria-label={`Remove ${e.email}`}
                    onClick={() => {
                      setReason('');
                      setRemoving(e);
                    }}
                  >
                    Remove…
                  </button>
                ),
              },
            ]}
          />
        )
      )}
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing.email} from the suppression list?`}
          confirmLabel="Remove the address"
          cancelLabel="Keep it"
          danger
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            if (reason.trim().length < 3) return 'Say why the address may get mail again (at least 3 characters); the reason goes to the activity log.';
            const r = await api.responses.suppressionRemove({ email: removing.email, reason: reason.trim() });
            if (!r.ok) return r.error.message;
            setNotice(r.value.removed ? `${removing.email} was removed from the suppression list.` : `${removing.email} was not on the list any more.`);
            await load(search);
            return null;
          }}
        >
          <p>
            It is listed because of “{removing.reason}” ({removing.source}). After removal, the next send to it goes out.
          </p>
          <div className="field">
            <label htmlFor={`${id}-reason`}>Reason for removing</label>
            <textarea id={`${id}-reason`} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
        </ConfirmDialog>
      )}
    </section>
  );
}
