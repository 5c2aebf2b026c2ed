import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_MASTER_FIELDS, DEFAULT_PRODUCT_FIELDS, type Profile } from '../../../shared/contract/profiles';
import type { Inspection, ValidationReport } from '../../../shared/contract/recipients';
import { REJECTED_FILE_STEPS, rejectedFilePlace } from '../../../shared/contract/rejected-file-place';
import { FINISHED_SEND_STATES, type Send, type SendEvent } from '../../../shared/contract/sends';
import type { MessageId } from '../../../shared/i18n/messages';
import { CliError, EXIT_USAGE, type CliIo, type GlobalOptions } from '../cli-io';
import { cliText, STATE_LABELS, type CliText } from '../cli-text';
import { call, openDoor, type Door } from '../door';
import { approvalCommand } from './approval-commands';
import { holdCommand } from './hold-command';
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliError('cli.send.mappingUnreadable', { path, reason: (e as Error).message, shape: '{field, source}' }, { exitCode: EXIT_USAGE });
  }
  if (!Array.isArray(parsed)) throw new CliError('cli.send.mappingNotArray', { path, shape: '{field, source}' }, { exitCode: EXIT_USAGE });
  return parsed;
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
  if (!input || !values.mailing) {
    throw new CliError('cli.usage.syntax', { syntax: 'loopdesk prepare <file> --mailing <id> [--profile P --client C] [--mapping m.json] [--products p.csv] [--out DIR] [--json]' }, { exitCode: EXIT_USAGE });
  }
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
      const c = cliText(options.lang);
      io.out(c.t('cli.prepare.summary', { rows: report.rows, valid: report.valid, excluded: report.excludedCount }));
      for (const x of report.excluded.slice(0, 20)) io.out(`  ${c.t('cli.prepare.line', { line: String(x.line), reasons: x.reasons.map((r) => `${r.field}: ${c.say(r.text, r.message)}`).join('; ') })}`);
      if (report.excludedCount > 20) io.out(`  ${c.t('cli.prepare.more', { count: report.excludedCount - 20, file: report.rejectedFile ?? '' })}`);
      io.out(report.files.products ? c.t('cli.prepare.writtenBoth', { file: report.files.subscribers, products: report.files.products }) : c.t('cli.prepare.written', { file: report.files.subscribers }));
    }
    return 0;
  } finally {
    await door?.close();
  }
}

/** Asks a yes/no question on the terminal; English `y`/`yes` count in every language, German `j`/`ja` too. */
export async function confirm(c: CliText, question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^(y(es)?|j(a)?)$/i.test((await rl.question(`${question} ${c.t('cli.send.yesNo')} `)).trim());
  } finally {
    rl.close();
  }
}

