import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Page } from '@playwright/test';

const repo = fileURLToPath(new URL('../..', import.meta.url));
/** Where screenshots for humans go (the operator-facing look of every screen). */
export const SCREENSHOT_DIR = join(repo, 'test-results', 'screenshots');

/** A running `loopdesk serve` with its own data dir. */
export interface ServedHost {
  readonly url: string;
  readonly dataDir: string;
  readonly pid: number;
  /** Everything the host printed on stderr so far (for failure messages). */
  stderr(): string;
}

/**
 * Starts `node main/cli/bin.mjs serve --port 0 --json` on a fresh data dir and resolves
 * once it printed its URL.
 */
export async function startServe(opts: {
  sandbox: boolean;
  sandboxInterval?: number;
  sandboxExportInterval?: number;
  sandboxTimeScale?: number;
  sandboxHistory?: boolean;
  /** A data dir the test prepared (kept on stop); default a fresh one, removed on stop. */
  dataDir?: string;
  /** The host's environment (default this process's). */
  env?: NodeJS.ProcessEnv;
}): Promise<{ host: ServedHost; stop(): Promise<void> }> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'loopdesk-e2e-'));
  const args = [join(repo, 'main/cli/bin.mjs'), 'serve', '--data-dir', dataDir, '--port', '0', '--json'];
  if (!opts.sandbox) args.push('--no-sandbox');
  // The sandbox's cron pass; short in tests so sends move through their states in seconds.
  if (opts.sandbox && opts.sandboxInterval) args.push('--sandbox-interval', String(opts.sandboxInterval));
  // The sandbox's response export; daily by default, seconds in tests so a send's responses can be pulled.
  if (opts.sandbox && opts.sandboxExportInterval) args.push('--sandbox-export-interval', String(opts.sandboxExportInterval));
  // The sandbox exports only what has happened; a faster timeline lets a test see a day of responses in seconds.
  if (opts.sandbox && opts.sandboxTimeScale) args.push('--sandbox-time-scale', String(opts.sandboxTimeScale));
  // `serve` seeds a demo history on a new data dir; tests see only their own sends unless they ask for it.
  if (opts.sandbox && !opts.sandboxHistory) args.push('--no-sandbox-history');
  const child: ChildProcess = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], env: opts.env });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const info = await new Promise<{ url: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`loopdesk serve printed no URL within 30 s.\nstdout: ${stdout}\nstderr: ${stderr}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
      const line = stdout.split('\n').find((l) => l.trim().startsWith('{'));
      if (!line) return;
      try {
        const parsed = JSON.parse(line) as { url?: string };
        if (parsed.url) {
          clearTimeout(timer);
          resolve({ url: parsed.url });
        }
      } catch {
        // The line may still be arriving in pieces.
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`loopdesk serve exited early (code ${code}, signal ${signal}).\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
  const pid = child.pid!;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && child.signalCode === null && process.kill(pid, 'SIGKILL'), 8_000);
      await exited;
      clearTimeout(timer);
    }
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  return { host: { url: info.url, dataDir, pid, stderr: () => stderr }, stop };
}

/**
 * Saves a screenshot of the whole page under test-results/screenshots/. The viewport grows
 * to the page height for the shot, so the sticky sidebar and status bar sit where an
 * operator would see them instead of mid-page.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const viewport = page.viewportSize() ?? { width: 1280, height: 860 };
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, Math.min(height, 6000)) });
  try {
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), animations: 'disabled', caret: 'hide' });
  } finally {
    await page.setViewportSize(viewport);
  }
}

/** The accessible name of the side navigation, in English and in German. */
export const MAIN_NAV = /^(Main|Hauptnavigation)$/;

interface Fixtures {
  /** Whether `serve` starts the embedded sandbox (and its "Sandbox" profile). */
  sandbox: boolean;
  /** Seconds between the sandbox's processing passes (default: the host's own). */
  sandboxInterval: number | undefined;
  /** Seconds between the sandbox's response exports (default: the host's own). */
  sandboxExportInterval: number | undefined;
  /** How much faster than real time the sandbox's sends unfold (default: real time). */
  sandboxTimeScale: number | undefined;
  /** Whether the sandbox seeds its ~60-day demo history, as `npm start` does (default: no). */
  sandboxHistory: boolean;
  host: ServedHost;
  /** The page, already opened on the host's URL with the shell rendered. */
  app: Page;
}

/**
 * Playwright test with a per-test browser host. Uncaught page errors and console errors
 * (CSP violations included) fail the test: the operator would see a broken window.
 */
export const test = base.extend<Fixtures>({
  sandbox: [false, { option: true }],
  sandboxInterval: [undefined, { option: true }],
  sandboxExportInterval: [undefined, { option: true }],
  sandboxTimeScale: [undefined, { option: true }],
  sandboxHistory: [false, { option: true }],
  host: async ({ sandbox, sandboxInterval, sandboxExportInterval, sandboxTimeScale, sandboxHistory }, use) => {
    const served = await startServe({ sandbox, sandboxInterval, sandboxExportInterval, sandboxTimeScale, sandboxHistory });
    try {
      await use(served.host);
    } finally {
      await served.stop();
    }
  },
  app: async ({ page, host }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    await page.goto(host.url);
    await expect(page.getByRole('navigation', { name: MAIN_NAV })).toBeVisible();
    await use(page);
    expect(problems, `the window reported errors; host stderr:\n${host.stderr()}`).toEqual([]);
  },
});

export { expect };
