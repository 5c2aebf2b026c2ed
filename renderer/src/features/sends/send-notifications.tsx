import { useRef } from 'react';
import type { Send } from '../../../../shared/contract/sends';
import { useHostEvent } from '../../api/api-context';

/** Asks once for permission to show desktop notifications; called from the first send's confirmation. */
export function requestNotificationPermission(): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'default') return;
  void Notification.requestPermission().catch(() => undefined);
}

/** The notification for a send that just finished, or null when it did not just finish. */
export function finishNotice(s: Send): { title: string; body: string } | null {
  const what = `${s.test ? 'Test send' : 'Send'} on ${s.sourceMailingName} (${s.client})`;
  if (s.state === 'sent') return { title: `${what} sent`, body: `${s.recipients} recipient(s). Mailing ID ${s.mailingId ?? 'not known yet'}.` };
  if (s.state === 'error') return { title: `${what} failed`, body: s.error?.message ?? 'Open Loopdesk to see what went wrong.' };
  return null;
}

/**
 * Mounted once in the shell, so a send that finishes while the operator is on another
 * screen (or another window) still announces itself on the desktop.
 */
export function SendNotifier() {
  const last = useRef(new Map<string, Send['state']>());
  useHostEvent('sends.onChanged', (s) => {
    const before = last.current.get(s.id);
    last.current.set(s.id, s.state);
    if (before === s.state) return;
    const notice = finishNotice(s);
    if (!notice || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    try {
      const n = new Notification(notice.title, { body: notice.body, tag: `send-${s.id}` });
      n.onclick = () => {
        window.focus();
        window.location.hash = `#/sends/${encodeURIComponent(s.id)}`;
      };
    } catch {
      // Some hosts (Electron without a notification server) refuse; the Sends screen still shows it.
    }
  });
  return null;
}
