import { spawn } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxHandle } from '../../main/services/sandbox';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** The `loopdesk` command as installed: `node main/cli/bin.mjs`. */
export const CLI_BIN = join(REPO, 'main', 'cli', 'bin.mjs');

/** What one spawned `loopdesk` printed. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Spawns `loopdesk --data-dir D …` as a script would and collects its output. */
export function spawnCli(dataDir: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, '--data-dir', dataDir, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

/** Builds the CLI bundle as `npm install` (prepare) does, so the loop runs the shipped bundle. */
export async function buildCliBundle(): Promise<void> {
  const r = await new Promise<number>((resolve) => spawn(process.execPath, [join(REPO, 'main/build/build-cli.mjs')], { cwd: REPO, stdio: 'inherit' }).once('close', (c) => resolve(c ?? 1)));
  if (r !== 0 || !existsSync(join(REPO, 'dist/cli/main.cjs'))) throw new Error('building the CLI bundle failed');
}

/** Parses the one JSON document a `--json` command prints, with its output in the message when it does not. */
function json<T>(run: CliRun, what: string): T {
  if (run.code !== 0) throw new Error(`${what} exited ${run.code}\nstdout: ${run.out}\nstderr: ${run.err}`);
  try {
    return JSON.parse(run.out) as T;
  } catch {
    throw new Error(`${what} printed no single JSON document:\n${run.out}`);
  }
}

interface SendView {
  id: string;
  state: string;
  mailingId: string | null;
  test: boolean;
  recipients: number;
  excluded: number;
  fileName: string;
}

/** What the loop did, for the caller's own checks. */
export interface LoopOutcome {
  readonly sourceMailingId: string;
  readonly testSend: SendView;
  readonly realSend: SendView;
  readonly pulled: { files: { name: string; outcome: string; rows: number }[] };
  readonly report: { path: string; rows: number; sheets: string[] };
  /** Every line the CLI printed (to check that no secret or token ever appears). */
  readonly printed: string;
}

/**
 * The whole closed loop with the CLI alone, as an operator's script would run it against the
 * sandbox: profile import → client set (the sandbox's master list with its product fields, test
 * recipients) → mailing add → prepare → test send → real send → status until the mailing ID →
 * pull → export. Every step is a spawned `loopdesk … --json`.
 */
export async function runCliLoop(opts: {
  readonly dataDir: string;
  readonly workDir: string;
  readonly sandbox: SandboxHandle;
  readonly env: NodeJS.ProcessEnv;
  /** Called with each send right after the CLI started it (the browser test looks for it on screen). */
  readonly onSend?: (send: SendView) => Promise<void>;
}): Promise<LoopOutcome> {
  const { dataDir, workDir, sandbox, env } = opts;
  let printed = '';
  const cli = async (...args: string[]) => {
    const run = await spawnCli(dataDir, args, env);
    printed += run.out + run.err;
    return run;
  };
  const c = sandbox.clients[0];
  const sourceMailingId = c.mailings[0].id;

  // A profile made elsewhere (another workstation's `profile export`): default master list, no mailings.
  const profileFile = join(workDir, 'profile.json');
  writeFileSync(
    profileFile,
    JSON.stringify({
      format: 'loopdesk-profile/1',
      name: 'sb',
      host: sandbox.host,
      port: sandbox.port,
      user: sandbox.user,
      authKind: 'password',
      trustedKeys: [sandbox.fingerprint],
      clients: [{ name: c.name, uploadDir: c.uploadDir, logDir: c.logDir, responseDir: c.responseDir }],
      options: { pollMinutes: 1 },
    }),
  );
  json(await cli('--json', 'profile', 'import', profileFile, '--password-env', 'SB_PW'), 'profile import');

  writeFileSync(join(workDir, 'fields.json'), JSON.stringify(c.fields));
  writeFileSync(join(workDir, 'product-fields.json'), JSON.stringify(c.productFields));
  const client = json<{ clients: { name: string; fields: { name: string }[]; testRecipients: { email: string }[] }[] }>(
    await cli('--json', 'client', 'set', '--profile', 'sb', '--client', c.name, '--fields', join(workDir, 'fields.json'), '--product-fields', join(workDir, 'product-fields.json'), '--encoding', 'utf-8', '--time-zone', 'Europe/Berlin', '--test-recipient', 'qa@example.com,QA Desk'),
    'client set',
  ).clients[0];
  if (client.fields.length !== c.fields.length || client.testRecipients[0]?.email !== 'qa@example.com') throw new Error(`client set did not keep the settings: ${JSON.stringify(client)}`);

  json(await cli('--json', 'mailing', 'add', '--profile', 'sb', '--client', c.name, '--id', sourceMailingId, '--name', 'Weekly newsletter'), 'mailing add');

  const productNames = c.fields.filter((f) => /^product_/.test(f.name)).map((f) => f.name);
  const recipients = join(workDir, 'recipients.csv');
  writeFileSync(
    recipients,
    [
      ['Email', 'Salutation', 'First name', 'Last name', ...productNames].join(';'),
      ['anna@example.com', 'Frau', 'Anna', 'Schmidt', ...productNames.map(() => 'P-100')].join(';'),
      ['not-an-address', 'Herr', 'Bad', 'Row', ...productNames.map(() => 'P-100')].join(';'),
      ['bernd@example.com', 'Herr', 'Bernd', 'Meier', ...productNames.map(() => 'P-200')].join(';'),
    ].join('\n') + '\n',
  );
  const products = join(workDir, 'products.csv');
  writeFileSync(
    products,
    'product_id;title;description;image_url;link_url;price\nP-100;Boot;Light boot;https://shop.example.com/100.jpg;https://shop.example.com/100;89.90\nP-200;Jacket;Dry;https://shop.example.com/200.jpg;https://shop.example.com/200;129.00\n',
  );

  const prepared = json<{ valid: number; excludedCount: number; files: { subscribers: string; products?: string } }>(
    await cli('--json', 'prepare', recipients, '--mailing', sourceMailingId, '--profile', 'sb', '--products', products, '--out', join(workDir, 'prepared')),
    'prepare',
  );
  if (prepared.valid !== 2 || prepared.excludedCount !== 1 || !prepared.files.products) throw new Error(`prepare: ${JSON.stringify(prepared)}`);

  /** `status <id> --json` until the send is final; the sandbox processes every second. */
  const untilFinal = async (id: string): Promise<SendView> => {
    for (let i = 0; i < 120; i++) {
      const send = json<SendView>(await cli('--json', 'status', id), 'status');
      if (send.state === 'sent' || send.state === 'error' || send.state === 'cancelled') return send;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`send ${id} did not finish within a minute`);
  };

  const started = json<SendView>(await cli('--json', 'send', recipients, '--profile', 'sb', '--mailing', sourceMailingId, '--products', products, '--test', '--yes'), 'test send');
  await opts.onSend?.(started);
  const testSend = await untilFinal(started.id);

  const real = json<SendView>(await cli('--json', 'send', recipients, '--profile', 'sb', '--mailing', sourceMailingId, '--products', products, '--yes'), 'real send');
  await opts.onSend?.(real);
  const realSend = await untilFinal(real.id);
  if (!realSend.mailingId) throw new Error(`the real send has no mailing ID: ${JSON.stringify(realSend)}`);

  await sandbox.exportNow();
  const pulled = json<LoopOutcome['pulled']>(await cli('--json', 'pull', '--profile', 'sb'), 'pull');
  const out = join(workDir, 'report.xlsx');
  const report = json<LoopOutcome['report']>(await cli('--json', 'export', '--mailing', realSend.mailingId, '--out', out), 'export');
  if (!existsSync(out) || statSync(out).size === 0) throw new Error('export wrote no workbook');
  return { sourceMailingId, testSend, realSend, pulled, report, printed };
}
