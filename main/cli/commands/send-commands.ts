import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_MASTER_FIELDS, DEFAULT_PRODUCT_FIELDS, type Profile } from '../../../shared/contract/profiles';
import type { Inspection, ValidationReport } from '../../../shared/contract/recipients';
import { FINISHED_SEND_STATES, type Send } from '../../../shared/contract/sends';
import { CliError, EXIT_USAGE, type CliIo, type GlobalOptions } from '../cli-io';
import { call, openDoor, type Door } from '../door';
import { approvalCommand } from './approval-commands';
import { pickClient } from './client-command';

/**
 * The suppression list as a lookup, read through the door: from this process's data file, or
 * page by page from the Loopdesk that owns it.
 */
async function suppressionLookup(door: Door): Promise<(email: string) => string | undefined> {
  if (door.context) {
    const { SuppressionList } = await import('../../services/suppression/suppression-list');
    return new SuppressionList(door.context.db).lookup();
  }
  const reasons = new Map<string, string>();
  for (let offset = 0; ; offset += 10_000) {
    const page = await call<{ entries: { email: string; reason: string }[]; total: number }>(door, 'responses.suppressionList', { offset, limit: 10_000 });
    for (const e of page.entries) reasons.set(e.email.toLowerCase(), e.reason);
    if (page.entries.length === 0 || offset + page.entries.length >= page.total) break;
  }
  return (email) => reasons.get(email.trim().toLowerCase());
}

function readMapping(path: string | undefined): unknown[] | undefined {
  if (!path) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8'));
    if (!Array.isArray(parsed)) throw new Error('not a JSON array');
    return parsed;
  } catch (e) {
    throw new CliError(`The mapping file ${path} cannot be read: ${(e as Error).message}. It must be a JSON array of {field, source}.`, EXIT_USAGE);
  }
}

/** `loopdesk prepare <file> --mailing <id> …`: read, map, validate and write the files; nothing is sent. */
export async function prepareCommand(argv: string[], options: GlobalOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      mailing: { type: 'string' },
      profile: { type: 'string' },
      client: { type: 'string' },
      mapping: { type: 'string' },
      products: { type: 'string' },
      out: { type: 'string', default: '.' },
      encoding: { type: 'string' },
    },
  });
  const input = positionals[0];
  if (!input || !values.mailing) throw new CliError('Usage: loopdesk prepare <file> --mailing <id> [--profile P --client C] [--mapping m.json] [--products p.csv] [--out DIR] [--json]', EXIT_USAGE);
  let fields = DEFAULT_MASTER_FIELDS.map((f) => ({ ...f }));
  let productFields = DEFAULT_PRODUCT_FIELDS.map((f) => ({ ...f }));
  let encoding: 'utf-8' | 'iso-8859-1' | 'windows-1252' = 'utf-8';
  let timeZone = '';
  let productsFileName: string | undefined;
  let lineBreaks: 'space' | 'reject' | 'keep' = 'space';
  let suppressed: ((email: string) => string | undefined) | undefined;
  let door: Door | undefined;
  let client: Profile['clients'][number] | undefined;
  if (values.profile) {
    door = await openDoor(options, env);
    try {
      client = pickClient(await call<Profile>(door, 'profiles.get', { name: values.profile }), values.client);
      ({ fields, productFields, encoding, timeZone, productsFileName, lineBreaks } = client);
      suppressed = await suppressionLookup(door);
    } catch (e) {
      await door.close();
      throw e;
    }
  }
  try {
    const { prepare } = await import('../../services/recipients/prepare');
    const report = await prepare({
      input: resolve(input),
      fields,
      mapping: readMapping(values.mapping) as never,
      sourceMailingId: values.mailing,
      outDir: resolve(values.out),
      encoding,
      lineBreaks,
      timeZone,
      productsFileName,
      suppressed,
      products: values.products ? { input: resolve(values.products), fields: productFields } : undefined,
      open: values.encoding ? { encoding: values.encoding } : undefined,
    });
    if (options.json) {
      io.out(
        JSON.stringify({
          rows: report.rows,
          valid: report.valid,
          excludedCount: report.excludedCount,
          excluded: report.excluded.map((x) => ({ line: x.line, reasons: x.reasons.map((r) => `${r.field}: ${r.message}`) })),
          files: report.files,
          rejectedFile: report.rejectedFile ?? null,
          waveId: report.waveId,
          products: report.products ?? null,
        }),
      );
    } else {
      io.out(`${report.rows} rows read, ${report.valid} valid, ${report.excludedCount} excluded.`);
      for (const x of report.excluded.slice(0, 20)) io.out(`  line ${x.line}: ${x.reasons.map((r) => `${r.field}: ${r.message}`).join('; ')}`);
      if (report.excludedCount > 20) io.out(`  … and ${report.excludedCount - 20} more in ${report.rejectedFile}`);
      io.out(`Written: ${report.files.subscribers}${report.files.products ? ` and ${report.files.products}` : ''}`);
    }
    return 0;
  } finally {
    await door?.close();
  }
}

