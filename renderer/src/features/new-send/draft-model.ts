import type { FieldMapping, Inspection, OpenOptions, ProblemCode, RowEdits, SendDraft, ValidationReport } from '../../../../shared/contract/recipients';
import type { MessageId } from '../../../../shared/i18n/messages';
import type { Locale } from '../../../../shared/i18n/locale';

export type { ValueOverride } from '../../../../shared/contract/recipients';

/** Reader overrides the operator may set (empty = detect). */
export type OpenOverrides = OpenOptions;

/** Inline corrections to send with the draft (both lists always present here). */
export type DraftEdits = Required<RowEdits>;

/** The catalog part of a send. */
export interface ProductsDraft {
  readonly catalog: Inspection;
  readonly open: OpenOverrides;
  readonly mapping: readonly FieldMapping[];
  readonly referenceFields: readonly string[];
}

/** Everything the New send screen keeps between steps. */
export interface NewSendState {
  readonly profile: string;
  readonly client: string;
  readonly sourceMailingId: string;
  readonly inspection: Inspection | null;
  readonly open: OpenOverrides;
  readonly mapping: readonly FieldMapping[];
  /** Fields whose source the operator chose (shown as "your choice" instead of a confidence). */
  readonly chosen: readonly string[];
  readonly rememberMapping: boolean;
  readonly edits: DraftEdits;
  readonly report: ValidationReport | null;
  /** The report no longer matches the draft (mapping or edits changed since). */
  readonly reportStale: boolean;
  readonly useProducts: boolean;
  readonly products: ProductsDraft | null;
  readonly productReferenceFields: readonly string[];
  /** Sends already created from this draft (test and real), newest last, so a second click is a conscious choice. */
  readonly createdSends: readonly { readonly id: string; readonly test: boolean }[];
}

/** A fresh draft. */
export const EMPTY_DRAFT: NewSendState = {
  profile: '',
  client: '',
  sourceMailingId: '',
  inspection: null,
  open: {},
  mapping: [],
  chosen: [],
  rememberMapping: true,
  edits: { overrides: [], excludedLines: [] },
  report: null,
  reportStale: false,
  useProducts: false,
  products: null,
  productReferenceFields: [],
  createdSends: [],
};

/** The value of a mapping `<select>` for a source (`col:3`, `constant`, `sourceMailing`, …). */
export function sourceToOption(source: FieldMapping['source']): string {
  return source.kind === 'column' ? `col:${source.column}` : source.kind;
}

/** The source a mapping `<select>` value stands for; a constant keeps its current text. */
export function optionToSource(option: string, headers: readonly string[], previous: FieldMapping['source']): FieldMapping['source'] {
  if (option.startsWith('col:')) {
    const column = Number(option.slice(4));
    return { kind: 'column', column, header: headers[column] ?? '', confidence: 1 };
  }
  if (option === 'constant') return { kind: 'constant', value: previous.kind === 'constant' ? previous.value : '' };
  if (option === 'sourceMailing') return { kind: 'sourceMailing' };
  if (option === 'generatedWave') return { kind: 'generatedWave' };
  return { kind: 'none' };
}

/** How sure the suggestion was, in the operator's words (a catalog key). */
export function confidenceLabel(m: FieldMapping, chosenByOperator: boolean): { text: MessageId; tone: 'ok' | 'pending' | 'error' | 'plain' } {
  const s = m.source;
  if (chosenByOperator) return { text: 'newSend.confidence.chosen', tone: 'plain' };
  if (s.kind === 'column') {
    if (s.confidence >= 0.99) return { text: 'newSend.confidence.exact', tone: 'ok' };
    if (s.confidence >= 0.75) return { text: 'newSend.confidence.synonym', tone: 'ok' };
    return { text: 'newSend.confidence.guess', tone: 'pending' };
  }
  if (s.kind === 'sourceMailing') return { text: 'newSend.confidence.sourceMailing', tone: 'plain' };
  if (s.kind === 'generatedWave') return { text: 'newSend.confidence.automatic', tone: 'plain' };
  if (s.kind === 'constant') return { text: 'newSend.confidence.constant', tone: 'plain' };
  return { text: 'newSend.confidence.none', tone: 'plain' };
}

/**
 * The first rows as they will be sent: the file's preview pushed through the mapping.
 * A preview, not the real pipeline: trimming and date fixes happen in the check step.
 */
export function previewMapped(
  inspection: Inspection,
  mapping: readonly FieldMapping[],
  sourceMailingId: string,
  rows = 5,
  /** What stands in for values made later, in the operator's language. */
  words: { readonly noMailing: string; readonly newWave: string } = { noMailing: '(pick a source mailing)', newWave: '(new number per send)' },
): string[][] {
  return inspection.preview.slice(0, rows).map((r) =>
    mapping.map((m) => {
      const s = m.source;
      if (s.kind === 'column') return r.values[s.column] ?? '';
      if (s.kind === 'constant') return s.value;
      if (s.kind === 'sourceMailing') return sourceMailingId || words.noMailing;
      if (s.kind === 'generatedWave') return words.newWave;
      return '';
    }),
  );
}

