import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/contract/result';
import { errorText } from '../../../shared/i18n/error-text';
import { appIntl } from '../../../shared/i18n/intl';
import { algorithmsFor, isTransientError, mapConnectError, mapRemoteError } from '../../../main/services/sftp';
import { withTimeout } from '../../../main/services/sftp/timeout';
import { transferFailure } from '../../../main/services/sftp/transfer-failures';

const where = { host: 'sftp.example.com', port: 22, username: 'loop' };
const withCode = (message: string, code: string | number) => Object.assign(new Error(message), { code });

describe('isTransientError', () => {
  it('retries lost links and timeouts', () => {
    expect(isTransientError(AppError.untranslated('TIMEOUT', 'slow'))).toBe(true);
    expect(isTransientError(AppError.untranslated('TIMEOUT', 'slow', { transient: true }))).toBe(true);
    expect(isTransientError(AppError.untranslated('CONNECTION_FAILED', 'lost', { transient: true }))).toBe(true);
    expect(isTransientError(AppError.untranslated('TRANSFER_FAILED', 'cut', { transient: true }))).toBe(true);
  });

  it('never retries what a retry cannot heal: auth, trust, existing targets, bad input', () => {
    for (const code of ['AUTH_FAILED', 'HOST_KEY_UNKNOWN', 'HOST_KEY_CHANGED', 'TARGET_EXISTS', 'PERMISSION_DENIED', 'NOT_FOUND', 'INVALID_INPUT', 'SECRET_UNAVAILABLE'] as const) {
      expect(isTransientError(AppError.untranslated(code, 'no', { transient: true })), code).toBe(false);
    }
  });

  it('follows the transient flag where the code alone does not tell', () => {
    expect(isTransientError(AppError.untranslated('CONNECTION_FAILED', 'bad host name', { transient: false }))).toBe(false);
    expect(isTransientError(AppError.untranslated('CONNECTION_FAILED', 'no flag'))).toBe(false);
    expect(isTransientError(AppError.untranslated('TRANSFER_FAILED', 'no flag'))).toBe(false);
    expect(isTransientError(AppError.untranslated('TIMEOUT', 'explicitly final', { transient: false }))).toBe(false);
  });

  it('classifies raw socket and ssh2 errors', () => {
    for (const code of ['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNABORTED']) {
      expect(isTransientError(withCode('socket', code)), code).toBe(true);
    }
    expect(isTransientError(new Error('No response from server'))).toBe(true);
    expect(isTransientError(new Error('put: Unexpected end event'))).toBe(true);
    expect(isTransientError(withCode('getaddrinfo ENOTFOUND nowhere', 'ENOTFOUND'))).toBe(false);
    expect(isTransientError(new Error('All configured authentication methods failed'))).toBe(false);
    expect(isTransientError('a string')).toBe(false);
    expect(isTransientError(undefined)).toBe(false);
  });
});

describe('mapConnectError / mapRemoteError', () => {
  it('turns connect failures into codes with advice', () => {
    expect(mapConnectError(new Error('All configured authentication methods failed'), where).code).toBe('AUTH_FAILED');
    const timeout = mapConnectError(new Error('Timed out while waiting for handshake'), where);
    expect(timeout.code).toBe('TIMEOUT');
    expect(isTransientError(timeout)).toBe(true);
    const refused = mapConnectError(withCode('connect ECONNREFUSED', 'ECONNREFUSED'), where);
    expect(refused).toMatchObject({ code: 'CONNECTION_FAILED', details: { transient: true } });
    expect(refused.message).toContain('sftp.example.com:22');
    expect(mapConnectError(withCode('getaddrinfo', 'ENOTFOUND'), where)).toMatchObject({ code: 'CONNECTION_FAILED', details: { transient: false } });
    const kex = mapConnectError(new Error('Handshake failed: no matching key exchange algorithm'), where);
    expect(kex.message).toMatch(/legacy algorithms/);
    expect(isTransientError(kex)).toBe(false);
  });

  it('keeps an AppError as it is', () => {
    const original = AppError.untranslated('HOST_KEY_CHANGED', 'changed');
    expect(mapConnectError(original, where)).toBe(original);
    expect(mapRemoteError(original, 'stat', '/x')).toBe(original);
  });

  it('turns remote failures into NOT_FOUND, PERMISSION_DENIED, or a retryable lost link', () => {
    expect(mapRemoteError(withCode('No such file', 2), 'stat', '/up/a.csv').code).toBe('NOT_FOUND');
    expect(mapRemoteError(withCode('Permission denied', 3), 'put', '/up/a.csv').code).toBe('PERMISSION_DENIED');
    const lost = mapRemoteError(withCode('read ECONNRESET', 'ECONNRESET'), 'put', '/up/a.csv');
    expect(lost).toMatchObject({ code: 'CONNECTION_FAILED', details: { transient: true } });
    expect(mapRemoteError(new Error('Failure'), 'rename', '/up/a.csv').code).toBe('REMOTE_ERROR');
  });
});