/** `loopdesk send <file> --profile P --mailing <id> [--test] [--at ISO] [--yes]`. */
export async function sendCommand(argv: string[], door: Door, options: GlobalOptions, io: CliIo): Promise<number> {
  if (argv[0] === 'approve' || argv[0] === 'reject') return approvalCommand(argv, door, options, io);
  if (argv[0] === 'resolve') return holdCommand(argv, door, options, io);
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
    throw new CliError('cli.usage.syntax', { syntax: 'loopdesk send <file> --profile P [--client C] --mailing <id> [--test] [--at <ISO time>] [--yes]' }, { exitCode: EXIT_USAGE });
  }
  const profile = await call<Profile>(door, 'profiles.get', { name: values.profile });
  const clientConfig = pickClient(profile, values.client);
  const client = clientConfig.name;
  const path = resolve(input);
  const scheduledAt = values.at ? new Date(values.at) : null;
  if (scheduledAt && Number.isNaN(scheduledAt.getTime())) throw new CliError('cli.send.at', { at: values.at ?? '', example: '2026-12-01T09:30:00+01:00' }, { exitCode: EXIT_USAGE });
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
  if (report.valid === 0) throw new CliError('cli.send.noneValid', { rows: report.rows, file: report.rejectedFile ?? '' }, { code: 'VALIDATION_FAILED' });
  const mailing = clientConfig.mailings.find((m) => m.id === values.mailing);
  const c = cliText(options.lang);
  const later = scheduledAt !== null && scheduledAt.getTime() > Date.now();
  const summary = {
    client,
    profile: values.profile,
    mailing: mailing?.name ?? '?',
    id: values.mailing,
    recipients: report.valid,
    excluded: report.excludedCount,
    at: later ? c.fmt.dateTime(scheduledAt) : '',
  };
  const summaryId: MessageId = values.test ? (later ? 'cli.send.summaryTestAt' : 'cli.send.summaryTest') : later ? 'cli.send.summaryRealAt' : 'cli.send.summaryReal';
  io.err(c.t(summaryId, summary));
  if (!values.yes && !(await confirm(c, c.t('cli.send.confirm')))) {
    throw new CliError(process.stdin.isTTY ? 'cli.send.notSent' : 'cli.send.notSentNoTerminal', {}, { code: 'NOT_CONFIRMED' });
  }
  let send = await call<Send>(door, 'sends.create', { ...draft, test: values.test, scheduledAt: scheduledAt ? scheduledAt.toISOString() : null });
  if (send.state === 'awaiting_approval') {
    io.out(options.json ? JSON.stringify(send) : `Send ${send.id} waits for another team member's approval (four-eyes): \`loopdesk send approve ${send.id}\` on their workstation, or the Sends screen there.`);
    return 0;
  }
  if (send.state === 'scheduled') {
    io.out(options.json ? JSON.stringify(send) : c.t('cli.send.scheduled', { id: send.id, at: c.fmt.dateTime(send.scheduledAt) }));
    return 0;
  }
  send = await untilUploaded(door, send);
  io.out(
    options.json
      ? JSON.stringify(send)
      : [
          c.t(send.error ? 'cli.send.resultError' : 'cli.send.result', { id: send.id, state: c.t(STATE_LABELS[send.state]), error: send.error ? c.say(send.error.text, send.error.message) : '', command: `loopdesk status ${send.id} --watch` }),
          // What happened on the way (rows left out because they were suppressed meanwhile, a renamed file), as the Sends screen shows it.
          ...timelineLines(send, c),
        ].join('\n'),
  );
  // Held (the server already has a file under its name): not uploaded; the timeline above says why.
  return send.state === 'error' || send.state === 'uploading' || send.held ? 1 : 0;
}

/**
 * Waits until a queued send has been uploaded (or failed). This process uploads it itself when
 * it owns the data dir; otherwise the owner's scheduler does, and its progress arrives as
 * `sends.onChanged` events (the Sends screen sees the same events).
 */
/**
 * Wakes a polling loop when a change arrives. A change that comes while the loop is busy (between
 * two waits) is kept, so the next wait returns at once instead of sleeping until the timer: with
 * a plain "resolve the current wait", such a change was lost for up to a whole interval.
 */
export function wakeSignal(): { notify(): void; wait(ms: number): Promise<void> } {
  let pending = false;
  let finish: (() => void) | undefined;
  return {
    notify() {
      pending = true;
      finish?.();
    },
    wait(ms) {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => finish?.(), ms);
        finish = () => {
          clearTimeout(timer);
          finish = undefined;
          pending = false;
          resolve();
        };
      });
    },
  };
}

async function untilUploaded(door: Door, first: Send): Promise<Send> {
  const pending = (s: Send) => (s.state === 'queued' && !s.held) || s.state === 'uploading';
  let send = first;
  if (!door.remote) {
    for (let i = 0; i < 100 && pending(send); i++) {
      await door.tick();
      send = await call<Send>(door, 'sends.get', { id: send.id });
      if (send.state === 'uploading') await new Promise((r) => setTimeout(r, 2000));
    }
    return send;
  }
  const changed = wakeSignal();
  const off = door.subscribe('sends.onChanged', (payload) => {
    if (payload.id === first.id) changed.notify();
  });
  try {
    // The owner's scheduler passes every few seconds; give an upload up to 10 minutes.
    const deadline = Date.now() + 600_000;
    while (pending(send) && Date.now() < deadline) {
      await changed.wait(2000);
      send = await call<Send>(door, 'sends.get', { id: send.id });
    }
    return send;
  } finally {
    off();
  }
}

