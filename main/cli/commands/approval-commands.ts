import { parseArgs } from 'node:util';
import type { Send } from '../../../shared/contract/sends';
import { CliError, EXIT_USAGE, type CliIo, type GlobalOptions, type Usage } from '../cli-io';
import { cliText, helpColumns, STATE_LABELS } from '../cli-text';
import { call, type Door } from '../door';

const USAGE: Usage = (c) =>
  helpColumns(
    [
      ['loopdesk send approve <send-id>', c.t('cli.approval.usage.approve')],
      ['loopdesk send reject <send-id> [--reason TEXT]', c.t('cli.approval.usage.reject')],
    ],
    '',
    48,
  );

/**
 * `loopdesk send approve|reject <id>`: the four-eyes decision on a send that waits for approval
 * (team mode). The team database refuses a decision on a send this workstation started.
 */
export async function approvalCommand(argv: string[], door: Door, options: GlobalOptions, io: CliIo): Promise<number> {
  const [decision, ...rest] = argv;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { reason: { type: 'string', default: '' } }, strict: true });
  const id = positionals[0];
  if (!id || positionals.length > 1 || (decision === 'approve' && values.reason)) throw CliError.usage(USAGE, EXIT_USAGE);
  const send = decision === 'approve' ? await call<Send>(door, 'sends.approve', { id }) : await call<Send>(door, 'sends.reject', { id, reason: values.reason });
  const c = cliText(options.lang);
  const values2 = { id: send.id, by: send.approval?.by ?? '', state: c.t(STATE_LABELS[send.state]) };
  io.out(options.json ? JSON.stringify(send) : c.t(decision === 'approve' ? 'cli.approval.approved' : 'cli.approval.rejected', values2));
  return 0;
}
