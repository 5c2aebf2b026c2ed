import type { ActivityEntry } from '../contract/activity';
import type { CatalogText } from '../contract/catalog-text';
import type { MessageId } from './messages';

/**
 * Entries worded for the operator of the workstation that logged them ("Decide on the Sends
 * screen"): in team mode another workstation's copy names that workstation instead (`by`).
 */
const ELSEWHERE: Readonly<Partial<Record<string, MessageId>>> = {
  'sends.activity.heldOwnName': 'sends.activity.heldOwnName.elsewhere',
  'team.activity.youApproved': 'team.activity.youApproved.elsewhere',
  'team.activity.youRejected': 'team.activity.youRejected.elsewhere',
};

/** The catalog text to show for an entry: another workstation's "you" entry in the third person, else its own. */
export function entryText(entry: ActivityEntry): CatalogText | null {
  const id = entry.text && entry.origin && !entry.origin.mine ? ELSEWHERE[entry.text.id] : undefined;
  return entry.text && id && entry.origin ? { id, values: { ...entry.text.values, by: entry.origin.name } } : entry.text;
}