/** Sets (or, with `null`, removes) the value typed for one cell. */
export function setOverride(edits: DraftEdits, line: number, field: string, value: string | null): DraftEdits {
  const rest = edits.overrides.filter((o) => !(o.line === line && o.field === field));
  return { ...edits, overrides: value === null ? rest : [...rest, { line, field, value }] };
}

/** Leaves a line out of the send, or takes it back in. */
export function setExcluded(edits: DraftEdits, line: number, excluded: boolean): DraftEdits {
  const rest = edits.excludedLines.filter((l) => l !== line);
  return { ...edits, excludedLines: excluded ? [...rest, line].sort((a, b) => a - b) : rest };
}

/**
 * The value the operator sees for a problem cell: from the report when it carries the row,
 * else from the file preview (the first rows), else unknown.
 */
export function problemValue(
  report: ValidationReport,
  row: ValidationReport['excluded'][number],
  field: string,
  inspection: Inspection | null,
  mapping: readonly FieldMapping[],
): string | null {
  const fieldIndex = report.fields.indexOf(field);
  if (row.values.length === report.fields.length && fieldIndex >= 0) return row.values[fieldIndex] ?? '';
  const source = mapping.find((m) => m.field === field)?.source;
  if (source?.kind !== 'column') return null;
  if (inspection && row.values.length === inspection.headers.length) return row.values[source.column] ?? '';
  const fromPreview = inspection?.preview.find((p) => p.line === row.line);
  return fromPreview ? (fromPreview.values[source.column] ?? '') : null;
}

/** The catalog keys of the reason codes of the validation report (plain words). */
export const REASON_TEXT: Readonly<Record<ProblemCode, MessageId>> = {
  REQUIRED: 'check.reason.REQUIRED',
  INVALID_EMAIL: 'check.reason.INVALID_EMAIL',
  DUPLICATE_EMAIL: 'check.reason.DUPLICATE_EMAIL',
  DUPLICATE_ID: 'check.reason.DUPLICATE_ID',
  SUPPRESSED: 'check.reason.SUPPRESSED',
  TOO_LONG: 'check.reason.TOO_LONG',
  NOT_A_NUMBER: 'check.reason.NOT_A_NUMBER',
  OUT_OF_RANGE: 'check.reason.OUT_OF_RANGE',
  INVALID_URL: 'check.reason.INVALID_URL',
  INVALID_DATE: 'check.reason.INVALID_DATE',
  UNENCODABLE: 'check.reason.UNENCODABLE',
  LINE_BREAK: 'check.reason.LINE_BREAK',
};

/** The operator-facing name of a reason code, through `t` (the language's catalog). */
export function reasonText(code: string, t: (id: MessageId) => string): string {
  // Server error files bring codes of their own: those are shown in their own words.
  const known: Readonly<Record<string, MessageId | undefined>> = REASON_TEXT;
  const id = known[code];
  return id ? t(id) : code.replaceAll('_', ' ').toLowerCase();
}

/**
 * The contract's draft for validate and create; products only when the operator added a catalog.
 * `language` (the window's) is the language of the reasons in the rejected-rows file.
 */
export function toSendDraft(d: NewSendState, language?: Locale): SendDraft {
  if (!d.inspection) throw new Error('toSendDraft needs an inspected file');
  return {
    ...(language ? { language } : {}),
    profile: d.profile,
    client: d.client,
    path: d.inspection.path,
    open: { ...d.open },
    sourceMailingId: d.sourceMailingId,
    mapping: d.mapping.map((m) => ({ field: m.field, source: { ...m.source } })),
    edits: { overrides: d.edits.overrides.map((o) => ({ ...o })), excludedLines: [...d.edits.excludedLines] },
    products:
      d.useProducts && d.products
        ? {
            path: d.products.catalog.path,
            open: { ...d.products.open },
            mapping: d.products.mapping.map((m) => ({ field: m.field, source: { ...m.source } })),
            referenceFields: [...d.products.referenceFields],
          }
        : null,
  };
}

/**
 * A service message about a file, with the host's copy of it (the browser host keeps uploads in
 * its data dir) named as the operator knows it: the name of the file they chose.
 */
export function operatorWords(message: string, hostPath: string, shownName: string): string {
  if (!shownName) return message;
  return message.split(`"${hostPath}"`).join(`“${shownName}”`).split(hostPath).join(`“${shownName}”`);
}
