import type { RouteId } from '../routes';

const PATHS: Record<RouteId, string> = {
  connections: 'M4 6h16v5H4zM4 13h16v5H4zM7 8.5h.01M7 15.5h.01',
  mailings: 'M4 6h16v12H4zM4 7l8 6 8-6',
  'new-send': 'M12 5v14M5 12h14',
  sends: 'M4 12l16-8-6 16-2-6-8-2z',
  responses: 'M5 19V11M11 19V5M17 19v-6',
  activity: 'M3 12h4l3-7 4 14 3-7h4',
  settings: 'M4 7h10M18 7h2M4 17h2M10 17h10M14 5v4M6 15v4',
};

/** A small line icon per screen; decorative, so hidden from assistive technology. */
export function NavIcon(props: { route: RouteId }) {
  return (
    <svg className="nav-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={PATHS[props.route]} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
