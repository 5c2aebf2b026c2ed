import { describe, expect, it } from 'vitest';
import { DEFAULT_RESPONSE_FILE_NAMES, responseFileName, responseFileNameMatcher, responseFileNamesProblem } from '../../../shared/contract/response-file-names';
import { ClientConfig } from '../../../shared/contract/profiles';

describe('response file name patterns', () => {
  it('the default recognises the spec\'s names and nothing else', () => {
    const match = responseFileNameMatcher(DEFAULT_RESPONSE_FILE_NAMES);
    expect(match('20240601_mailingrecipients.csv')).toEqual({ day: '20240601', kind: 'mailingrecipients' });
    expect(match('20240601_mailings.csv')).toEqual({ day: '20240601', kind: 'mailings' });
    expect(match('20240601_clicks.csv.part')).toBeUndefined();
    expect(match('2024061_clicks.csv')).toBeUndefined();
    expect(match('20240601_bounces.csv')).toBeUndefined();
    expect(match('20240601-clicks.csv')).toBeUndefined();
  });

  it('a custom pattern takes its text literally and ignores letter case', () => {
    const pattern = 'export+{kind}.[{date}].CSV';
    const match = responseFileNameMatcher(pattern);
    expect(match('export+Clicks.[20240601].csv')).toEqual({ day: '20240601', kind: 'clicks' });
    expect(match('exportt{kind}x[20240601]xCSV')).toBeUndefined();
    expect(match('exportxclicks.[20240601].CSV')).toBeUndefined();
    expect(responseFileName(pattern, '20240601', 'opens')).toBe('export+opens.[20240601].CSV');
  });

  it('says what is wrong with a pattern that cannot work', () => {
    expect(responseFileNamesProblem('{date}_{kind}.csv')).toBeUndefined();
    expect(responseFileNamesProblem('')).toMatch(/empty/);
    expect(responseFileNamesProblem('{date}.csv')).toMatch(/\{kind\} exactly once/);
    expect(responseFileNamesProblem('{date}_{kind}_{date}.csv')).toMatch(/\{date\} exactly once \(found 2\)/);
    expect(responseFileNamesProblem('{day}_{kind}.csv')).toMatch(/\{day\}/);
    expect(responseFileNamesProblem('out/{date}_{kind}.csv')).toMatch(/Response directory/);
    expect(responseFileNamesProblem('{date}_{kind}}.csv')).toMatch(/\{ or \}/);
    expect(() => responseFileNameMatcher('{date}.csv')).toThrow(/\{kind\}/);
  });

  it('a client without the setting gets the default; a broken one is refused by the schema', () => {
    expect(ClientConfig.parse({ name: 'c' }).responseFileNames).toBe(DEFAULT_RESPONSE_FILE_NAMES);
    const bad = ClientConfig.safeParse({ name: 'c', responseFileNames: '{date}.csv' });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('{kind} exactly once');
  });
});
