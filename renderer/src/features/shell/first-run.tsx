import { useEffect, useState } from 'react';
import type { AppInfo } from '../../../../shared/contract/app';
import type { MailingUse } from '../../../../shared/contract/mailings';
import { useApi } from '../../api/api-context';
import { useI18n } from '../../i18n/use-i18n';
import { navigate } from '../../routes';
import { useNewSendSession } from '../new-send/handoff';

/** '1': the operator hid the guide; '0': asked for it back (Settings), so it shows even after the first send. */
const DISMISSED_KEY = 'loopdesk.firstRunGuide.hidden';

/** Brings the guide back after it was hidden (or went away with the first send); it shows on Connections. */
export function showFirstRunGuideAgain(): void {
  window.localStorage.setItem(DISMISSED_KEY, '0');
}

/** What the guide needs to know: the sandbox, its first usable mailing, and whether anything was sent yet. */
interface Start {
  readonly sandbox: AppInfo['sandbox'];
  readonly client: string | null;
  readonly mailing: MailingUse | null;
  readonly hasSends: boolean;
}

/**
 * The first screen's "where to start": send the sandbox's demo list (three clicks: this
 * button, "Send for real…", "Send now"), or add one's own connection. It goes away by itself
 * after the first send, or when the operator hides it; Settings brings it back.
 */
export function FirstRunGuide() {
  const newSend = useNewSendSession();
  const api = useApi();
  const { t, rich } = useI18n();
  const [start, setStart] = useState<Start | null>(null);
  const [hidden, setHidden] = useState(() => window.localStorage.getItem(DISMISSED_KEY) === '1');
  const askedBack = window.localStorage.getItem(DISMISSED_KEY) === '0';

  useEffect(() => {
    let live = true;
    void (async () => {
      const [info, sends, mailings] = await Promise.all([api.app.info({}), api.sends.list({ limit: 1 }), api.mailings.list({})]);
      if (!live || !info.ok || !sends.ok) return;
      const sandbox = info.value.sandbox;
      const usable = (mailings.ok ? mailings.value : []).filter((m) => m.profile === sandbox.profile && !m.retired && !m.inFlightSendId);
      const mailing = usable.find((m) => /newsletter/i.test(m.name)) ?? usable[0] ?? null;
      setStart({ sandbox, client: mailing?.client ?? null, mailing, hasSends: sends.value.length > 0 });
    })();
    return () => {
      live = false;
    };
  }, [api]);

  if (hidden || !start || (start.hasSends && !askedBack)) return null;
  const demo = start.sandbox.profile && start.sandbox.demoList && start.mailing ? { profile: start.sandbox.profile, path: start.sandbox.demoList, mailing: start.mailing } : null;

  return (
    <section className="card first-run" aria-labelledby="first-run-title">
      <div className="detail-head">
        <h2 id="first-run-title">{t('shell.firstRun.title')}</h2>
        <button
          type="button"
          className="button ghost"
          onClick={() => {
            window.localStorage.setItem(DISMISSED_KEY, '1');
            setHidden(true);
            // The button goes away with the guide: the keyboard carries on from the screen, not from the top of the page.
            document.getElementById('main')?.focus();
          }}
        >
          {t('shell.firstRun.hide')}
        </button>
      </div>
      <div className="first-run-choices">
        {demo && (
          <div className="first-run-choice">
            <h3>{t('shell.firstRun.sandbox.title')}</h3>
            <p>{rich('shell.firstRun.sandbox.text', { profile: demo.profile, mailing: demo.mailing.name, b: (c) => <strong>{c}</strong> })}</p>
            <button
              type="button"
              className="button primary"
              onClick={() => {
                newSend.setPrefill({ profile: demo.profile, client: demo.mailing.client, sourceMailingId: demo.mailing.id, path: demo.path, autoCheck: true });
                navigate('new-send');
              }}
            >
              {t('shell.firstRun.sandbox.send')}
            </button>
            <p className="hint">{t('shell.firstRun.sandbox.hint')}</p>
          </div>
        )}
        <div className="first-run-choice">
          <h3>{t('shell.firstRun.own.title')}</h3>
          <p>{t('shell.firstRun.own.text')}</p>
          <a className={`button${demo ? '' : ' primary'}`} href="#/connections/add">
            {t('shell.firstRun.own.add')}
          </a>
          <p className="hint">{t('shell.firstRun.own.hint')}</p>
        </div>
      </div>
    </section>
  );
}
