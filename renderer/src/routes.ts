import type { MessageId } from '../../shared/i18n/messages';

/** Every screen of the app, in navigation order, with the catalog keys of its name and one-line hint. */
export const ROUTES = [
  { id: 'connections', label: 'shell.nav.connections', hint: 'shell.nav.connections.hint' },
  { id: 'mailings', label: 'shell.nav.mailings', hint: 'shell.nav.mailings.hint' },
  { id: 'new-send', label: 'shell.nav.newSend', hint: 'shell.nav.newSend.hint' },
  { id: 'sends', label: 'shell.nav.sends', hint: 'shell.nav.sends.hint' },
  { id: 'responses', label: 'shell.nav.responses', hint: 'shell.nav.responses.hint' },
  { id: 'activity', label: 'shell.nav.activity', hint: 'shell.nav.activity.hint' },
  { id: 'settings', label: 'shell.nav.settings', hint: 'shell.nav.settings.hint' },
] as const satisfies readonly { id: string; label: MessageId; hint: MessageId }[];

/** Identifier of a screen; also its URL hash (`#/connections`). */
export type RouteId = (typeof ROUTES)[number]['id'];

/** Reads the screen from a location hash (`#/sends/<id>` is the Sends screen); unknown hashes fall back to Connections. */
export function routeFromHash(hash: string): RouteId {
  const id = hash.replace(/^#\/?/, '').split('/')[0];
  return (ROUTES.find((r) => r.id === id)?.id ?? 'connections') as RouteId;
}

/**
 * The part of the hash after the screen (`#/sends/<id>` → `<id>`), so a link can open a
 * screen with one item selected and the back button still works.
 */
export function routeParam(hash: string): string | null {
  const parts = hash.replace(/^#\/?/, '').split('/');
  return parts.length > 1 && parts[1] ? decodeURIComponent(parts.slice(1).join('/')) : null;
}

/** Navigates to a screen, optionally with one item selected. */
export function navigate(route: RouteId, param?: string): void {
  window.location.hash = param ? `#/${route}/${encodeURIComponent(param)}` : `#/${route}`;
}