describe('algorithmsFor', () => {
  it('offers nothing extra by default (ssh2 picks modern algorithms)', () => {
    expect(algorithmsFor(false)).toBeUndefined();
  });

  it('appends legacy algorithms, never replacing the modern ones', () => {
    const algorithms = algorithmsFor(true) as Record<string, Record<string, string[]>>;
    for (const [kind, spec] of Object.entries(algorithms)) {
      expect(Object.keys(spec), kind).toEqual(['append']);
    }
    expect(algorithms.kex.append).toContain('diffie-hellman-group14-sha1');
    expect(algorithms.cipher.append).toContain('aes128-cbc');
    expect(algorithms.serverHostKey.append).toContain('ssh-rsa');
    expect(algorithms.hmac.append).toContain('hmac-sha1');
  });
});

describe('SFTP errors in the reader’s language', () => {
  const de = appIntl('de');

  it('carry catalog keys with the server or system text as a value, so German reads whole', () => {
    const lost = mapRemoteError(withCode('read ECONNRESET', 'ECONNRESET'), 'write test', '/in/probe.tmp');
    expect(lost).toMatchObject({ messageId: 'error.sftp.lostDuring', values: { op: 'write_test', path: '/in/probe.tmp' } });
    expect(lost.message).toBe('The connection was lost during write test of /in/probe.tmp. Reconnect and try again.');
    expect(errorText(de, lost)).toBe('Die Verbindung ist beim Schreibtest von /in/probe.tmp abgebrochen. Verbinden Sie sich erneut und versuchen Sie es noch einmal.');

    const odd = mapRemoteError(withCode('Op unsupported', 8), 'stat', '/in/a.csv');
    expect(errorText(de, odd)).toBe('Der Server meldete beim Abfragen von /in/a.csv einen Fehler: Op unsupported');

    const auth = mapConnectError(new Error('All configured authentication methods failed'), where);
    expect(errorText(de, auth)).toMatch(/^Der Server sftp\.example\.com:22 hat die Anmeldung von Benutzer „loop“ abgelehnt\./);
  });

  it('a failed upload keeps the inner reason’s key beside its English text', () => {
    const failure = transferFailure(withCode('Permission denied', 3), 'upload', '/in/x.csv');
    expect(failure.messageId).toBe('error.sftp.uploadFailed');
    expect(failure.values).toMatchObject({ path: '/in/x.csv', reasonId: 'error.sftp.denied', reasonValues: JSON.stringify({ op: 'upload', path: '/in/x.csv' }) });
    expect(failure.message).toBe('The upload of /in/x.csv failed: The server denied upload of /in/x.csv. Ask the server administrator for write/read rights on that directory. Nothing was published under the final name.');
  });

  it('a time limit names the operation in each language', async () => {
    const err = await withTimeout(new Promise(() => undefined), 5, { kind: 'op', op: 'stat', path: '/logs' }).catch((e: AppError) => e);
    expect(err).toMatchObject({ code: 'TIMEOUT', messageId: 'error.sftp.timeout.op' });
    expect((err as AppError).message).toMatch(/^stat of \/logs took longer than 0 s\./);
    expect(errorText(de, err as AppError)).toMatch(/^Das Abfragen von \/logs dauerte länger als 0 s\./);
  });
});
