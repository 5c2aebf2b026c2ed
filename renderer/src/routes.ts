/** Every screen of the app, in navigation order. */
export const ROUTES = [
  { id: 'connections', label: 'Connections', hint: 'SFTP servers and clients' },
  { id: 'mailings', label: 'Mailings', hint: 'Source mailings' },
  { id: 'new-send', label: 'New send', hint: 'Prepare and upload' },
  { id: 'sends', label: 'Sends', hint: 'Status of uploads' },
  { id: 'responses', label: 'Responses', hint: 'Opens, clicks, bounces' },
  { id: 'activity', label: 'Activity', hint: 'What happened, live' },
  { id: 'settings', label: 'Settings', hint: 'Data retention' },
] as const;

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
