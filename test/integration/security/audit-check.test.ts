import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp-dir';

// main/build/audit-check.mjs end to end: the real `npm audit` talks to a stand-in registry
// on 127.0.0.1 that implements npm's bulk advisory endpoint, so the gate's verdicts are
// checked without depending on (or being hidden by) the public registry: a high advisory
// fails it and is printed; a registry that cannot be reached fails it too, and says so.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const script = join(root, 'main', 'build', 'audit-check.mjs');
const run = promisify(execFile);

let registry: Server;
let port: number;
/** What the stand-in registry reports, per package name. */
let advisories: Record<string, { severity: string; title: string }> = {};
const cache = tempDir('loopdesk-npm-cache-');

beforeAll(async () => {
  registry = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/-/npm/v1/security/advisories/bulk') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const asked = JSON.parse(body.toString('utf8')) as Record<string, string[]>;
      const answer: Record<string, unknown[]> = {};
      let id = 1;
      for (const [name, a] of Object.entries(advisories)) {
        if (asked[name]) answer[name] = [{ id: id++, url: `https://advisories.invalid/${name}`, title: a.title, severity: a.severity, vulnerable_versions: '<999.0.0', cwe: [], cvss: { score: 8 } }];
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((ok) => registry.listen(0, '127.0.0.1', ok));
  port = (registry.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((ok) => registry.close(() => ok()));
  cache.cleanup();
});

async function gate(registryUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, npm_config_registry: registryUrl, npm_config_fetch_retries: '0', npm_config_cache: cache.path, npm_config_audit_level: 'info' };
  try {
    const { stdout, stderr } = await run(process.execPath, [script], { cwd: root, env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('audit-check', () => {
  it('passes when the registry knows no advisories', async () => {
    advisories = {};
    const r = await gate(`http://127.0.0.1:${port}/`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('no high or critical advisories');
  });

  it('fails on a high advisory in a production dependency and names it; a moderate one does not block', async () => {
    advisories = { ws: { severity: 'high', title: 'ws test advisory' }, zod: { severity: 'moderate', title: 'zod test advisory' } };
    const r = await gate(`http://127.0.0.1:${port}/`);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/HIGH ws .*direct dependency/);
    expect(r.stdout).toContain('ws test advisory');
    expect(r.stdout).not.toContain('zod test advisory');
  });

  it('fails on a critical advisory in Electron, the shipped runtime outside --omit=dev', async () => {
    advisories = { electron: { severity: 'critical', title: 'electron test advisory' } };
    const r = await gate(`http://127.0.0.1:${port}/`);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('CRITICAL electron');
  });

  it('fails, and says nothing was checked, when the audit endpoint cannot be reached', async () => {
    const refused = await gate('http://127.0.0.1:9/');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('NOTHING WAS CHECKED');
    expect(refused.stderr).toContain('ECONNREFUSED');
    // A registry without the endpoint (as some mirrors and proxies are) is the same verdict.
    const missing = await gate(`http://127.0.0.1:${port}/no-audit/`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('NOTHING WAS CHECKED');
  });
});
