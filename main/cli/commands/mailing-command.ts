import { parseArgs } from 'node:util';
import type { MailingUse } from '../../../shared/contract/mailings';
import type { Profile } from '../../../shared/contract/profiles';
import { CliError, EXIT_USAGE, report, type CliIo, type GlobalOptions, type Usage } from '../cli-io';
import { helpColumns, type CliText } from '../cli-text';
import { call, withDoor } from '../door';
import { pickClient } from './client-command';

const USAGE: Usage = (c) =>
  helpColumns(
    [
      ['loopdesk mailing add --profile P [--client C] --id ID --name N [--notes T]', c.t('cli.mailing.usage.add')],
      ['loopdesk mailing list [--profile P]'],
      ['loopdesk mailing retire --profile P [--client C] --id ID', c.t('cli.mailing.usage.retire')],
      ['loopdesk mailing restore --profile P [--client C] --id ID'],
    ],
    '',
    77,
  );

function line(m: MailingUse, c: CliText): string {
  return [
    m.profile,
    m.client,
    m.id,
    m.name,
    ...(m.retired ? [c.t('cli.mailing.list.retired')] : []),
    ...(m.inFlightSendId ? [c.t('cli.mailing.list.inFlight', { send: m.inFlightSendId })] : []),
    ...(m.lastUsedAt ? [c.t('cli.mailing.list.lastUsed', { at: c.fmt.dateTime(m.lastUsedAt) })] : []),
  ].join('\t');
}

/** `loopdesk mailing …`: the source mailings of a client, whose IDs go into `broadmail_ID`. */
export async function mailingCommand(argv: string[], options: GlobalOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help') throw CliError.usage(USAGE, sub ? 0 : EXIT_USAGE);
  if (!['add', 'list', 'retire', 'restore'].includes(sub)) throw new CliError('cli.mailing.unknown', { command: sub }, { exitCode: EXIT_USAGE, usage: USAGE });
  const { values } = parseArgs({
    args: rest,
    options: { profile: { type: 'string' }, client: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' }, notes: { type: 'string' } },
  });
  if (sub === 'add' && (!values.profile || !values.id || !values.name)) throw new CliError('cli.mailing.addRequired', {}, { exitCode: EXIT_USAGE, usage: USAGE });
  if ((sub === 'retire' || sub === 'restore') && (!values.profile || !values.id)) throw new CliError('cli.mailing.idRequired', {}, { exitCode: EXIT_USAGE, usage: USAGE });
  return withDoor(options, env, async (door) => {
    if (sub === 'list') {
      return report(io, options, await door.invoke('mailings.list', values.profile ? { profile: values.profile } : {}), (ms: MailingUse[], c) =>
        ms.length ? ms.map((m) => line(m, c)) : [c.t('cli.mailing.list.none')],
      );
    }
    const client = pickClient(await call<Profile>(door, 'profiles.get', { name: values.profile }), values.client).name;
    const target = { profile: values.profile!, client };
    if (sub === 'add') {
      return report(io, options, await door.invoke('mailings.save', { ...target, mailing: { id: values.id, name: values.name, notes: values.notes ?? '' } }), (m: MailingUse, c) => [
        c.t('cli.mailing.added', { id: m.id, name: m.name, client: m.client, profile: m.profile }),
      ]);
    }
    const retired = sub === 'retire';
    return report(io, options, await door.invoke('mailings.retire', { ...target, id: values.id, retired }), (m: MailingUse, c) => [
      c.t(retired ? 'cli.mailing.retired' : 'cli.mailing.restored', { id: m.id, name: m.name }),
    ]);
  });
}
