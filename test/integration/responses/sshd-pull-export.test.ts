import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/main';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { tempDir } from '../../helpers/temp-dir';
import { FIXTURES, ZipFile } from '../../unit/responses/helpers';

const run = promisify(execFile);
let sshd: SshdHandle;
let data: ReturnType<typeof tempDir>;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['--data-dir', join(data.path, 'home'), '--lang', 'en', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) }, { ...process.env, RESP_PW: sshd.password });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Every cell text of every sheet, read with a zip reader that is not the writer (ExcelJS). */
function sheetXml(path: string): string {
  const zip = ZipFile.open(path);
  return zip
    .names()
    .filter((n) => /^xl\/(worksheets\/sheet\d+|sharedStrings)\.xml$/.test(n))
    .map((n) => zip.text(n))
    .join('\n');
}

const unescapeXml = (s: string) => s.replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&apos;', "'").replaceAll('&amp;', '&');

beforeAll(async () => {
  sshd = await startSshd();
  data = tempDir();
  const responses = join(sshd.root, 'responses');
  for (const d of ['upload', 'logs', 'responses']) mkdirSync(join(sshd.root, d), { recursive: true });
  for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.csv'))) copyFileSync(join(FIXTURES, f), join(responses, f));
  await run('chown', ['-R', `${sshd.user}:`, sshd.root]);
  const add = await cli([
    'profile', 'add', '--name', 'acme', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user, '--password-env', 'RESP_PW', '--trust', sshd.hostKeyFingerprint,
    '--client', 'acme', '--upload-dir', join(sshd.root, 'upload'), '--log-dir', join(sshd.root, 'logs'), '--response-dir', responses,
  ]);
  expect(add.code, add.err).toBe(0);

  // A second client whose server names the files its own way (with characters a pattern must take
  // literally), next to files that do not fit the pattern and must be left alone.
  const custom = join(sshd.root, 'custom');
  mkdirSync(custom, { recursive: true });
  for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.csv'))) {
    const [, day, kind] = /^(\d{8})_(\w+)\.csv$/.exec(f)!;
    copyFileSync(join(FIXTURES, f), join(custom, `OC.export (${kind[0].toUpperCase()}${kind.slice(1)}) ${day}.csv`));
  }
  copyFileSync(join(FIXTURES, '20210101_clicks.csv'), join(custom, '20210101_clicks.csv'));
  copyFileSync(join(FIXTURES, '20210101_clicks.csv'), join(custom, 'OCXexport (Clicks) 20210101.csv'));
  await run('chown', ['-R', `${sshd.user}:`, sshd.root]);
  const other = await cli([
    'profile', 'add', '--name', 'named', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user, '--password-env', 'RESP_PW', '--trust', sshd.hostKeyFingerprint,
    '--client', 'named', '--upload-dir', join(sshd.root, 'upload'), '--log-dir', join(sshd.root, 'logs'), '--response-dir', custom, '--response-names', 'OC.export ({kind}) {date}.csv',
  ]);
  expect(other.code, other.err).toBe(0);
});
afterAll(async () => {
  await sshd?.stop();
  data?.cleanup();
});

describe('response files from a real OpenSSH server', () => {
  it('loopdesk pull downloads and ingests every file, with per-file counts', async () => {
    const r = await cli(['--json', 'pull', '--profile', 'acme']);
    expect(r.code, r.err).toBe(0);
    const { files } = JSON.parse(r.out);
    expect(files).toHaveLength(7);
    expect(files.every((f: { outcome: string; rows: number }) => f.outcome === 'ingested' && f.rows > 0)).toBe(true);
    const again = await cli(['pull', '--profile', 'acme']);
    expect(again.out.split('\n').every((l) => l.startsWith('skipped'))).toBe(true);
  });

  it('finds the files by the client\'s own name pattern and leaves other names alone', async () => {
    const r = await cli(['--json', 'pull', '--profile', 'named']);
    expect(r.code, r.err).toBe(0);
    const { files } = JSON.parse(r.out) as { files: { name: string; kind: string; outcome: string; rows: number }[] };
    expect(files.map((f) => f.kind).sort()).toEqual(['clicks', 'links', 'mailingrecipients', 'mailings', 'opens', 'responses', 'unsubscribes']);
    expect(files.every((f) => f.outcome === 'ingested' && f.rows > 0 && f.name.startsWith('OC.export ('))).toBe(true);
    expect(files.find((f) => f.kind === 'mailings')!.name).toBe('OC.export (Mailings) 20210101.csv');
    // Mailings first within the day, as with the default names.
    expect(files[0].kind).toBe('mailings');
  });

  it('a pattern without {kind} is refused with what to do', async () => {
    const bad = await cli([
      'profile', 'add', '--name', 'bad', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user, '--password-env', 'RESP_PW',
      '--client', 'bad', '--response-names', '{date}.csv',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('{kind} exactly once');
  });

  it('exports a table as inert text: formula-like values, ; quotes and line breaks survive, no formula cells', async () => {
    const out = join(data.path, 'links.xlsx');
    const r = await cli(['export', '--table', 'links', '--out', out]);
    expect(r.code, r.err).toBe(0);
    const xml = sheetXml(out);
    expect(xml).not.toMatch(/<f[ >]/);
    const text = unescapeXml(xml);
    expect(text).toContain('=HYPERLINK("http://evil.example/x";"click me")');
    expect(text).toContain('@SUM(1+1)');
    expect(text).toContain('http://www.example.com/a;b?x="y"');
  });

  it('exports a filtered table and a mailing report', async () => {
    const filtered = join(data.path, 'clicks.xlsx');
    const r = await cli(['--json', 'export', '--table', 'clicks', '--where', 'user_id~example', '--out', filtered]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).rows).toBeGreaterThan(0);
    const clicks = sheetXml(filtered);
    expect(clicks).not.toMatch(/<f[ >]/);
    const text = unescapeXml(clicks);
    for (const value of ['=1+2', '+SUM(A1:A2)', '-3', '@cmd', 'Firefox; 64 "quoted"\nsecond line']) expect(text).toContain(value);
    expect(text).toMatch(/(\t|_x0009_)Tabbed/);
    const bad = await cli(['export', '--table', 'clicks', '--where', 'password=1', '--out', filtered]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('not a column of clicks');

    const report = join(data.path, 'report.xlsx');
    const m = await cli(['--json', 'export', '--mailing', '51106527229', '--out', report]);
    expect(m.code, m.err).toBe(0);
    expect(JSON.parse(m.out).sheets.length).toBeGreaterThan(2);
    const xml = sheetXml(report);
    expect(xml).not.toMatch(/<f[ >]/);
    expect(unescapeXml(xml)).toContain('unique opens / delivered');
  });
});
