import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ImplOf } from '../../../shared/contract';
import type { ClientConfig } from '../../../shared/contract/profiles';
import type { recipientsContract, SendDraft, ValidationReport } from '../../../shared/contract/recipients';
import { AppError, isAppErrorOf } from '../../../shared/contract/result';
import type { EventBus } from '../../core/event-bus';
import type { ProfilesService } from '../profiles/profiles-service';
import { resolveTarget } from '../profiles/resolve-target';
import type { Database } from '../store/database';
import { mappingKey, rebaseMapping, suggestMapping, type FieldMapping } from './mapping';
import { prepare, type PrepareReport } from './prepare';
import { previewSpreadsheet } from './spreadsheet';
import { readFirstRows } from './closed-loop-reader';

/** Runs the whole preparation of a draft into `outDir`. */
export async function prepareDraft(args: {
  draft: SendDraft;
  client: ClientConfig;
  outDir: string;
  suppressed?: (email: string) => string | undefined;
  now?: Date;
  taken?: (name: string) => boolean;
  onProgress?: (p: { bytesRead: number; totalBytes: number; rows: number }) => void;
  /** Sending refuses missing product IDs (the server would reject the file); checking only reports them. */
  failOnMissingProducts?: boolean;
  /** Sending refuses rows naming another source mailing; checking reports them (see prepare). */
  sourceMailingMismatch?: 'refuse' | 'report';
}): Promise<PrepareReport> {
  const { draft, client } = args;
  const report = await prepare({
    input: draft.path,
    open: draft.open,
    fields: client.fields,
    mapping: draft.mapping.length > 0 ? draft.mapping : undefined,
    sourceMailingId: draft.sourceMailingId,
    outDir: args.outDir,
    language: draft.language,
    encoding: client.encoding,
    lineBreaks: client.lineBreaks,
    sourceMailingMismatch: args.sourceMailingMismatch,
    timeZone: client.timeZone,
    productsFileName: client.productsFileName,
    suppressed: args.suppressed,
    now: args.now,
    taken: args.taken,
    onProgress: args.onProgress,
    edits: draft.edits,
    products: draft.products
      ? { input: draft.products.path, open: draft.products.open, fields: client.productFields, mapping: draft.products.mapping, referenceFields: draft.products.referenceFields }
      : undefined,
  });
  if (args.failOnMissingProducts !== false && report.products && report.products.missingCount > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      'error.recipients.productsMissing',
      { count: report.products.missingCount, ids: report.products.missingIds.slice(0, 5).join(', ') + (report.products.missingCount > 5 ? ', …' : '') },
      { missingIds: report.products.missingIds },
    );
  }
  return report;
}

/** Remembers a mapping for files with the same headers as this one (per profile and client). */
export async function rememberMapping(db: Database, profile: string, client: string, headers: readonly string[], mapping: readonly unknown[]): Promise<void> {
  await db.run('INSERT OR REPLACE INTO mapping_memory VALUES ($1, $2, $3, $4, now())', [profile, client, mappingKey(headers), JSON.stringify(mapping)]);
}

/** What the recipients service needs. */
export interface RecipientsDeps {
  readonly db: Database;
  readonly bus: EventBus;
  readonly dataDir: string;
  readonly profiles: ProfilesService;
  readonly suppressed: () => Promise<(email: string) => string | undefined>;
}

