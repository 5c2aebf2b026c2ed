import type { CatalogText } from '../../../shared/contract/catalog-text';
import { appIntl } from '../../../shared/i18n/intl';
import { EN_MESSAGES, type MessageId } from '../../../shared/i18n/messages';

/**
 * A file could not be handed to the host. `text` is the sentence as a catalog key and values:
 * show it with `say(e.text, e.message)` so it follows the operator's language (`message` is
 * the English text, for the console). `useAction` does that by itself.
 */
export class HostFileError extends Error {
  readonly text: CatalogText;
  constructor(id: MessageId, values: Record<string, string | number>) {
    super(appIntl('en').formatMessage({ id }, values));
    this.name = 'HostFileError';
    this.text = { id, values };
  }
}

/**
 * Files reach the services by path on the host. The browser host stores an upload and answers
 * its path; the Electron host reads a dropped file where it lies.
 */
export async function fileToHostPath(file: File, win: Window = window): Promise<string> {
  const bridge = win.loopdesk;
  if (bridge) {
    const path = bridge.pathForFile?.(file);
    if (path) return path;
    // A File made in the page (not from disk) has no path; only a real file can be handed over.
    throw new HostFileError('common.file.noPath', { name: file.name });
  }
  const token = new URLSearchParams(win.location.search).get('token') ?? '';
  const url = new URL(`/files?token=${encodeURIComponent(token)}&name=${encodeURIComponent(file.name)}`, win.location.href);
  // The File is the body, so the browser streams it from disk instead of reading it into memory.
  const res = await fetch(url, { method: 'POST', body: file, headers: { 'content-type': 'application/octet-stream' } });
  const body = (await res.json().catch(() => ({}))) as { path?: string; error?: string; text?: CatalogText };
  if (!res.ok || !body.path) throw new HostFileError('common.file.handOffFailed', refusalReason(body, res.status));
  return body.path;
}

/**
 * The host's reason for refusing a file as a wrapped sentence: its catalog key and values
 * travel as `reasonId`/`reasonValues` (see renderer/src/i18n/catalog-sentence.ts), so the
 * reader sees the reason in their language; `reason` is the English, or the HTTP status.
 */
function refusalReason(body: { error?: string; text?: CatalogText }, status: number): Record<string, string> {
  const reason = body.error ?? `HTTP ${status}`;
  const text = body.text;
  if (!text || typeof text.id !== 'string' || !(text.id in EN_MESSAGES)) return { reason };
  return { reason, reasonId: text.id, reasonValues: JSON.stringify(text.values ?? {}) };
}

/**
 * A link that downloads a file the host wrote (rejected rows, reports), or null in the
 * Electron window, where the file already is on this machine ({@link revealHostFile} shows it).
 */
export function hostFileUrl(path: string, win: Window = window): string | null {
  if (win.loopdesk) return null;
  const token = new URLSearchParams(win.location.search).get('token') ?? '';
  return `/files?token=${encodeURIComponent(token)}&path=${encodeURIComponent(path)}`;
}

/** Whether this window can show a host file in the system file manager (the Electron app). */
export function canRevealHostFiles(win: Window = window): boolean {
  return typeof win.loopdesk?.reveal === 'function';
}

/** Shows a file Loopdesk wrote in the system file manager; resolves false when the host could not. */
export async function revealHostFile(path: string, win: Window = window): Promise<boolean> {
  const reveal = win.loopdesk?.reveal;
  return reveal ? reveal(path) : false;
}

/** The file name of a host path (either separator), for labels. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/**
 * Hands a file Loopdesk just wrote to the operator in the same step: the browser host starts
 * its download, the desktop app shows it in the file manager. Resolves false where neither works.
 */
export async function offerHostFile(path: string, win: Window = window): Promise<boolean> {
  const url = hostFileUrl(path, win);
  if (url) {
    const a = win.document.createElement('a');
    a.href = url;
    a.download = baseName(path);
    a.style.display = 'none';
    win.document.body.append(a);
    a.click();
    a.remove();
    return true;
  }
  return revealHostFile(path, win);
}
