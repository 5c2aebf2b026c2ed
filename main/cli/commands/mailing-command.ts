import { parseArgs } from 'node:util';
import type { MailingUse } from '../../../shared/contract/mailings';
import type { Profile } from '../../../shared/contract/profiles';
import { CliError, EXIT_USAGE, report, type CliIo, type GlobalOptions } from '../cli-io';
import { call, withDoor } from '../door';
import { pickClient } from './client-command';

const USAGE = `loopdesk mailing add --profile P [--client C] --id ID --name N [--notes T]   a source mailing made in Smart Campaigns
loopdesk mailing list [--profile P]
loopdesk mailing retire --profile P [--client C] --id ID                   no new sends with it
loopdesk mailing restore --profile P [--client C] --id ID`;

function line(m: MailingUse): string {
  return `${m.profile}\t${m.client}\t${m.id}\t${m.name}${m.retired ? '\tretired' : ''}${m.inFlightSendId ? `\tin flight: ${m.inFlightSendId}` : ''}${m.lastUsedAt ? `\tlast used ${m.lastUsedAt}` : ''}`;
}

/** `loopdesk mailing …`: the source mailings of a client, whose IDs go into `broadmail_ID`. */
export async function mailingCommand(argv: string[], options: GlobalOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help') throw new CliError(USAGE, sub ? 0 : EXIT_USAGE);
  if (!['add', 'list', 'retire', 'restore'].includes(sub)) throw new CliError(`Unknown mailing command "${sub}".\n${USAGE}`, EXIT_USAGE);
  const { values } = parseArgs({
    args: rest,
    options: { profile: { type: 'string' }, client: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' }, notes: { type: 'string' } },
  });
  if (sub === 'add' && (!values.profile || !values.id || !values.name)) throw new CliError(`--profile, --id and --name are required.\n${USAGE}`, EXIT_USAGE);
  if ((sub === 'retire' || sub === 'restore') && (!values.profile || !values.id)) throw new CliError(`--profile and --id are required.\n${USAGE}`, EXIT_USAGE);
  return withDoor(options, env, async (door) => {
    if (sub === 'list') {
      return report(io, options, await door.invoke('mailings.list', values.profile ? { profile: values.profile } : {}), (ms: MailingUse[]) =>
        ms.length ? ms.map(line) : ['No source mailings yet. Add one with `loopdesk mailing add`.'],
      );
    }
    const client = pickClient(await call<Profile>(door, 'profiles.get', { name: values.profile }), values.client).name;
    const target = { profile: values.profile!, client };
    if (sub === 'add') {
      return report(io, options, await door.invoke('mailings.save', { ...target, mailing: { id: values.id, name: values.name, notes: values.notes ?? '' } }), (m: MailingUse) => [
        `Source mailing ${m.id} "${m.name}" is set up for client "${m.client}" of profile "${m.profile}".`,
      ]);
    }
    const retired = sub === 'retire';
    return report(io, options, await door.invoke('mailings.retire', { ...target, id: values.id, retired }), (m: MailingUse) => [
      `Source mailing ${m.id} "${m.name}" ${retired ? 'retired: no new sends use it' : 'restored: sends can use it again'}.`,
    ]);
  });
}