/** Recipient spreadsheets: inspection, mapping memory and validation before anything is sent. */
export function createRecipientsService(deps: RecipientsDeps): ImplOf<typeof recipientsContract> {
  const savedMapping = async (profile: string, client: string, headers: readonly string[]): Promise<FieldMapping[] | undefined> => {
    const rows = await deps.db.all<{ mapping_json: string }>('SELECT mapping_json FROM mapping_memory WHERE profile = $1 AND client = $2 AND header_key = $3', [
      profile,
      client,
      mappingKey(headers),
    ]);
    return rows[0] ? rebaseMapping(JSON.parse(rows[0].mapping_json), headers) : undefined;
  };
  const saveMapping = (profile: string, client: string, headers: readonly string[], mapping: readonly unknown[]) => rememberMapping(deps.db, profile, client, headers, mapping);
  const progress = (path: string) => (p: { bytesRead: number; totalBytes: number; rows: number }) =>
    deps.bus.emit('recipients.onProgress', { path, bytesRead: p.bytesRead, totalBytes: p.totalBytes, rows: p.rows });

  const inspect = async (path: string, open: Record<string, string | undefined>, fields: ClientConfig['fields'], memory?: { profile: string; client: string }) => {
    await stat(path).catch(() => {
      throw new AppError('NOT_FOUND', 'error.recipients.file.gone', { path }, { path });
    });
    const preview = await previewSpreadsheet(path, 20, open);
    const saved = memory ? await savedMapping(memory.profile, memory.client, preview.headers) : undefined;
    return {
      path,
      fileName: basename(path),
      format: preview.format,
      encoding: preview.encoding ?? null,
      delimiter: preview.delimiter ?? null,
      sheets: [...preview.sheets],
      sheet: preview.sheet ?? null,
      headers: [...preview.headers],
      headerLine: preview.headerLine,
      preview: preview.rows.map((r) => ({ line: r.line, values: [...r.values] })),
      totalBytes: preview.totalBytes,
      mapping: saved ?? suggestMapping(preview.headers, fields),
      mappingSaved: Boolean(saved),
    };
  };

  return {
    async inspect({ profile, client, path, open }) {
      const target = resolveTarget(deps.profiles, profile, client);
      return inspect(path, open, target.client.fields, { profile, client });
    },
    async inspectCatalog({ profile, client, path, open }) {
      const target = resolveTarget(deps.profiles, profile, client);
      return inspect(path, open, target.client.productFields);
    },
    async validate(draft) {
      const target = resolveTarget(deps.profiles, draft.profile, draft.client);
      const outDir = join(deps.dataDir, 'tmp', `validate-${randomBytes(6).toString('hex')}`);
      const keepDir = join(deps.dataDir, 'rejected');
      await mkdir(keepDir, { recursive: true });
      try {
        let report: PrepareReport;
        try {
          report = await prepareDraft({ draft, client: target.client, outDir, suppressed: await deps.suppressed(), onProgress: progress(draft.path), failOnMissingProducts: false, sourceMailingMismatch: 'report' });
        } catch (e) {
          // "No valid row" is still a report the operator needs to see.
          if (e instanceof AppError && isAppErrorOf(e, 'VALIDATION_FAILED') && e.details && 'summary' in e.details) {
            report = { ...e.details, files: { subscribers: '' } };
          } else throw e;
        }
        let rejectedFile: string | null = null;
        if (report.rejectedFile) {
          rejectedFile = join(keepDir, `${basename(draft.path).replace(/\.[^.]+$/, '')}-rejected-${basename(report.rejectedFile).slice(0, 14)}.csv`);
          await rename(report.rejectedFile, rejectedFile);
        }
        const sample = report.files.subscribers ? await readFirstRows(report.files.subscribers, 10, target.client.encoding) : [];
        const byCode: Record<string, number> = {};
        for (const [code, n] of Object.entries(report.summary.problems)) byCode[code] = n ?? 0;
        const fixes = Object.values(report.summary.fixes).reduce((a: number, n) => a + (n ?? 0), 0);
        const counts = (r: Partial<Record<string, number>>) => Object.fromEntries(Object.entries(r).map(([k, n]) => [k, n ?? 0]));
        const result: ValidationReport = {
          rows: report.rows,
          valid: report.valid,
          excludedCount: report.excludedCount,
          excludedByOperator: report.excludedByOperator ?? 0,
          emptyRows: report.emptyRows,
          excluded: report.excluded.map((x) => ({ line: x.line, reasons: x.reasons.map((r) => ({ ...r })), values: [...x.values] })),
          byCode,
          fixes,
          fixesByCode: counts(report.summary.fixes),
          tidied: (report.tidied ?? []).map((f) => ({ line: f.line, field: f.field, code: f.code, before: f.before, after: f.after })),
          flagCounts: counts(report.summary.flags ?? {}),
          flagged: (report.flagged ?? []).map((f) => ({ line: f.line, field: f.field, code: f.code, value: f.value })),
          lineBreaks: target.client.lineBreaks,
          sourceMailingMismatch: report.sourceMailingMismatch ?? null,
          sample,
          fields: target.client.fields.map((f) => f.name),
          rejectedFile,
          products: report.products
            ? {
                rows: report.products.rows,
                excludedCount: report.products.excludedCount,
                missingIds: [...report.products.missingIds],
                missingCount: report.products.missingCount,
                missingUses: report.products.missingUses.map((u) => ({ id: u.id, rows: u.rows, lines: [...u.lines] })),
              }
            : null,
          durationMs: report.durationMs,
        };
        return result;
      } finally {
        await rm(outDir, { recursive: true, force: true });
      }
    },
    async saveMapping({ profile, client, headers, mapping }) {
      resolveTarget(deps.profiles, profile, client);
      await saveMapping(profile, client, headers, mapping);
      return { saved: true };
    },
  };
}

/** Removes validation scratch left by a crash. */
export async function cleanScratch(dataDir: string): Promise<void> {
  const tmp = join(dataDir, 'tmp');
  for (const name of await readdir(tmp).catch(() => [] as string[])) {
    if (name.startsWith('validate-')) await rm(join(tmp, name), { recursive: true, force: true });
  }
}