async function confirm(io: CliIo, question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** `loopdesk send <file> --profile P --mailing <id> [--test] [--at ISO] [--yes]`. */
export async function sendCommand(argv: string[], door: Door, options: GlobalOptions, io: CliIo): Promise<number> {
  if (argv[0] === 'approve' || argv[0] === 'reject') return approvalCommand(argv, door, options, io);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      profile: { type: 'string' },
      client: { type: 'string' },
      mailing: { type: 'string' },
      mapping: { type: 'string' },
      products: { type: 'string' },
      test: { type: 'boolean', default: false },
      at: { type: 'string' },
      yes: { type: 'boolean', default: false },
    },
  });
  const input = positionals[0];
  if (!input || !values.profile || !values.mailing) {
    throw new CliError('Usage: loopdesk send <file> --profile P [--client C] --mailing <id> [--test] [--at <ISO time>] [--yes]', EXIT_USAGE);
  }
  const profile = await call<Profile>(door, 'profiles.get', { name: values.profile });
  const clientConfig = pickClient(profile, values.client);
  const client = clientConfig.name;
  const path = resolve(input);
  const scheduledAt = values.at ? new Date(values.at) : null;
  if (scheduledAt && Number.isNaN(scheduledAt.getTime())) throw new CliError(`--at "${values.at}" is not a date-time; use ISO form like 2026-12-01T09:30:00+01:00.`, EXIT_USAGE);
  const mapping = readMapping(values.mapping) ?? (await call<Inspection>(door, 'recipients.inspect', { profile: values.profile, client, path })).mapping;
  const draft = {
    profile: values.profile,
    client,
    path,
    sourceMailingId: values.mailing,
    mapping,
    products: values.products ? { path: resolve(values.products) } : null,
  };
  const report = await call<ValidationReport>(door, 'recipients.validate', draft);
  if (report.valid === 0) throw new CliError(`None of the ${report.rows} rows can be sent; the reasons are in ${report.rejectedFile}.`, 1, 'VALIDATION_FAILED');
  const mailing = clientConfig.mailings.find((m) => m.id === values.mailing);
  const when = scheduledAt && scheduledAt.getTime() > Date.now() ? `at ${scheduledAt.toISOString()}` : 'now';
  const summary = `${values.test ? 'TEST send' : 'REAL send'} to client "${client}" of profile "${values.profile}", source mailing ${mailing?.name ?? '?'} (${values.mailing}), ${values.test ? 'the client\'s test recipients' : `${report.valid} recipient(s)`} (${report.excludedCount} excluded), ${when}.`;
  io.err(summary);
  if (!values.yes && !(await confirm(io, 'Send?'))) {
    throw new CliError(process.stdin.isTTY ? 'Nothing was sent.' : 'Nothing was sent: confirm with --yes when running without a terminal.', 1, 'NOT_CONFIRMED');
  }
  let send = await call<Send>(door, 'sends.create', { ...draft, test: values.test, scheduledAt: scheduledAt ? scheduledAt.toISOString() : null });
  if (send.state === 'awaiting_approval') {
    io.out(options.json ? JSON.stringify(send) : `Send ${send.id} waits for another team member's approval (four-eyes): \`loopdesk send approve ${send.id}\` on their workstation, or the Sends screen there.`);
    return 0;
  }
  if (send.state === 'scheduled') {
    io.out(options.json ? JSON.stringify(send) : `Send ${send.id} is scheduled for ${send.scheduledAt}. The Loopdesk process that owns this data dir (the app, or \`loopdesk serve\`) uploads it then.`);
    return 0;
  }
  send = await untilUploaded(door, send);
  io.out(options.json ? JSON.stringify(send) : `Send ${send.id}: ${send.state.replaceAll('_', ' ')}${send.error ? ` — ${send.error.message}` : ''}. Follow it with \`loopdesk status ${send.id} --watch\`.`);
  return send.state === 'error' || send.state === 'uploading' ? 1 : 0;
}

