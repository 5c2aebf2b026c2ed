import { describe, expect, it } from 'vitest';
import { appIntl } from '../../../shared/i18n/intl';
import type { Locale } from '../../../shared/i18n/locale';
import { rendererIntl } from '../../../renderer/src/i18n/language-provider';

const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

// Both ways a message is formatted: FormatJS in main and the CLI, react-intl in the renderer.
const hosts: [string, (locale: Locale) => { formatMessage: (d: { id: never }, v?: Record<string, string | number>) => unknown }][] = [
  ['main and CLI (appIntl)', (locale) => appIntl(locale) as never],
  ['renderer (react-intl)', (locale) => rendererIntl(locale) as never],
];

describe.each(hosts)('numbers in simple arguments are written for the locale: %s', (_, intlOf) => {
  const say = (locale: Locale, id: string, values: Record<string, string | number>) => nbsp(String(intlOf(locale).formatMessage({ id: id as never }, values)));

  it('writes a fractional number the German way on a German screen, the English way on an English one', () => {
    const values = { path: '/responses/opens.csv', bytes: 2048, seconds: 1.47 };
    expect(say('de', 'sends.transfer.downloaded', values)).toBe('/responses/opens.csv heruntergeladen (2.048 Byte) in 1,47 s');
    expect(say('en', 'sends.transfer.downloaded', values)).toBe('Downloaded /responses/opens.csv (2,048 bytes) in 1.47 s');
  });

  it('groups amounts above a thousand but keeps positions and typed bounds as written', () => {
    expect(say('de', 'connections.test.ms', { ms: 1234 })).toBe('1.234 ms');
    expect(say('en', 'connections.test.ms', { ms: 1234 })).toBe('1,234 ms');
    const columns = say('de', 'error.recipients.file.tooManyColumns', { path: 'a.csv', columns: 20000, row: 1234, max: 16384 });
    expect(columns).toContain('hat 20.000 Spalten in der Kopfzeile (Zeile 1234), mehr als die 16384,');
  });

  it('leaves identifiers alone: a mailing ID, a PID, a port', () => {
    expect(say('de', 'cli.mailing.added', { id: 1234567, name: 'Newsletter', client: 'Acme', profile: 'prod' })).toContain('Quellmailing 1234567 „Newsletter“');
    expect(say('en', 'cli.mailing.added', { id: 1234567, name: 'Newsletter', client: 'Acme', profile: 'prod' })).toContain('Source mailing 1234567 "Newsletter"');
    expect(say('de', 'error.store.dataDirInUse', { dataDir: '/data', pid: 12345 })).toContain('von PID 12345 verwendet');
    expect(say('de', 'responses.resend.hint', { client: 'Acme', profile: 'prod', source: 1234567 })).toContain('mit dem Quellmailing 1234567;');
    expect(say('de', 'connections.problem.wholeNumber', { field: 'Port', min: 1, max: 65535 })).toBe('Port muss eine ganze Zahl von 1 bis 65535 sein.');
    expect(say('de', 'connections.card.address', { user: 'op', host: 'sftp.example.com', port: 10022 })).toBe('op@sftp.example.com:10022');
  });

  it('passes strings through untouched', () => {
    expect(say('de', 'connections.test.ms', { ms: '1234.5' })).toBe('1234.5 ms');
  });
});
