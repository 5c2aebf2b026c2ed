import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { z } from 'zod';
import type { SuppressionEntry } from '../../../../shared/contract/responses';
import type { AppErrorInfo } from '../../../../shared/contract/result';
import type { MessageId } from '../../../../shared/i18n/messages';
import { useApi } from '../../api/api-context';
import { fileToHostPath } from '../../api/files';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useI18n, type I18n } from '../../i18n/use-i18n';
import { HostFileLink } from '../../components/host-file-link';
import { ErrorCallout } from '../../components/error-callout';
import { DataTable } from '../../components/data-table';

type Entry = z.infer<typeof SuppressionEntry>;

const PAGE = 200;

/** The reasons pulls write (main's response-pull-service), in the reader's language; an operator's own reason shows as typed. */
const REASON_TEXT: Readonly<Record<string, MessageId>> = {
  Unsubscribed: 'responses.suppression.reason.unsubscribed',
  'Hard bounce': 'responses.suppression.reason.hardBounce',
};

/**
 * Where an address came from, in words: `mailing 123` → "Mailing 123", `import /long/path/list.csv`
 * → "Import list.csv" (the folder is the host's upload area, not news to the operator).
 */
function sourceText(t: I18n['t'], source: string): string {
  const mailing = /^mailing (.+)$/.exec(source);
  if (mailing) return t('responses.suppression.source.mailing', { id: mailing[1]! });
  const imported = /^import (?:.*[\\/])?(.*)$/.exec(source);
  if (imported) return t('responses.suppression.source.import', { file: imported[1]! });
  return source;
}

/**
 * The suppression list: addresses that must not get mail (hard bounces, unsubscribes, imports).
 * Search, export, import a file, and remove an address with a reason that goes to the log.
 */
