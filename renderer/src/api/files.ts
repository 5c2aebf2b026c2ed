/**
 * Files reach the services by path on the host. The browser host stores an upload and answers
 * its path; the Electron host reads a dropped file where it lies.
 */
export async function fileToHostPath(file: File, win: Window = window): Promise<string> {
  const bridge = win.loopdesk;
  if (bridge) {
    // TODO(lead): the preload will expose `pathForFile` (Electron's webUtils.getPathForFile);
    // until then the Electron window cannot hand a dropped file to the services.
    const path = bridge.pathForFile?.(file);
    if (path) return path;
    throw new Error('This version of the desktop app cannot read dropped files yet (the preload lacks pathForFile). Use `loopdesk serve` in a browser for now.');
  }
  const token = new URLSearchParams(win.location.search).get('token') ?? '';
  const url = `/files?token=${encodeURIComponent(token)}&name=${encodeURIComponent(file.name)}`;
  // The File is the body, so the browser streams it from disk instead of reading it into memory.
  const res = await fetch(url, { method: 'POST', body: file, headers: { 'content-type': 'application/octet-stream' } });
  const body = (await res.json().catch(() => ({}))) as { path?: string; error?: string };
  if (!res.ok || !body.path) throw new Error(`The file could not be handed to Loopdesk: ${body.error ?? `HTTP ${res.status}`}. Try again; if it keeps failing, restart \`loopdesk serve\`.`);
  return body.path;
}

/**
 * A link that downloads a file the host wrote (rejected rows, reports), or null where the
 * host offers no download (Electron, until the lead adds one: the path is shown instead).
 */
export function hostFileUrl(path: string, win: Window = window): string | null {
  if (win.loopdesk) return null;
  const token = new URLSearchParams(win.location.search).get('token') ?? '';
  return `/files?token=${encodeURIComponent(token)}&path=${encodeURIComponent(path)}`;
}
