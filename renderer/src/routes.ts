/** Every screen of the app, in navigation order. */
export const ROUTES = [
  { id: 'connections', label: 'Connections', hint: 'SFTP servers and clients' },
  { id: 'mailings', label: 'Mailings', hint: 'Source mailings' },
  { id: 'new-send', label: 'New send', hint: 'Prepare and upload' },
  { id: 'sends', label: 'Sends', hint: 'Status of uploads' },
  { id: 'responses', label: 'Responses', hint: 'Opens, clicks, bounces' },
  { id: 'activity', label: 'Activity', hint: 'What happened, live' },
] as const;

/** Identifier of a screen; also its URL hash (`#/connections`). */
export type RouteId = (typeof ROUTES)[number]['id'];

/** Reads the screen from a location hash; unknown hashes fall back to Connections. */
export function routeFromHash(hash: string): RouteId {
  const id = hash.replace(/^#\/?/, '');
  return (ROUTES.find((r) => r.id === id)?.id ?? 'connections') as RouteId;
}
