import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/contract';
import { Dispatcher, type Services } from '../../../main/core/dispatcher';

function servicesWith(info: () => Promise<unknown>): Services {
  return { app: { info }, profiles: {}, activity: {} } as unknown as Services;
}

describe('dispatcher', () => {
  it('turns an AppError into a failure result with its code and details', async () => {
    const d = new Dispatcher(servicesWith(async () => {
      throw AppError.untranslated('HOST_KEY_CHANGED', 'The key changed.', { fingerprint: 'SHA256:x', keyType: 'ssh-ed25519', trusted: [] });
    }));
    expect(await d.handle('app.info', {}, { transport: 'memory' })).toEqual({
      ok: false,
      error: { code: 'HOST_KEY_CHANGED', message: 'The key changed.', details: { fingerprint: 'SHA256:x', keyType: 'ssh-ed25519', trusted: [] } },
    });
  });

  it('reports a bug once and answers INTERNAL instead of throwing', async () => {
    const bugs: string[] = [];
    const d = new Dispatcher(servicesWith(async () => {
      throw new TypeError('boom');
    }), (channel) => bugs.push(channel));
    const result = await d.handle('app.info', {}, { transport: 'memory' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(bugs).toEqual(['app.info']);
  });

  it('answers NOT_IMPLEMENTED for a contract method a host lacks', async () => {
    const d = new Dispatcher(servicesWith(async () => ({})));
    expect(await d.handle('activity.list', {}, { transport: 'memory' })).toMatchObject({ ok: false, error: { code: 'NOT_IMPLEMENTED' } });
  });

  it('refuses non-string and inherited channel names', async () => {
    const d = new Dispatcher(servicesWith(async () => ({})));
    for (const channel of [undefined, 42, 'toString', 'app.constructor', 'app.__proto__']) {
      expect(await d.handle(channel, {}, { transport: 'memory' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    }
  });
});
