import { parseArgs } from 'node:util';
import { ActivityLevel, type ActivityEntry } from '../../../shared/contract/activity';
import { entryText } from '../../../shared/i18n/activity-entry-text';
import type { MessageId } from '../../../shared/i18n/messages';
import { CliError, EXIT_USAGE, type CliIo, type GlobalOptions, type Usage } from '../cli-io';
import { cliText, helpColumns, type CliText } from '../cli-text';
import { call, type Door } from '../door';

const USAGE: Usage = (c) =>
  helpColumns(
    [
      ['loopdesk activity [--mine] [--level info|warn|error] [--profile P] [--search TEXT] [--limit N] [--watch]', c.t('cli.activity.usage')],
      ['--mine', c.t('cli.activity.usage.mine')],
      ['--watch', c.t('cli.activity.usage.watch')],
    ],
    '',
    12,
  );

const LEVELS: Record<ActivityEntry['level'], MessageId> = { info: 'cli.activity.level.info', warn: 'cli.activity.level.warn', error: 'cli.activity.level.error' };

/** One entry as a line: time, level, kind, connection, the message in the reader's language, and in team mode whose it is. */
function line(e: ActivityEntry, c: CliText): string {
  return [
    c.fmt.dateTime(e.at, { seconds: true }),
    c.t(LEVELS[e.level]),
    e.kind,
    e.profile ?? '-',
    c.say(entryText(e), e.message),
    // Team mode: another workstation's entry says which one.
    ...(e.origin && !e.origin.mine ? [c.t('cli.activity.from', { name: e.origin.name })] : []),
  ].join('\t');
}

/**
 * `loopdesk activity`: the activity log, newest last (as a terminal reads it). In team mode every
 * workstation's entries, each other workstation's marked "from NAME"; `--mine` shows this
 * workstation's only. `--watch` then prints new entries as they happen (the team's within a
 * second, through the team database's NOTIFY) until Ctrl-C.
 */
export async function activityCommand(argv: string[], door: Door, options: GlobalOptions, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      mine: { type: 'boolean', default: false },
      level: { type: 'string' },
      profile: { type: 'string' },
      search: { type: 'string' },
      limit: { type: 'string', default: '50' },
      watch: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw CliError.usage(USAGE, 0);
  if (positionals.length > 0) throw CliError.usage(USAGE, EXIT_USAGE);
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new CliError('cli.activity.limit', { got: values.limit ?? '' }, { exitCode: EXIT_USAGE, usage: USAGE });
  const level = values.level === undefined ? undefined : ActivityLevel.safeParse(values.level);
  if (level && !level.success) throw new CliError('cli.activity.level', { got: values.level ?? '' }, { exitCode: EXIT_USAGE, usage: USAGE });
  const c = cliText(options.lang);
  const filter = { level: level?.data, profile: values.profile, search: values.search };
  const shows = (e: ActivityEntry) =>
    (!values.mine || !e.origin || e.origin.mine) &&
    (!filter.level || e.level === filter.level) &&
    (!filter.profile || e.profile === filter.profile) &&
    (!filter.search || `${e.message} ${e.kind}`.toLowerCase().includes(filter.search.toLowerCase()));
  const print = (e: ActivityEntry) => io.out(options.json ? JSON.stringify(e) : line(e, c));

  // Subscribed before the list is read, so nothing written in between is missed (the id check drops repeats).
  const seen = new Set<string>();
  const arrived: ActivityEntry[] = [];
  let wake: (() => void) | undefined;
  const off = values.watch
    ? door.subscribe('activity.onEntry', (e) => {
        arrived.push(e);
        wake?.();
      })
    : () => undefined;
  try {
    const page = await call<{ entries: ActivityEntry[]; total: number; team: { workstation: string; othersMissing: boolean } | null }>(door, 'activity.list', {
      limit,
      ...filter,
      scope: values.mine ? 'workstation' : 'team',
    });
    if (page.team?.othersMissing) io.err(c.t('cli.activity.othersMissing'));
    if (options.json && !values.watch) io.out(JSON.stringify(page));
    else {
      const oldestFirst = [...page.entries].reverse();
      if (!options.json && oldestFirst.length === 0 && !values.watch) io.out(c.t('cli.activity.none'));
      for (const e of oldestFirst) {
        seen.add(e.id);
        print(e);
      }
    }
    if (!values.watch) return 0;
    // Until Ctrl-C: the process ends on SIGINT, as `status --watch` does.
    for (;;) {
      while (arrived.length > 0) {
        const e = arrived.shift()!;
        if (seen.has(e.id) || !shows(e)) continue;
        seen.add(e.id);
        print(e);
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    off();
  }
}
