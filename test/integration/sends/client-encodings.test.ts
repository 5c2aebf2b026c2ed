import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Send } from '../../../shared/contract/sends';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { SANDBOX_PROFILE, startDemoSandbox } from '../../../main/app/demo-sandbox';
import type { SandboxHandle } from '../../../main/services/sandbox';
import { defaultConfig, sandboxPaths, type SandboxConfig } from '../../../main/services/sandbox/config';
import { tempDir } from '../../helpers/temp-dir';
import { callService } from '../../helpers/call-service';
import { changeSandboxProfile } from '../../helpers/sandbox-app';

/**
 * Clients in each of the three file encodings, against the real sandbox: a Windows-1252 test send
 * keeps € „ “ – (issue #10, item 1), and soft-bounce resend drafts read the archived upload in the
 * client's encoding, with UTF-8 characters across the archive's read pieces intact (item 2).
 */

type Encoding = 'utf-8' | 'iso-8859-1' | 'windows-1252';
const CLIENTS: { name: string; encoding: Encoding }[] = [
  { name: 'unicode', encoding: 'utf-8' },
  { name: 'latin', encoding: 'iso-8859-1' },
  { name: 'western', encoding: 'windows-1252' },
];
/** Characters each encoding holds and the others' readers get wrong. */
const SAMPLE: Record<Encoding, (i: number) => string> = {
  // Over 16 KB a row, mostly multi-byte: every row crosses a read piece of the unpacked archive.
  'utf-8': (i) => `Nr. ${i} ` + 'Grüße 🙂 € '.repeat(1200),
  'iso-8859-1': (i) => `Nr. ${i} Jürgen Groß, Façade ½ ¿Qué? ©`,
  'windows-1252': (i) => `Nr. ${i} „Angebot“ – 5 € ‚klein‘ Œuvre…`,
};

let data: ReturnType<typeof tempDir>;
let context: AppContext;
let sandbox: SandboxHandle;
const call = <T>(channel: string, payload: unknown): Promise<T> => callService<T>(context, channel, payload);

function client(name: string) {
  return sandbox.clients.find((c) => c.name === name)!;
}

async function createSend(clientName: string, encoding: Encoding, rows: number, test: boolean): Promise<{ send: Send; notes: Map<string, string> }> {
  const lines = ['Email;First name;Last name;Notes'];
  const notes = new Map<string, string>();
  for (let i = 0; i < rows; i++) {
    const email = `${clientName}${i}@example.com`;
    notes.set(email, SAMPLE[encoding](i));
    lines.push(`${email};Ännchen;Müller-${i};"${SAMPLE[encoding](i)}"`);
  }
  const path = join(data.path, `${clientName}-${test ? 'test' : 'send'}.csv`);
  // The operator's spreadsheet is UTF-8; the upload is written in the client's encoding.
  writeFileSync(path, '\uFEFF' + lines.join('\r\n'));
  const inspection = await call<{ mapping: unknown[] }>('recipients.inspect', { profile: SANDBOX_PROFILE, client: clientName, path });
  const send = await call<Send>('sends.create', {
    profile: SANDBOX_PROFILE,
    client: clientName,
    path,
    sourceMailingId: client(clientName).mailingIds[0],
    mapping: inspection.mapping,
    test,
    testRows: 3,
  });
  return { send, notes };
}

