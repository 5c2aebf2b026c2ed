import { describe, expect, it } from 'vitest';
import { ClientConfig, ConnectionOptions, DEFAULT_MASTER_FIELDS, Profile, ProfileInput } from '../../../shared/contract/profiles';
import { draftFromProfile, draftToInput, emptyClientDraft, emptyProfileDraft, problemText, type ProfileDraft } from '../../../renderer/src/features/connections/profile-draft';
import { appIntl } from '../../../shared/i18n/intl';

const stored = Profile.parse({
  name: 'Optimizely production',
  host: 'sftp.example.com',
  port: 2222,
  user: 'acme',
  authKind: 'password',
  keyPath: null,
  passwordEnv: null,
  passphraseEnv: null,
  secretAvailable: true,
  secretStore: 'keyring',
  trustedKeys: [`SHA256:${'A'.repeat(43)}`],
  clients: [
    ClientConfig.parse({
      name: 'shop',
      testRecipients: [{ email: 'qa@example.com', name: 'QA, team' }, { email: 'me@example.com', name: '' }],
      mailings: [{ id: '44018617811', name: 'Winter clearance', notes: 'since Nov', retired: false }],
      lineBreaks: 'reject',
    }),
  ],
  options: ConnectionOptions.parse({ retries: 5, pullTime: '05:30' }),
  sandbox: false,
});

/** The form after the operator typed a password into an otherwise complete new connection. */
function filledDraft(): ProfileDraft {
  return { ...emptyProfileDraft(), name: 'Prod', host: 'sftp.example.com', user: 'acme', password: 'secret' };
}

describe('profile-draft', () => {
  it('a new connection starts with the spec’s defaults and one client with the standard master list', () => {
    const d = emptyProfileDraft();
    expect(d.port).toBe('22');
    expect(d.clients).toHaveLength(1);
    expect(d.clients[0].name).toBe('Main');
    expect(d.clients[0].fields.map((f) => f.name)).toEqual(DEFAULT_MASTER_FIELDS.map((f) => f.name));
    expect(emptyClientDraft('Second').uploadDir).toBe('upload');
  });

  it('a complete new connection becomes a ProfileInput the contract accepts', () => {
    const r = draftToInput(filledDraft(), false);
    expect(r.problems).toEqual([]);
    expect(r.input).not.toBeNull();
    const parsed = ProfileInput.parse(r.input);
    expect(parsed).toMatchObject({ name: 'Prod', host: 'sftp.example.com', port: 22, user: 'acme', auth: { kind: 'password', password: 'secret' } });
    expect(parsed.clients[0].fields.map((f) => f.name)).toEqual(DEFAULT_MASTER_FIELDS.map((f) => f.name));
  });

  it('a stored profile round-trips through the form unchanged, and an empty password keeps the stored one', () => {
    const d = draftFromProfile(stored);
    expect(d.password).toBe('');
    expect(d.clients[0].testRecipients).toBe('qa@example.com, QA, team\nme@example.com');
    const r = draftToInput(d, true);
    expect(r.problems).toEqual([]);
    const input = ProfileInput.parse(r.input);
    expect(input.auth).toEqual({ kind: 'password' });
    expect(input.clients).toEqual(stored.clients);
    expect(input.trustedKeys).toEqual(stored.trustedKeys);
    expect(input).toMatchObject({ name: stored.name, host: stored.host, port: 2222, user: stored.user, sandbox: false });
    // Every option survives an edit, the daily pull time among them (the form once reset it to 07:00).
    expect(input.options).toEqual(stored.options);
  });

  it('refuses a daily pull time that is not HH:MM', () => {
    const d = filledDraft();
    const r = draftToInput({ ...d, options: { ...d.options, pullTime: '7 Uhr' } }, false);
    expect(r.input).toBeNull();
    expect(r.problems.map((p) => p.field)).toEqual(['Daily response pull']);
  });

  it('lists every problem by form field instead of building a half-valid input', () => {
    const base = emptyProfileDraft();
    const d: ProfileDraft = {
      ...base,
      name: 'a/b',
      port: '70000',
      authKind: 'key',
      options: { ...base.options, retries: 'many' },
      clients: [
        { ...emptyClientDraft('shop'), testRecipients: 'not-an-address', mailings: [{ id: '12a', name: '', notes: '', retired: false }], fields: [] },
        emptyClientDraft('Shop'),
      ],
    };
    const r = draftToInput(d, true);
    expect(r.input).toBeNull();
    const fields = r.problems.map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'Connection name',
        'Host',
        'User',
        'Port',
        'Private key',
        'Retries',
        'Client “Shop” name',
        'Client “shop” test recipients',
        'Client “shop”, mailing 1 ID',
        'Client “shop”, mailing 1 name',
        'Client “shop” master list',
      ]),
    );
    const english = (field: string) => problemText((id, values) => appIntl('en').formatMessage({ id }, values), r.problems.find((p) => p.field === field)!.text);
    const german = (field: string) => problemText((id, values) => appIntl('de').formatMessage({ id }, values), r.problems.find((p) => p.field === field)!.text);
    expect(english('Private key')).toMatch(/never sends a stored key back/);
    expect(english('Port')).toBe('Port must be a whole number from 1 to 65535.');
    expect(german('Port')).toBe('Port muss eine ganze Zahl von 1 bis 65535 sein.');
    // Nested names (client, list, field) are translated too.
    expect(english('Client “shop” master list')).toBe('Client “shop” master list needs at least one field.');
    expect(german('Client “shop” master list')).toBe('Stammliste von Mandant „shop“ braucht mindestens ein Feld.');
    expect(german('Client “shop”, mailing 1 ID')).toBe('Mandant „shop“, Mailing 1: Die Mailing-ID muss die Nummer aus Optimizely Campaign sein (nur Ziffern).');
  });
});
