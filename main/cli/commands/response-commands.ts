import { copyFile, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gridColumns, GRID_VIEW_NAMES, type GridViewName } from '../../services/responses/grid-query';
import type { CatalogText } from '../../../shared/contract/catalog-text';
import type { MessageId } from '../../../shared/i18n/messages';
import { CliError, EXIT_USAGE, type CliIo, type GlobalOptions } from '../cli-io';
import { cliText } from '../cli-text';
import { call, type Door } from '../door';

/** One file's outcome in `responses.pull`. */
type PullOutcome = 'ingested' | 'replaced' | 'skipped' | 'rejected';

/** What happened to each response file, as `pull` prints it. */
const OUTCOME_LABELS: Record<PullOutcome, MessageId> = {
  ingested: 'cli.pull.ingested',
  replaced: 'cli.pull.replaced',
  skipped: 'cli.pull.skipped',
  rejected: 'cli.pull.rejected',
};

/** `loopdesk pull --profile P [--client C]`: downloads and ingests the response files, printing per-file counts. */
export async function pullCommand(argv: string[], door: Door, options: GlobalOptions, io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { profile: { type: 'string' }, client: { type: 'string' } } });
  if (!values.profile) throw new CliError('cli.usage.syntax', { syntax: 'loopdesk pull --profile P [--client C]' }, { exitCode: EXIT_USAGE });
  const { files } = await call<{ files: { client: string; name: string; outcome: PullOutcome; rows: number; message: string; text?: CatalogText }[] }>(door, 'responses.pull', {
    profile: values.profile,
    client: values.client,
  });
  const c = cliText(options.lang);
  if (options.json) io.out(JSON.stringify({ files }));
  else if (files.length === 0) io.out(c.t('cli.pull.none'));
  else for (const f of files) io.out(`${c.t(OUTCOME_LABELS[f.outcome]).padEnd(12)} ${f.client}/${f.name}\t${c.t('cli.pull.rows', { count: f.rows })}\t${c.say(f.text, f.message)}`);
  return files.some((f) => f.outcome === 'rejected') ? 1 : 0;
}

/**
 * Turns `--where` conditions into the grid's filter model: `col=value` (equals), `col~text`
 * (contains), `col>value`, `col<value`. Columns are checked against the view's allowlist;
 * nothing typed here ever becomes SQL text.
 */
export function whereToFilterModel(view: GridViewName, conditions: readonly string[]): Record<string, unknown> {
  const columns = new Map(gridColumns(view).map((c) => [c.colId, c]));
  const model: Record<string, unknown> = {};
  for (const condition of conditions) {
    const m = /^([A-Za-z_.]+)\s*(=|~|>|<)\s*(.*)$/.exec(condition);
    if (!m) throw new CliError('cli.export.whereForm', { condition, forms: 'column=value, column~text, column>value, column<value' }, { exitCode: EXIT_USAGE });
    const [, colId, op, value] = m;
    const column = columns.get(colId);
    if (!column) throw new CliError('cli.export.whereColumn', { column: colId, view, columns: [...columns.keys()].join(', ') }, { exitCode: EXIT_USAGE });
    if (column.type === 'date') {
      model[colId] = { filterType: 'date', type: op === '>' ? 'greaterThan' : op === '<' ? 'lessThan' : 'equals', dateFrom: value };
    } else if (column.type === 'number' || column.type === 'id') {
      if (op === '~') throw new CliError('cli.export.whereNumber', { column: colId }, { exitCode: EXIT_USAGE });
      model[colId] = { filterType: 'number', type: op === '>' ? 'greaterThan' : op === '<' ? 'lessThan' : 'equals', filter: value };
    } else {
      if (op === '>' || op === '<') throw new CliError('cli.export.whereText', { column: colId }, { exitCode: EXIT_USAGE });
      model[colId] = { filterType: 'text', type: op === '~' ? 'contains' : 'equals', filter: value };
    }
  }
  return model;
}

/** `loopdesk export (--mailing <id> | --table <view> [--where …]) --out <file.xlsx>`. */
export async function exportCommand(argv: string[], door: Door, options: GlobalOptions, io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { profile: { type: 'string' }, mailing: { type: 'string' }, table: { type: 'string' }, where: { type: 'string', multiple: true }, out: { type: 'string' } },
  });
  if (!values.out || Boolean(values.mailing) === Boolean(values.table)) {
    throw new CliError('cli.export.usage', { syntax: 'loopdesk export [--profile P] (--mailing <id> | --table <name> [--where col=value …]) --out <file.xlsx>', tables: GRID_VIEW_NAMES.join(', ') }, { exitCode: EXIT_USAGE });
  }
  if (values.profile) await call(door, 'profiles.get', { name: values.profile }); // a clear error for a wrong name
  let written: { path: string; rows: number; sheets: string[] };
  if (values.mailing) {
    written = await call(door, 'responses.exportReport', { mailingId: values.mailing });
  } else {
    if (!(GRID_VIEW_NAMES as readonly string[]).includes(values.table!)) throw new CliError('cli.export.unknownTable', { table: values.table ?? '', tables: GRID_VIEW_NAMES.join(', ') }, { exitCode: EXIT_USAGE });
    const view = values.table as GridViewName;
    written = await call(door, 'responses.exportView', { view, filterModel: whereToFilterModel(view, values.where ?? []) });
  }
  const out = resolve(values.out);
  await copyFile(written.path, `${out}.partial`);
  await rename(`${out}.partial`, out);
  await rm(written.path, { force: true });
  if (options.json) io.out(JSON.stringify({ path: out, rows: written.rows, sheets: written.sheets }));
  else io.out(cliText(options.lang).t('cli.export.written', { count: written.rows, sheets: written.sheets.join(', '), path: out }));
  return 0;
}