function line(s: Send, c: CliText): string {
  return [
    s.id,
    c.t(s.test ? 'cli.status.test' : 'cli.status.real'),
    c.t(s.held ? 'sends.held.badge' : STATE_LABELS[s.state]),
    s.client,
    s.sourceMailingId,
    c.t('cli.status.recipients', { count: s.recipients }),
    s.mailingId ?? '-',
    s.fileName,
    // Team mode: a send another workstation started says which one.
    ...(s.origin && !s.origin.mine ? [c.t('cli.status.from', { name: s.origin.name })] : []),
  ].join('\t');
}

/**
 * A send's timeline, oldest first, one indented line per step as the Sends screen shows it: when
 * (this computer's clock), the state, and what happened, in the CLI's language.
 */
export function timelineLines(s: Send, c: CliText): string[] {
  return s.timeline.map((e) => `  ${c.fmt.dateTime(e.at, { seconds: true })}  ${c.t(STATE_LABELS[e.state])}  ${stepText(s, e, c)}`);
}

/**
 * A step's sentence. One that points at a rejected-rows file another workstation of the team
 * keeps names that workstation instead of a path on its disk (as the Sends screen does); on the
 * workstation that wrote it the full path stays in the sentence, to open or copy.
 */
function stepText(s: Send, e: SendEvent, c: CliText): string {
  const counts = e.text ? REJECTED_FILE_STEPS[e.text.id] : undefined;
  const place = e.text && counts ? rejectedFilePlace(e.text.values, s.origin) : null;
  if (!e.text || !counts || !place || place.here) return c.say(e.text, e.message);
  const where = c.intl.formatMessage({ id: 'sends.rejectedFile.elsewhere' }, { file: place.fileName, workstation: place.workstation, code: (chunks: string[]) => chunks.join('') });
  return `${c.t(counts, e.text.values)} ${where}`;
}

/**
 * `loopdesk status [<send>] [--watch]`: checks the server and prints where each send stands; one
 * send without `--watch` also with its timeline (`--watch` prints one line per change, for scripts).
 */
export async function statusCommand(argv: string[], door: Door, options: GlobalOptions, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { watch: { type: 'boolean', default: false }, every: { type: 'string', default: '10' } } });
  const every = Number(values.every);
  if (!Number.isFinite(every) || every <= 0) throw new CliError('cli.status.every', { got: values.every }, { exitCode: EXIT_USAGE });
  const c = cliText(options.lang);
  const id = positionals[0];
  const final = new Set<string>(FINISHED_SEND_STATES);
  let last = '';
  let shown: Promise<Send[]> = Promise.resolve([]);
  /** Reads where the sends stand and prints it when it changed; one read at a time, so no older state is printed after a newer one. */
  const show = () =>
    (shown = shown
      .catch(() => [])
      .then(async () => {
        const sends = id ? [await call<Send>(door, 'sends.get', { id })] : await call<Send[]>(door, 'sends.list', { limit: 50 });
        const text = options.json
          ? JSON.stringify(id ? sends[0] : sends)
          : id && !values.watch
            ? [line(sends[0], c), ...timelineLines(sends[0], c)].join('\n')
            : sends.length
              ? sends.map((s) => line(s, c)).join('\n')
              : c.t('cli.status.none');
        if (text !== last) io.out(text);
        last = text;
        return sends;
      }));
  // A change anywhere (a send started in the app, an upload's progress, another workstation's
  // step heard from the team database) is printed at once: it is known already, so it must not
  // wait for this loop's pass (a scheduler tick that may be uploading for minutes, then a server
  // check). It also wakes the loop for a pass.
  const changed = wakeSignal();
  const off = values.watch
    ? door.subscribe('sends.onChanged', (payload) => {
        if (id && payload.id !== id) return;
        show().catch(() => undefined);
        changed.notify();
      })
    : () => undefined;
  try {
    // Watching: what is known now first, before the first pass.
    if (values.watch) await show();
    for (;;) {
      await door.tick();
      await call<Send[]>(door, 'sends.refresh', id ? { id } : {});
      const sends = await show();
      if (!values.watch || (id && sends.every((s) => final.has(s.state)))) return sends.some((s) => s.state === 'error') && id ? 1 : 0;
      await changed.wait(every * 1000);
    }
  } finally {
    off();
    // A print the last change started ends before the command does.
    await shown.catch(() => undefined);
  }
}
