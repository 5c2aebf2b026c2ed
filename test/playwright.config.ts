import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * End-to-end tests: the built renderer in Debian's Chromium against a real browser host
 * (`loopdesk serve`), each test with its own data dir. Run: npx playwright test -c test/playwright.config.ts
 */
export default defineConfig({
  testDir: here('./e2e'),
  testMatch: '**/*.spec.ts',
  outputDir: here('../test-results/e2e'),
  globalSetup: here('./e2e/global-setup.ts'),
  // Two spec files at a time on the two cores (each test has its own host, data dir and ports); the
  // tests within a file stay in order. One at a time took the whole CI run close to its 20 minutes.
  workers: 2,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 860 },
    // English unless a test asks for German (test.use({ locale: 'de-DE' })): the app follows the browser's language.
    locale: 'en-GB',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
});
