import { parseArgs } from 'node:util';
import type { Send } from '../../../shared/contract/sends';
import { CliError, EXIT_USAGE, type CliIo, type GlobalOptions, type Usage } from '../cli-io';
import { cliText, helpColumns, STATE_LABELS } from '../cli-text';
import { call, type Door } from '../door';

const USAGE: Usage = (c) =>
  helpColumns(
    [
      ['loopdesk send resolve <send-id> --is-this-send', c.t('sends.held.cli.usageIsThisSend')],
      ['loopdesk send resolve <send-id> --not-this-send --yes', c.t('sends.held.cli.usageNotThisSend')],
    ],
    '',
    56,
  );

/**
 * `loopdesk send resolve <id> --is-this-send | --not-this-send --yes`: the operator's answer for a
 * send held because the server already has a file under its own name (`sends.resolveHold`). The
 * answer that can send the mailing a second time asks for `--yes`, as `loopdesk send` does.
 */
export async function holdCommand(argv: string[], door: Door, options: GlobalOptions, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv.slice(1),
    allowPositionals: true,
    options: { 'is-this-send': { type: 'boolean', default: false }, 'not-this-send': { type: 'boolean', default: false }, yes: { type: 'boolean', default: false } },
    strict: true,
  });
  const id = positionals[0];
  const isThisSend = values['is-this-send'];
  if (!id || positionals.length > 1 || isThisSend === values['not-this-send'] || (isThisSend && values.yes)) throw CliError.usage(USAGE, EXIT_USAGE);
  if (!isThisSend && !values.yes) throw new CliError('sends.held.cli.needsYes', { id }, { exitCode: EXIT_USAGE, usage: USAGE });
  // Team mode: another workstation's send, held there. Only that one keeps the send's files the answer needs.
  const held = (await call<Send>(door, 'sends.get', { id }).catch(() => undefined))?.held;
  if (held?.workstation) throw new CliError('sends.held.cli.elsewhere', { id, workstation: held.workstation }, { code: 'CONFLICT' });
  let send = await call<Send>(door, 'sends.resolveHold', { id, choice: isThisSend ? 'isThisSend' : 'notThisSend' });
  // This process owns the data dir: one pass uploads it (or checks the server) now; a running app's scheduler does it itself.
  if (!door.remote) {
    await door.tick();
    send = await call<Send>(door, 'sends.get', { id });
  }
  const c = cliText(options.lang);
  const said = { id: send.id, file: send.fileName, state: c.t(STATE_LABELS[send.state]) };
  io.out(options.json ? JSON.stringify(send) : c.t(isThisSend ? 'sends.held.cli.followed' : 'sends.held.cli.newName', said));
  return 0;
}
