import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../../shared/contract/activity';
import { appIntl } from '../../../shared/i18n/intl';
import type { MessageId } from '../../../shared/i18n/messages';
import { entryText } from '../../../renderer/src/features/activity/told-elsewhere';

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
});
