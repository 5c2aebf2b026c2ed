import { describe, expect, it } from 'vitest';
import { Dispatcher, type Services } from '../../../main/core/dispatcher';
import { errorText } from '../../../shared/i18n/error-text';
import { appIntl } from '../../../shared/i18n/intl';
import type { AppErrorInfo } from '../../../shared/contract/result';

/** A dispatcher with one service method that throws a bug. */
function dispatcher(): Dispatcher {
  const services = {
    profiles: {},
    activity: {
      list: async () => {
        throw new TypeError('boom');
      },
    },
  } as unknown as Services;
  return new Dispatcher(services, () => undefined, false);
}

async function failure(channel: unknown, payload: unknown): Promise<AppErrorInfo> {
  const result = await dispatcher().handle(channel, payload, { transport: 'memory' });
  if (result.ok) throw new Error('expected a failure');
  return result.error;
}

describe("the dispatcher's own errors carry catalog keys (issue #15)", () => {
  it('an unknown channel, a bad payload, a missing method and a bug: key, values, English message kept', async () => {
    const unknown = await failure('nope.nothing', {});
    expect(unknown).toMatchObject({ code: 'UNKNOWN_CHANNEL', messageId: 'error.host.unknownChannel', message: 'Unknown channel "nope.nothing".' });
    expect(errorText(appIntl('de'), unknown)).toBe('Unbekannter Kanal "nope.nothing".');

    const invalid = await failure('profiles.get', { name: 42 });
    expect(invalid).toMatchObject({ code: 'INVALID_INPUT', messageId: 'error.host.invalidFieldIssues', values: { channel: 'profiles.get' } });
    expect(invalid.message).toBe('Invalid input for profiles.get: name has the wrong kind of value. Check the input and try again.');
    expect(invalid.details).toEqual({ issues: [expect.objectContaining({ path: ['name'] })] });
    // German names the field and what is wrong with it in German; zod's English issue text stays in the details.
    expect(errorText(appIntl('de'), invalid)).toMatch(/^Ungültige Eingabe für profiles.get: name .+\. Prüfen Sie die Eingabe und versuchen Sie es erneut\.$/);
    expect(errorText(appIntl('de'), invalid)).not.toContain('wrong kind');

    const twoFields = await failure('profiles.save', { profile: { name: 7, host: 8, user: 'u', auth: { kind: 'password' } } });
    expect(errorText(appIntl('en'), twoFields)).toMatch(/^Invalid input for profiles.save: profile.name has the wrong kind of value; profile.host has the wrong kind of value/);
    expect(errorText(appIntl('de'), twoFields)).toMatch(/^Ungültige Eingabe für profiles.save: profile.name .+; profile.host /);

    const notAnObject = await failure('profiles.get', 'just text');
    expect(notAnObject).toMatchObject({ code: 'INVALID_INPUT', messageId: 'error.host.invalidInput' });
    expect(errorText(appIntl('de'), notAnObject)).toBe('Ungültige Eingabe für profiles.get. Prüfen Sie die Werte und versuchen Sie es erneut.');

    const missing = await failure('profiles.list', {});
    expect(missing).toMatchObject({ code: 'NOT_IMPLEMENTED', messageId: 'error.host.notImplemented' });
    expect(errorText(appIntl('de'), missing)).toBe('profiles.list ist in diesem Host nicht verfügbar.');

    const bug = await failure('activity.list', {});
    expect(bug).toMatchObject({ code: 'INTERNAL', messageId: 'error.host.unexpected', message: 'Loopdesk hit an unexpected error in activity.list: boom. It has been logged.' });
    expect(bug).not.toHaveProperty('details');
    expect(errorText(appIntl('de'), bug)).toBe('In Loopdesk ist bei activity.list ein unerwarteter Fehler aufgetreten: boom. Er wurde protokolliert.');
  });
});
