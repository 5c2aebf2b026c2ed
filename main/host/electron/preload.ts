// The only bridge between the sandboxed renderer and the main process: one flat `invoke`
// and `subscribe`. Channels are checked against the allowlist derived from the contract;
// Electron event objects never reach the page.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { EVENT_CHANNELS, METHOD_CHANNELS } from '../../../shared/contract';

contextBridge.exposeInMainWorld('loopdesk', {
  invoke(channel: unknown, payload: unknown) {
    if (typeof channel !== 'string' || !METHOD_CHANNELS.has(channel)) {
      // The same error the dispatcher answers (key and values for the page's language, English beside them).
      const name = JSON.stringify(String(channel)).slice(0, 80);
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `Unknown channel ${name}.`, messageId: 'error.host.unknownChannel', values: { channel: name } } });
    }
    return ipcRenderer.invoke('loopdesk:invoke', channel, payload);
  },
  subscribe(event: unknown, listener: (payload: unknown) => void) {
    if (typeof event !== 'string' || !EVENT_CHANNELS.has(event) || typeof listener !== 'function') return () => undefined;
    const handler = (_e: unknown, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on('loopdesk:event', handler);
    ipcRenderer.send('loopdesk:subscribe', event);
    return () => {
      ipcRenderer.off('loopdesk:event', handler);
      ipcRenderer.send('loopdesk:unsubscribe', event);
    };
  },
  /** The path of a dropped or picked file: the main process reads it from disk (no copy through the page). */
  pathForFile(file: unknown): string {
    return file instanceof File ? webUtils.getPathForFile(file) : '';
  },
  /** Shows a file Loopdesk wrote (rejected rows, reports) in the system file manager. */
  reveal(path: unknown): Promise<boolean> {
    return typeof path === 'string' ? ipcRenderer.invoke('loopdesk:reveal', path) : Promise.resolve(false);
  },
});