export function SuppressionPanel() {
  const api = useApi();
  const { t, fmt, errorMessage } = useI18n();
  const id = useId();
  const [search, setSearch] = useState('');
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<AppErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Entry | null>(null);
  const [reason, setReason] = useState('');
  const [exported, setExported] = useState<{ path: string; rows: number } | null>(null);
  const [importFile, setImportFile] = useState<File | null>(null);
  const [importReason, setImportReason] = useState(() => t('responses.suppression.importDefaultReason'));
  const [importing, setImporting] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const load = useCallback(
    async (text: string) => {
      const r = await api.responses.suppressionList({ search: text.trim() || undefined, offset: 0, limit: PAGE });
      if (!r.ok) return setError(r.error);
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
    else setError(r.error);
  };

  const importList = async () => {
    if (!importFile) return;
    setImporting(true);
    setError(null);
    try {
      const path = await fileToHostPath(importFile);
      const r = await api.responses.suppressionImport({ path, reason: importReason.trim() || t('responses.suppression.importDefaultReason') });
      if (!r.ok) return setError(r.error);
      setNotice(t('responses.suppression.imported', { file: importFile.name, added: r.value.added, skipped: r.value.skipped }));
      setImportFile(null);
      if (fileInput.current) fileInput.current.value = '';
      await load(search);
    } catch (e) {
      setError({ code: 'INTERNAL', message: (e as Error).message });
    } finally {
      setImporting(false);
    }
  };

  return (
    <section aria-label={t('responses.tab.suppression')}>
      <p className="hint">{t('responses.suppression.intro')}</p>
      <div className="toolbar" role="search">
        <div className="field inline">
          <label htmlFor={`${id}-search`}>{t('responses.suppression.search')}</label>
          <input id={`${id}-search`} type="search" value={search} placeholder={t('responses.emailPlaceholder')} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <p className="muted small toolbar-count" role="status">
          {entries === null
            ? t('responses.loading')
            : total > entries.length
              ? t('responses.suppression.showing', { shown: entries.length, count: total })
              : t('responses.suppression.count', { count: total })}
        </p>
        <button type="button" className="button" onClick={() => void exportList()}>
          {t('responses.suppression.export')}
        </button>
      </div>
      <form
        className="toolbar"
        aria-label={t('responses.suppression.import')}
        onSubmit={(e) => {
          e.preventDefault();
          void importList();
        }}
      >
        <div className="field inline">
          <label htmlFor={`${id}-file`}>{t('responses.suppression.file')}</label>
          {/* The browser's own file box speaks the browser's language, not the app's: a button of ours opens it. */}
          <input ref={fileInput} id={`${id}-file`} type="file" hidden accept=".csv,.txt,.xlsx" onChange={(e) => setImportFile(e.target.files?.[0] ?? null)} />
          <button type="button" className="button" onClick={() => fileInput.current?.click()}>
            {t('responses.suppression.chooseFile')}
          </button>
          <span className="hint">{importFile ? importFile.name : t('responses.suppression.noFile')}</span>
        </div>
        <div className="field inline">
          <label htmlFor={`${id}-import-reason`}>{t('responses.suppression.importReason')}</label>
          <input id={`${id}-import-reason`} value={importReason} onChange={(e) => setImportReason(e.target.value)} />
        </div>
        <button type="submit" className="button" disabled={!importFile || importing}>
          {importing ? t('responses.suppression.importing') : t('responses.suppression.import')}
        </button>
      </form>
      {notice && (
        <p className="callout callout-ok" role="status">
          {notice}
        </p>
      )}
      {exported && (
        <div className="callout callout-ok" role="status">
          <p>{t('responses.suppression.exported', { count: exported.rows })}</p>
          <HostFileLink path={exported.path} label={t('responses.suppression.download')} />
        </div>
      )}
      <ErrorCallout message={error ? errorMessage(error) : null} />
      {entries && entries.length === 0 ? (
        <p className="note">{search ? t('responses.suppression.noMatch', { search }) : t('responses.suppression.empty')}</p>
      ) : (
        entries && (
          <DataTable
            label={t('responses.suppression.table')}
            rows={entries}
            rowKey={(e) => e.email}
            columns={[
              { header: t('responses.suppression.address'), cell: (e) => e.email },
              { header: t('responses.suppression.reason'), cell: (e) => (REASON_TEXT[e.reason] ? t(REASON_TEXT[e.reason]!) : e.reason) },
              { header: t('responses.suppression.source'), className: 'small', title: (e) => e.source, cell: (e) => sourceText(t, e.source) },
              { header: t('responses.suppression.added'), className: 'small', cell: (e) => fmt.dateTime(e.addedAt) },
              {
                header: <span className="visually-hidden">{t('responses.actions')}</span>,
                className: 'row-actions',
                cell: (e) => (
                  <button
                    type="button"
                    className="button danger-outline"
                    aria-label={t('responses.suppression.removeOne', { email: e.email })}
                    onClick={() => {
                      setReason('');
                      setRemoving(e);
                    }}
                  >
                    {t('responses.suppression.remove')}
                  </button>
                ),
              },
            ]}
          />
        )
      )}
      {removing && (
        <ConfirmDialog
          title={t('responses.suppression.confirmTitle', { email: removing.email })}
          confirmLabel={t('responses.suppression.confirm')}
          cancelLabel={t('responses.suppression.keep')}
          danger
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            if (reason.trim().length < 3) return t('responses.suppression.needReason');
            const r = await api.responses.suppressionRemove({ email: removing.email, reason: reason.trim() });
            if (!r.ok) return errorMessage(r.error);
            setNotice(r.value.removed ? t('responses.suppression.removed', { email: removing.email }) : t('responses.suppression.notListed', { email: removing.email }));
            await load(search);
            return null;
          }}
        >
          <p>
            {t('responses.suppression.listedBecause', {
              reason: REASON_TEXT[removing.reason] ? t(REASON_TEXT[removing.reason]!) : removing.reason,
              source: sourceText(t, removing.source),
            })}
          </p>
          <div className="field">
            <label htmlFor={`${id}-reason`}>{t('responses.suppression.removeReason')}</label>
            <textarea id={`${id}-reason`} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
        </ConfirmDialog>
      )}
    </section>
  );
}
