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
  const code = await main(['--data-dir', join(data.path, 'home'), ...args], { out: (l) => out.push(l), err: (l) => err.push(l) }, { ...process.env, RESP_PW: sshd.password });
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
