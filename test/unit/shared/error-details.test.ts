import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES, isAppError } from '../../../shared/contract';
import { ERROR_DETAILS, errorDetailsProblems } from '../../../shared/contract/error-details';
import { Dispatcher, type Services } from '../../../main/core/dispatcher';
import { DEFAULT_MASTER_FIELDS } from '../../../shared/contract/profiles';
import { prepare } from '../../../main/services/recipients/prepare';
import { writeClosedLoopFile } from '../../../main/services/recipients/closed-loop-writer';
import { sourceMailingMismatchError } from '../../../main/services/recipients/source-mailing-check';
import { compileGridQuery } from '../../../main/services/responses/grid-query';
import { columnLayout } from '../../../main/services/responses/ingest';
import { RESPONSE_KINDS } from '../../../main/services/responses/response-kinds';
import { loadOrCreateRoot, sandboxPaths } from '../../../main/services/sandbox/config';
import { mapConnectError, mapRemoteError } from '../../../main/services/sftp/errors';
import { checkHostKey } from '../../../main/services/sftp/host-key-policy';
import { withTimeout } from '../../../main/services/sftp/timeout';
import { lockDataDir } from '../../../main/services/store/data-dir-lock';
import { decodeDataKey } from '../../../main/services/store/data-key';
import { tempDir } from '../../helpers/temp-dir';

