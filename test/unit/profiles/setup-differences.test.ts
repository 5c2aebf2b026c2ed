import { describe, expect, it } from 'vitest';
import { setupDifferences } from '../../../main/services/profiles/setup-differences';
import { SharedSetup } from '../../../main/services/profiles/shared-setup';

const KEY_A = `SHA256:${'A'.repeat(43)}`;
const KEY_B = `SHA256:${'B'.repeat(43)}`;
const base = () =>
  SharedSetup.parse({
    host: 'sftp.example.com',
    port: 22,
    user: 'ops',
    authKind: 'password',
    trustedKeys: [KEY_A, KEY_B],
    options: { keepaliveSeconds: 15, connectTimeoutSeconds: 20, operationTimeoutSeconds: 60, transferMode: 'fast', legacyAlgorithms: false, retries: 3, pollMinutes: 10, pullTime: '07:00' },
    clients: [
      {
        name: 'Main',
        uploadDir: 'upload',
        logDir: 'logs',
        responseDir: 'responses',
        responseFileNames: '{date}_{kind}.csv',
        fields: [{ name: 'Email', type: 'Varchar', length: 255, required: true }],
        productFields: [{ name: 'product_id', type: 'Varchar', length: 255, required: true }],
        encoding: 'utf-8',
        timeZone: '',
        testRecipients: [],
        mailings: [{ id: '900001', name: 'Spring sale', notes: '', retired: false }],
        lineBreaks: 'space',
        productsFileName: '{stamp}_products.csv',
        fourEyes: false,
        responseDialect: { encoding: 'utf-8', delimiter: ';', header: true, timestampFormat: 'YYYY-MM-DD HH:mm:ss' },
      },
    ],
  });

describe('setupDifferences: what differs between two shared set-ups, as the conflict comparison shows it', () => {
  it('finds nothing in equal set-ups, nor in the same trusted keys in another order', () => {
    const mine = base();
    expect(setupDifferences(mine, base())).toEqual([]);
    expect(setupDifferences({ ...mine, trustedKeys: [KEY_B, KEY_A] }, base())).toEqual([]);
  });

  it('names each field, option and client setting that differs, in the form’s order, with both values as text', () => {
    const mine = base();
    const team = base();
    const changed = {
      ...mine,
      port: 2222,
      authKind: 'key' as const,
      trustedKeys: [KEY_A],
      options: { ...mine.options, retries: 7, legacyAlgorithms: true },
      clients: [{ ...mine.clients[0], uploadDir: 'in', fourEyes: true, fields: [{ name: 'Email', type: 'Varchar' as const, length: 100, required: true }] }],
    };
    expect(setupDifferences(changed, team)).toEqual([
      { field: 'port', key: null, part: null, mine: '2222', team: '22' },
      { field: 'authKind', key: null, part: null, mine: 'key', team: 'password' },
      { field: 'trustedKeys', key: null, part: null, mine: KEY_A, team: `${KEY_A}, ${KEY_B}` },
      { field: 'option', key: 'legacyAlgorithms', part: null, mine: 'true', team: 'false' },
      { field: 'option', key: 'retries', part: null, mine: '7', team: '3' },
      { field: 'client', key: 'Main', part: 'uploadDir', mine: 'in', team: 'upload' },
      { field: 'client', key: 'Main', part: 'fields', mine: 'Email Varchar(100)*', team: 'Email Varchar(255)*' },
      { field: 'client', key: 'Main', part: 'fourEyes', mine: 'true', team: 'false' },
    ]);
  });

  it('shows a client on one side only as one entry, and a difference the short form hides (a mailing’s notes) in full', () => {
    const mine = base();
    const team = base();
    const withNotes = { ...mine.clients[0], mailings: [{ ...mine.clients[0].mailings[0], notes: 'Only the newsletter list' }] };
    const extra = { ...mine.clients[0], name: 'Second', mailings: [] };
    const d = setupDifferences({ ...mine, clients: [withNotes, extra] }, { ...team, clients: [team.clients[0], { ...extra, name: 'Third' }] });
    expect(d).toEqual([
      {
        field: 'client',
        key: 'Main',
        part: 'mailings',
        mine: JSON.stringify(withNotes.mailings),
        team: JSON.stringify(team.clients[0].mailings),
      },
      { field: 'client', key: 'Second', part: null, mine: 'Second', team: null },
      { field: 'client', key: 'Third', part: null, mine: null, team: 'Third' },
    ]);
  });
});
