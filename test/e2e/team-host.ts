import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { spawnCli } from '../helpers/cli-loop';
import { expect } from './fixtures';

// The team specs' shared set-up: a team (PostgreSQL, sandbox, workstations A and B) in a
// process of its own, and the way to a screen whatever the window's language.

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** A screen of the main navigation by its route (its label depends on the language). */
export const go = (page: Page, route: string) => page.getByRole('navigation', { name: /.*/ }).locator(`a[href="#/${route}"]`).first().click();

/**
 * Runs `loopdesk …args` on a workstation's data dir; unless it exits 0 the test fails with
 * everything the CLI said (a `--json` error goes to stdout, other detail to stderr). Its stdout.
 */
export async function workstationCli(dataDir: string, env: NodeJS.ProcessEnv, args: readonly string[]): Promise<string> {
  const run = await spawnCli(dataDir, [...args], env);
  expect(run.code, `loopdesk ${args.join(' ')} on ${dataDir} exited ${run.code}\nstdout: ${run.out || '(empty)'}\nstderr: ${run.err || '(empty)'}`).toBe(0);
  return run.out;
}

/** What test/helpers/team-e2e-host.ts prints. */
export interface TeamHost {
  readonly dataDirs: { readonly a: string; readonly b: string };
  readonly env: Record<string, string>;
  readonly url: string;
  readonly password: string;
  readonly recipients: string;
  readonly mailingIds: readonly string[];
  /** The sandbox client's log folder on disk (the server's status files). */
  readonly logDir: string;
}

/** Starts the team (PostgreSQL, sandbox, two workstations) in its own process. */
export async function startTeamHost(seed: string): Promise<{ team: TeamHost; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/team-e2e-host.ts', seed], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const team = await new Promise<TeamHost>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the team host did not start within 60 s: ${err}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      resolve(JSON.parse(out.split('\n')[0]) as TeamHost);
    });
    child.once('exit', (code) => reject(new Error(`the team host exited (${code}): ${err}`)));
  });
  return {
    team,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
