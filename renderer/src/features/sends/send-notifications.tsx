import { useRef } from 'react';
import type { Send } from '../../../../shared/contract/sends';
import { useHostEvent } from '../../api/api-context';
import { catalogSentence, type FormatMessage } from '../../i18n/catalog-sentence';
import { useSendTexts } from './use-send-texts';

/** Asks once for permission to show desktop notifications; called from the first send's confirmation. */
export function requestNotificationPermission(): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'default') return;
  void Notification.requestPermission().catch(() => undefined);
}

/** The notification for a send that just finished, in the language of `t`, or null when it did not just finish. */
export function finishNotice(s: Send, t: FormatMessage): { title: string; body: string } | null {
  const what = { test: s.test ? 'yes' : 'no', mailing: s.sourceMailingName, client: s.client };
  if (s.state === 'sent') {
    return {
      title: t('sends.notice.sentTitle', what),
      body: s.mailingId ? t('sends.notice.sentBody', { count: s.recipients, mailingId: s.mailingId }) : t('sends.notice.sentBodyNoId', { count: s.recipients }),
    };
  }
  if (s.state === 'error') {
    return { title: t('sends.notice.failedTitle', what), body: s.error ? catalogSentence(t, s.error.text, s.error.message) : t('sends.notice.failedBody') };
  }
  return null;
}

/**
 * Mounted once in the shell, so a send that finishes while the operator is on another
 * screen (or another window) still announces itself on the desktop, in the chosen language.
 */
export function SendNotifier() {
  const { t } = useSendTexts();
  const last = useRef(new Map<string, Send['state']>());
  useHostEvent('sends.onChanged', (s) => {
    const before = last.current.get(s.id);
    last.current.set(s.id, s.state);
    if (before === s.state) return;
    const notice = finishNotice(s, t);
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
