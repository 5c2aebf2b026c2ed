import type { SendState } from '../../../../shared/contract/sends';

/** Each state in the operator's words, with what it means. */
export const STATE_TEXT: Record<SendState, { label: string; explain: string; tone: 'ok' | 'pending' | 'error' | 'plain' }> = {
  awaiting_approval: { label: 'Awaiting approval', explain: 'Waits until another team member approves it.', tone: 'plain' },
  scheduled: { label: 'Scheduled', explain: 'Waits for its time; Loopdesk uploads it then.', tone: 'plain' },
  queued: { label: 'Waiting to upload', explain: 'Due now; the upload starts in a moment.', tone: 'pending' },
  uploading: { label: 'Uploading', explain: 'The file is being copied to the server.', tone: 'pending' },
  on_server: { label: 'On the server', explain: 'Uploaded; waiting for the server to pick it up.', tone: 'pending' },
  taken: { label: 'Taken by the server', explain: 'The server has taken the file for import.', tone: 'pending' },
  imported: { label: 'Imported', explain: 'The recipients are imported.', tone: 'pending' },
  mailing_created: { label: 'Mailing created', explain: 'The server copied the source mailing.', tone: 'pending' },
  sending: { label: 'Sending', explain: 'The server is sending the mailing.', tone: 'pending' },
  sent: { label: 'Sent', explain: 'The server finished sending.', tone: 'ok' },
  error: { label: 'Failed', explain: 'Something went wrong; see the details.', tone: 'error' },
  cancelled: { label: 'Cancelled', explain: 'Cancelled before the upload.', tone: 'plain' },
};

/** A send that has not started uploading can still be cancelled. */
export function canCancel(state: SendState): boolean {
  return state === 'scheduled' || state === 'queued';
}