/** The AppError `work` throws (or returns). */
async function caught(work: () => unknown): Promise<AppError> {
  try {
    const value = await work();
    if (isAppError(value)) return value;
  } catch (e) {
    if (isAppError(e)) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

const where = { host: '127.0.0.1', port: 2222, username: 'loop' };
const errno = (code: string | number, message: string) => Object.assign(new Error(message), { code });

describe('error details', () => {
  it('has a schema for every error code', () => {
    expect(Object.keys(ERROR_DETAILS).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('the details of errors the services build fit their code\u2019s schema', async () => {
    const data = tempDir();
    try {
      // Another live process (our parent) owns the data dir.
      writeFileSync(join(data.path, 'loopdesk.lock'), String(process.ppid));
      const errors: AppError[] = [
        mapConnectError(new Error('All configured authentication methods failed'), where),
        mapConnectError(new Error('Cannot parse privateKey: bad passphrase'), where),
        mapConnectError(errno('ETIMEDOUT', 'connect ETIMEDOUT'), where),
        mapConnectError(errno('ENOTFOUND', 'getaddrinfo ENOTFOUND'), where),
        mapConnectError(errno('ECONNREFUSED', 'connect ECONNREFUSED'), where),
        mapConnectError(new Error('Handshake failed: no matching key exchange algorithm'), where),
        mapConnectError(new Error('something odd'), where),
        mapRemoteError(errno('ECONNRESET', 'read ECONNRESET'), 'upload', '/in/a.csv'),
        mapRemoteError(errno(2, 'No such file'), 'list', '/out'),
        mapRemoteError(errno(2, 'No such file'), 'download', '/out/a.csv'),
        mapRemoteError(errno(3, 'Permission denied'), 'upload', '/in/a.csv'),
        mapRemoteError(errno(4, 'Failure'), 'upload', '/in/a.csv'),
        mapRemoteError(errno(8, 'Op unsupported'), 'stat', '/in/a.csv'),
        checkHostKey('SHA256:abc', 'ssh-ed25519', [])!,
        checkHostKey('SHA256:abc', 'ssh-ed25519', ['SHA256:def'])!,
        await caught(() => withTimeout(new Promise(() => undefined), 5, { kind: 'op', op: 'list', path: '/out' })),
        await caught(() => decodeDataKey('not a key', 'LOOPDESK_DATA_KEY')),
        await caught(() => lockDataDir(data.path)),
        await caught(() => writeClosedLoopFile([['a', 'b']], join(data.path, 'x.csv'), { fieldCount: 3 })),
        await caught(() => writeClosedLoopFile([['\u20ac uro']], join(data.path, 'y.csv'), { fieldCount: 1, encoding: 'iso-8859-1' })),
        await caught(() => columnLayout(RESPONSE_KINDS.opens, ['a', 'a'], 'opens.csv')),
        await caught(() => columnLayout(RESPONSE_KINDS.opens, ['a'], 'opens.csv')),
        await caught(() => compileGridQuery({ view: 'clicks', sortModel: [{ colId: 'nope', sort: 'asc' }] }, null)),
        await caught(() => compileGridQuery({ view: 'clicks', filterModel: { user_id: { filterType: 'text', type: 'equals' } } }, null)),
        await caught(async () => {
          mkdirSync(join(data.path, 'sandbox'));
          writeFileSync(sandboxPaths(join(data.path, 'sandbox')).config, JSON.stringify({ version: 'x', clients: 3 }));
          return loadOrCreateRoot(join(data.path, 'sandbox'));
        }),
        // Every row excluded: the report so far rides along.
        await caught(() => {
          writeFileSync(join(data.path, 'bad.csv'), 'Email;broadmail_ID\nnot-an-address;1\nanna@example.com;1\n');
          return prepare({ input: join(data.path, 'bad.csv'), fields: DEFAULT_MASTER_FIELDS.slice(0, 2), sourceMailingId: '1', encoding: 'utf-8', timeZone: 'UTC', outDir: join(data.path, 'out'), edits: { excludedLines: [3] } });
        }),
        // No column for a required field.
        await caught(() => prepare({ input: join(data.path, 'bad.csv'), fields: [{ name: 'Salutation', type: 'Varchar', required: true }], sourceMailingId: '1', encoding: 'utf-8', timeZone: 'UTC', outDir: join(data.path, 'out') })),
        sourceMailingMismatchError({ chosen: '1', count: 1, lines: [{ line: 2, value: '3' }], others: ['3'] }),
      ];
      expect(errors.every((e) => e.details !== undefined)).toBe(true);
      expect(errors.filter((e) => e.code === 'VALIDATION_FAILED' && e.details && 'summary' in e.details)).toHaveLength(1);
      for (const e of errors) expect(errorDetailsProblems(e), `${e.code}: ${JSON.stringify(e.details)}`).toEqual([]);
    } finally {
      data.cleanup();
    }
  });

  it('names what is wrong when details do not fit', () => {
    expect(errorDetailsProblems({ code: 'HOST_KEY_CHANGED', details: { fingerprint: 'SHA256:abc' } })).toEqual(['keyType: Invalid input: expected string, received undefined', 'trusted: Invalid input: expected array, received undefined']);
    // A field the schema does not name is a mismatch too: it has to be declared before a service sends it.
    expect(errorDetailsProblems({ code: 'DATA_DIR_IN_USE', details: { pid: 1, dataDir: '/d', user: 'x' } })).not.toEqual([]);
    expect(errorDetailsProblems({ code: 'TARGET_EXISTS', details: { path: 42 } })).not.toEqual([]);
    expect(errorDetailsProblems({ code: 'TARGET_EXISTS' })).toEqual([]);
  });

  it('the dispatcher reports details that do not fit as a bug and still answers with the error', async () => {
    const bugs: string[] = [];
    const throwing = (error: AppError) =>
      new Dispatcher({ app: { info: async () => Promise.reject(error) } } as unknown as Services, (_channel, e) => bugs.push(String(e)), true);
    const wrong = AppError.untranslated('TARGET_EXISTS', 'Already there.', { file: '/in/a.csv' } as never);
    expect(await throwing(wrong).handle('app.info', {}, { transport: 'memory' })).toEqual({
      ok: false,
      error: { code: 'TARGET_EXISTS', message: 'Already there.', details: { file: '/in/a.csv' } },
    });
    expect(bugs).toHaveLength(1);
    expect(bugs[0]).toContain('TARGET_EXISTS details do not match');
    await throwing(AppError.untranslated('TARGET_EXISTS', 'Already there.', { path: '/in/a.csv' })).handle('app.info', {}, { transport: 'memory' });
    expect(bugs).toHaveLength(1);
  });
});
