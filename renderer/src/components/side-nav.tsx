import { useRef, type KeyboardEvent } from 'react';
import { useI18n } from '../i18n/use-i18n';
import { ROUTES, type RouteId } from '../routes';
import { NavIcon } from './nav-icon';

/**
 * The left navigation: real links (Tab reaches each one) plus arrow keys, Home and End
 * to move between them, as in a desktop sidebar.
 */
export function SideNav(props: { current: RouteId }) {
  const { t } = useI18n();
  const listRef = useRef<HTMLUListElement>(null);

  const onKeyDown = (ev: KeyboardEvent<HTMLUListElement>) => {
    const links = Array.from(listRef.current?.querySelectorAll<HTMLAnchorElement>('a') ?? []);
    const index = links.indexOf(document.activeElement as HTMLAnchorElement);
    if (index < 0) return;
    const target =
      ev.key === 'ArrowDown' ? links[(index + 1) % links.length]
      : ev.key === 'ArrowUp' ? links[(index - 1 + links.length) % links.length]
      : ev.key === 'Home' ? links[0]
      : ev.key === 'End' ? links[links.length - 1]
      : undefined;
    if (target) {
      ev.preventDefault();
      target.focus();
    }
  };

  return (
    <nav className="side-nav" aria-label={t('shell.nav.label')}>
      <div className="brand">
        <img src="./favicon.svg" alt="" width={28} height={28} />
        <span>{t('shell.nav.brand')}</span>
      </div>
      <ul ref={listRef} onKeyDown={onKeyDown}>
        {ROUTES.map((r) => (
          <li key={r.id}>
            <a href={`#/${r.id}`} aria-current={props.current === r.id ? 'page' : undefined}>
              <NavIcon route={r.id} />
              <span className="nav-text">
                <span className="nav-label">{t(r.label)}</span>
                <span className="nav-hint">{t(r.hint)}</span>
              </span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