/**
 * Waits until a queued send has been uploaded (or failed). This process uploads it itself when
 * it owns the data dir; otherwise the owner's scheduler does, and its progress arrives as
 * `sends.onChanged` events (the Sends screen sees the same events).
 */
async function untilUploaded(door: Door, first: Send): Promise<Send> {
  const pending = (s: Send) => s.state === 'queued' || s.state === 'uploading';
  let send = first;
  if (!door.remote) {
    for (let i = 0; i < 100 && pending(send); i++) {
      await door.tick();
      send = await call<Send>(door, 'sends.get', { id: send.id });
      if (send.state === 'uploading') await new Promise((r) => setTimeout(r, 2000));
    }
    return send;
  }
  let wake: () => void = () => undefined;
  const off = door.subscribe('sends.onChanged', (payload) => {
    if (payload.id === first.id) wake();
  });
  try {
    // The owner's scheduler passes every few seconds; give an upload up to 10 minutes.
    const deadline = Date.now() + 600_000;
    while (pending(send) && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 2000);
      });
      send = await call<Send>(door, 'sends.get', { id: send.id });
    }
    return send;
  } finally {
    off();
  }
}

function line(s: Send): string {
  // Team mode: a send another workstation started says which one.
  const origin = s.origin && !s.origin.mine ? `\tfrom ${s.origin.name}` : '';
  return `${s.id}\t${s.test ? 'test' : 'real'}\t${s.state}\t${s.client}\t${s.sourceMailingId}\t${s.recipients} rcpt\t${s.mailingId ?? '-'}\t${s.fileName}${origin}`;
}

/** `loopdesk status [<send>] [--watch]`: checks the server and prints where each send stands. */
export async function statusCommand(argv: string[], door: Door, options: GlobalOptions, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { watch: { type: 'boolean', default: false }, every: { type: 'string', default: '10' } } });
  const every = Number(values.every);
  if (!Number.isFinite(every) || every <= 0) throw new CliError(`--every takes seconds, e.g. 10 (got "${values.every}").`, EXIT_USAGE);
  const id = positionals[0];
  const final = new Set<string>(FINISHED_SEND_STATES);
  let last = '';
  // A change anywhere (a send started in the app, an upload's progress) wakes the watch at once.
  let wake: () => void = () => undefined;
  const off = values.watch ? door.subscribe('sends.onChanged', (payload) => (!id || payload.id === id) && wake()) : () => undefined;
  try {
    for (;;) {
      await door.tick();
      await call<Send[]>(door, 'sends.refresh', id ? { id } : {});
      const sends = id ? [await call<Send>(door, 'sends.get', { id })] : await call<Send[]>(door, 'sends.list', { limit: 50 });
      const text = options.json ? JSON.stringify(id ? sends[0] : sends) : sends.length ? sends.map(line).join('\n') : 'No sends yet.';
      if (text !== last) io.out(text);
      last = text;
      if (!values.watch || (id && sends.every((s) => final.has(s.state)))) return sends.some((s) => s.state === 'error') && id ? 1 : 0;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, every * 1000);
      });
    }
  } finally {
    off();
  }
}
