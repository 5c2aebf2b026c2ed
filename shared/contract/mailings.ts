import { z } from 'zod';
import { method, service } from './define';
import { BigintString } from './profiles';

/** A source mailing with its use by sends. */
export const MailingUse = z.object({
  profile: z.string(),
  client: z.string(),
  id: z.string(),
  name: z.string(),
  notes: z.string(),
  retired: z.boolean(),
  /** The send currently in flight on this source mailing (at most one). */
  inFlightSendId: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  lastSendId: z.string().nullable(),
});
export type MailingUse = z.output<typeof MailingUse>;

const Target = z.object({ profile: z.string().min(1), client: z.string().min(1) });

/** Source mailings per client: the IDs that go into `broadmail_ID`. */
export const mailingsContract = service('mailings', {
  list: method('Source mailings of every client, with in-flight and last use', z.object({ profile: z.string().optional() }), z.array(MailingUse)),
  save: method(
    'Add or edit a source mailing of a client',
    Target.extend({ mailing: z.object({ id: BigintString, name: z.string().min(1).max(200), notes: z.string().max(2000).default('') }) }),
    MailingUse,
  ),
  retire: method('Retire (or bring back) a source mailing', Target.extend({ id: z.string(), retired: z.boolean().default(true) }), MailingUse),
});
