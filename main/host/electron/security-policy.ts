/**
 * The Electron security rules as pure functions, so they are tested without Electron.
 * The host wires them to `will-navigate`, `setWindowOpenHandler`, IPC and `openExternal`.
 */

/** The CSP of every window (also set as a meta tag in index.html). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Hosts an operator may be sent to from inside the app (docs, the vendor's help). */
export const EXTERNAL_HOST_ALLOWLIST: readonly string[] = ['docs.developers.optimizely.com', 'support.optimizely.com', 'world.optimizely.com'];

/** True when `url` may be opened in the system browser: https and an allowlisted host. */
export function isAllowedExternalUrl(url: string, allowlist: readonly string[] = EXTERNAL_HOST_ALLOWLIST): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && allowlist.includes(parsed.hostname);
}

/**
 * True when an IPC message comes from the app's own top frame: the renderer's
 * `index.html` loaded from the app's own folder, never a subframe or another page.
 */
export function isTrustedSender(frameUrl: string | undefined, isTopFrame: boolean, appIndexUrl: string): boolean {
  if (!frameUrl || !isTopFrame) return false;
  try {
    const frame = new URL(frameUrl);
    const app = new URL(appIndexUrl);
    return frame.protocol === 'file:' && app.protocol === 'file:' && frame.pathname === app.pathname;
  } catch {
    return false;
  }
}

/** Navigation is never allowed: the app is one page; links go through `openExternal`. */
export function isNavigationAllowed(_targetUrl: string): boolean {
  return false;
}

/** True when `path` lies inside `dir` (after resolving `..`): files the app may reveal. */
export function isInside(dir: string, path: string): boolean {
  const norm = (p: string) => p.replace(/\\/g, '/').split('/').reduce<string[]>((acc, part) => {
    if (part === '..') acc.pop();
    else if (part !== '.' && part !== '') acc.push(part);
    return acc;
  }, []).join('/');
  const base = norm(dir);
  const target = norm(path);
  return target.startsWith(`${base}/`) && (path.startsWith('/') === dir.startsWith('/'));
}
