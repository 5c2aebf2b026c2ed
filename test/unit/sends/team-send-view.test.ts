import { describe, expect, it } from 'vitest';
import { toldElsewhere } from '../../../main/services/sends/team-send-view';
import { appIntl } from '../../../shared/i18n/intl';
import type { MessageId } from '../../../shared/i18n/messages';

/** A step as its workstation wrote it (values as the services give them). */
const STEPS: Record<string, Record<string, string | number>> = {
  'sends.step.heldOwnName': { file: '20261206101500_subscribers.csv', at: Date.UTC(2026, 11, 6, 10, 15) },
  'sends.step.heldIsThisSend': { file: '20261206101500_subscribers.csv' },
  'sends.step.heldNotThisSend': { file: '20261206101500_subscribers.csv' },
  'sends.step.adopted': { workstation: 'c', file: '20261206101500_subscribers.csv' },
  'sends.step.takenOver': { state: 'uploading', reason: 'Workstation b holds the upload.' },
  'sends.step.teamAhead': { state: 'sent', file: '20261206101500_subscribers.csv' },
};

describe('toldElsewhere (a step another workstation wrote, as this one shows it)', () => {
  for (const [id, values] of Object.entries(STEPS)) {
    it(`${id}: names the workstation, never "you" or "this workstation", in English and German`, () => {
      const told = toldElsewhere({ id, values }, 'a');
      expect(told?.text).toEqual({ id: `${id}.elsewhere`, values: { ...values, by: 'a' } });
      expect(told?.message).toBe(appIntl('en').formatMessage({ id: told!.text.id as MessageId }, told!.text.values));
      const en = told!.message;
      const de = appIntl('de').formatMessage({ id: told!.text.id as MessageId }, told!.text.values);
      expect(en).toMatch(/workstation a\b/);
      expect(de).toMatch(/Arbeitsplatz(es)? a\b/);
      expect(en).not.toMatch(/\b(you|your|this workstation|this one|from here)\b/i);
      expect(de).not.toMatch(/\b(Sie|Ihr|dieser Arbeitsplatz|dieser hier|von hier)\b/);
    });
  }

  it('leaves a step worded for anyone as it is', () => {
    expect(toldElsewhere({ id: 'sends.step.uploading', values: {} }, 'a')).toBeNull();
    expect(toldElsewhere(null, 'a')).toBeNull();
  });
});