beforeAll(async () => {
  data = tempDir();
  // A sandbox with one client per encoding, an extra long Notes field and many soft bounces.
  const config = defaultConfig('client-encodings', 'sandbox-password-1');
  const base = config.clients[0];
  const full: SandboxConfig = {
    ...config,
    rates: { ...config.rates, couldNotBeSent: 0, fatalBounce: 0, bounce: 0, temporaryBounce: 0.45, unsubscribe: 0 },
    clients: CLIENTS.map((c, i) => {
      const own = defaultConfig(`client-encodings-${i}`, 'sandbox-password-1').clients[0];
      return {
        ...base,
        name: c.name,
        encoding: c.encoding,
        fields: [...base.fields, { name: 'Notes', type: 'Varchar' as const, length: 20000, required: false }],
        recipientListId: own.recipientListId,
        mailings: own.mailings,
      };
    }),
  };
  const paths = sandboxPaths(join(data.path, 'sandbox'));
  mkdirSync(paths.root, { recursive: true });
  writeFileSync(paths.config, JSON.stringify(full, null, 2));
  context = await openAppContext({ dataDir: data.path, host: 'memory', secrets: null });
  // Sends unfold a million times faster than real time: the export right after sending has their bounces.
  sandbox = await startDemoSandbox(context, { interval: 0, exportInterval: 0, timeScale: 1_000_000 });
  await changeSandboxProfile(context, (stored) => ({ clients: stored.clients.map((c) => ({ ...c, encoding: CLIENTS.find((x) => x.name === c.name)!.encoding })) }));
}, 60_000);
afterAll(async () => {
  await context?.close();
  data?.cleanup();
});

describe('client file encodings through the sandbox', () => {
  it('a Windows-1252 test send keeps € „ “ – and arrives on the server as Windows-1252', async () => {
    const { send, notes } = await createSend('western', 'windows-1252', 3, true);
    expect(send).toMatchObject({ test: true, recipients: 2 });
    await context.services.sends.tick();
    const uploadDir = join(client('western').localDir, 'upload');
    expect(readdirSync(uploadDir)).toEqual([send.fileName]);
    const bytes = readFileSync(join(uploadDir, send.fileName));
    const text = iconv.decode(bytes, 'windows-1252');
    // No C1 control characters (what Latin-1 makes of the bytes 0x80–0x9F), and the values are whole.
    expect(text).not.toMatch(/[\u0080-\u009f]/);
    expect(text).toContain(`"test.one@example.com";"${sandboxMailing('western')}"`);
    expect(text).toContain(`"${notes.get('western0@example.com')}"`);
    expect(text).toContain('"Ännchen";"Müller-0"');
    // The single bytes of Windows-1252: € 0x80, „ 0x84, “ 0x93, – 0x96.
    for (const b of [0x80, 0x84, 0x93, 0x96]) expect(bytes.includes(b), `byte 0x${b.toString(16)}`).toBe(true);
    await sandbox.processNow();
    const [after] = await call<Send[]>('sends.refresh', { id: send.id });
    expect(after.error).toBeNull();
    expect(['mailing_created', 'sending', 'sent']).toContain(after.state);
  });

  it('soft-bounce resend drafts read the archived upload in each client\'s encoding', async () => {
    const sends: { name: string; send: Send; notes: Map<string, string> }[] = [];
    for (const c of CLIENTS) sends.push({ name: c.name, ...(await createSend(c.name, c.encoding, 40, false)) });
    await context.services.sends.tick();
    await sandbox.processNow();
    for (const s of sends) {
      [s.send] = await call<Send[]>('sends.refresh', { id: s.send.id });
      expect(s.send.mailingId, s.name).toMatch(/^\d+$/);
    }
    // At this time scale a day of the mailing's life passes in under 0.1 s.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await sandbox.exportNow();
    await call('responses.pull', { profile: SANDBOX_PROFILE });
    for (const s of sends) {
      const draft = await call<{ path: string; recipients: number }>('responses.softBounceDraft', { mailingId: s.send.mailingId });
      expect(draft.recipients, s.name).toBeGreaterThan(3);
      const rows = Papa.parse<Record<string, string>>(readFileSync(draft.path, 'utf8'), { header: true, delimiter: ';', skipEmptyLines: true }).data;
      expect(rows).toHaveLength(draft.recipients);
      for (const r of rows) {
        expect(r.Notes, `${s.name}: ${r.Email}`).toBe(s.notes.get(r.Email));
        expect(r['First name']).toBe('Ännchen');
        expect(r['Last name']).toMatch(/^Müller-\d+$/);
      }
    }
  }, 120_000);
});

function sandboxMailing(name: string): string {
  return client(name).mailingIds[0];
}
