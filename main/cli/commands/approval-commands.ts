import { parseArgs } from 'node:util';
import type { Send } from '../../../shared/contract/sends';
import { CliError, EXIT_USAGE, type CliIo, type GlobalOptions } from '../cli-io';
import { call, type Door } from '../door';

const USAGE = `loopdesk send approve <send-id>                 four-eyes: approve a send another team member started; it uploads then
loopdesk send reject <send-id> [--reason TEXT]  four-eyes: reject it; it never uploads (the team sees the reason)`;

/**
 * `loopdesk send approve|reject <id>`: the four-eyes decision on a send that waits for approval
 * (team mode). The team database refuses a decision on a send this workstation started.
 */
export async function approvalCommand(argv: string[], door: Door, options: GlobalOptions, io: CliIo): Promise<number> {
  const [decision, ...rest] = argv;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { reason: { type: 'string', default: '' } }, strict: true });
  const id = positionals[0];
  if (!id || positionals.length > 1 || (decision === 'approve' && values.reason)) throw new CliError(USAGE, EXIT_USAGE);
  const send = decision === 'approve' ? await call<Send>(door, 'sends.approve', { id }) : await call<Send>(door, 'sends.reject', { id, reason: values.reason });
  const by = send.approval ? ` by ${send.approval.by}` : '';
  io.out(options.json ? JSON.stringify(send) : `Send ${send.id} ${decision === 'approve' ? 'approved' : 'rejected'}${by}; it is ${send.state.replaceAll('_', ' ')} now.`);
  return 0;
}
