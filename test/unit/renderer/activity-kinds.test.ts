import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appIntl, type AppIntl } from '../../../shared/i18n/intl';
import type { MessageId } from '../../../shared/i18n/messages';
import { kindMessage, kindText } from '../../../renderer/src/features/activity/activity-kinds';

const SERVICES = join(import.meta.dirname, '..', '..', '..', 'main', 'services');

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Every kind a service hands the activity log (`….log({ level, kind: '…', … })`). */
function loggedKinds(): string[] {
  const kinds = new Set<string>();
  for (const file of files(SERVICES)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\blog\(\{[^}]*?\bkind: '([^']+)'/gs)) kinds.add(m[1]);
  }
  return [...kinds].sort();
}

describe('activity kinds', () => {
  it('has words for every kind the services log, with and without the sftp. prefix the profiles service strips', () => {
    const kinds = loggedKinds();
    // The scan itself must find the log calls, or this test would pass on nothing.
    expect(kinds).toEqual(expect.arrayContaining(['connect', 'send', 'sftp.upload.failed', 'sftp.connection.close']));
    const missing = kinds.flatMap((k) => [k, k.replace(/^sftp\./, '')]).filter((k) => kindMessage(k) === null);
    expect(missing).toEqual([]);
  });

  it('reads a kind in the chosen language, and an unknown kind from its last part', () => {
    const de = appIntl('de');
    const en = appIntl('en');
    const t = (intl: AppIntl) => (id: MessageId, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
    expect(kindText(t(de), 'test')).toBe('Verbindungstest');
    expect(kindText(t(en), 'test')).toBe('Connection test');
    expect(kindText(t(de), 'upload.failed')).toBe('Upload fehlgeschlagen');
    expect(kindText(t(de), 'sftp.some_new.thing_done')).toBe('Thing done');
    // Object keys such as `constructor` are kinds like any other, not catalog entries.
    expect(kindMessage('constructor')).toBeNull();
  });
});
