import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../../shared/contract/activity';
import { appIntl } from '../../../shared/i18n/intl';
import type { MessageId } from '../../../shared/i18n/messages';
import { entryText } from '../../../shared/i18n/activity-entry-text';

const held = (origin: ActivityEntry['origin']): ActivityEntry => ({
  id: '1',
  at: '2026-12-06T10:00:00.000Z',
  level: 'warn',
  kind: 'upload',
  profile: 'team',
  message: 'Send s-1 is held: …',
  text: { id: 'sends.activity.heldOwnName', values: { id: 's-1', file: 'f.csv' } },
  details: null,
  origin,
});

describe('entryText (Activity: an entry worded for the operator who logged it)', () => {
  it('names the other workstation as the one to decide, in English and German', () => {
    const text = entryText(held({ workstation: 'w-a', name: 'a', mine: false }))!;
    expect(text).toEqual({ id: 'sends.activity.heldOwnName.elsewhere', values: { id: 's-1', file: 'f.csv', by: 'a' } });
    expect(appIntl('en').formatMessage({ id: text.id as MessageId }, text.values)).toMatch(/^Send s-1 is held on workstation a: .*Only workstation a can decide/);
    expect(appIntl('de').formatMessage({ id: text.id as MessageId }, text.values)).toMatch(/^Versand s-1 ist auf dem Arbeitsplatz a angehalten: .*nur dort/);
  });

  it('keeps this workstation’s own entry, and one outside team mode, as logged', () => {
    expect(entryText(held({ workstation: 'w-b', name: 'b', mine: true }))?.id).toBe('sends.activity.heldOwnName');
    expect(entryText(held(null))?.id).toBe('sends.activity.heldOwnName');
  });

  it('words another workstation’s approval and rejection in the third person (they were logged as “You approved …”)', () => {
    const decided = (id: string, values: Record<string, string>): ActivityEntry => ({ ...held({ workstation: 'w-a', name: 'a', mine: false }), level: 'info', kind: 'send', text: { id, values } });
    const approved = entryText(decided('team.activity.youApproved', { sendId: 's-2', name: 'Bea' }))!;
    expect(appIntl('en').formatMessage({ id: approved.id as MessageId }, approved.values)).toBe('The operator at workstation a approved send s-2, started by Bea.');
    expect(appIntl('de').formatMessage({ id: approved.id as MessageId }, approved.values)).toBe('Auf dem Arbeitsplatz a wurde Versand s-2 von Bea freigegeben.');
    const rejected = entryText(decided('team.activity.youRejected', { sendId: 's-3', name: 'Bea', reason: 'wrong list' }))!;
    expect(appIntl('en').formatMessage({ id: rejected.id as MessageId }, rejected.values)).toBe('The operator at workstation a rejected send s-3, started by Bea (wrong list).');
    expect(appIntl('de').formatMessage({ id: rejected.id as MessageId }, rejected.values)).toBe('Auf dem Arbeitsplatz a wurde Versand s-3 von Bea abgelehnt (wrong list).');
  });
});
