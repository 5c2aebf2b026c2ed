// The Electron host: windows, IPC registration, safeStorage and the security rules.
// Everything else is the same services the browser host and the CLI run.
import { app, BrowserWindow, dialog, ipcMain, Menu, safeStorage, session, shell, Tray, type WebContents } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fail, isAppError } from '../../../shared/contract/result';
import { errorText } from '../../../shared/i18n/error-text';
import { appIntl } from '../../../shared/i18n/intl';
import { localeFromTag } from '../../../shared/i18n/locale';
import { openAppContext, type AppContext } from '../../app/app-context';
import { startDemoSandbox } from '../../app/demo-sandbox';
import { mainLanguage } from '../../app/language';
import { startBrowserHost } from '../browser/browser-host';
import { appRoot, rendererDir } from '../paths';
import { menuTemplate, startFailureBox, trayTexts, waitingSendsDialog } from './native-texts';
import { openSafeStorageSecrets } from './safe-storage-secrets';
import { CONTENT_SECURITY_POLICY, isAllowedExternalUrl, isInside, isNavigationAllowed, isTrustedSender } from './security-policy';

const indexFile = join(appRoot(), 'dist', 'renderer', 'index.html');
const indexUrl = pathToFileURL(indexFile).href;

function dataDirFromArgs(): string {
  const i = process.argv.indexOf('--data-dir');
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1];
  return process.env.LOOPDESK_HOME || app.getPath('userData');
}

/** Opens an external link only when it passes the allowlist. */
export async function openExternal(url: string): Promise<boolean> {
  if (!isAllowedExternalUrl(url)) return false;
  await shell.openExternal(url);
  return true;
}

function registerIpc(context: AppContext): void {
  const subscriptions = new Map<WebContents, Map<string, () => void>>();
  ipcMain.handle('loopdesk:invoke', (event, channel: unknown, payload: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame, indexUrl)) {
      return fail('FORBIDDEN', 'error.host.forbiddenWindow');
    }
    return context.dispatcher.handle(channel, payload, { transport: 'electron' });
  });
  ipcMain.handle('loopdesk:reveal', (event, path: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame, indexUrl)) return false;
    if (typeof path !== 'string' || !isInside(context.dataDir, path)) return false;
    shell.showItemInFolder(path);
    return true;
  });
  ipcMain.on('loopdesk:subscribe', (event, name: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame, indexUrl)) return;
    if (!context.dispatcher.isEventChannel(name)) return;
    const contents = event.sender;
    let map = subscriptions.get(contents);
    if (!map) {
      subscriptions.set(contents, (map = new Map()));
      contents.once('destroyed', () => {
        for (const off of map!.values()) off();
        subscriptions.delete(contents);
      });
    }
    if (map.has(name)) return;
    map.set(
      name,
      context.bus.on(name, (payload) => {
        if (!contents.isDestroyed()) contents.send('loopdesk:event', name, payload);
      }),
    );
  });
  ipcMain.on('loopdesk:unsubscribe', (event, name: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame, indexUrl)) return;
    const map = subscriptions.get(event.sender);
    if (typeof name === 'string' && map?.has(name)) {
      map.get(name)!();
      map.delete(name);
    }
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    title: 'Loopdesk',
    show: false,
    webPreferences: {
      preload: join(appRoot(), 'dist', 'electron', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      // Middle-click would otherwise open links as new windows (Electronegativity AUXCLICK_JS_CHECK).
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadFile(indexFile);
  return win;
}

/**
 * Closing the last window while a send is scheduled or on its way would stop it: ask
 * first, and keep running in the tray (the scheduler lives in this process) if wanted.
 */
function keepRunningWhileSendsWait(context: AppContext): void {
  let tray: Tray | undefined;
  let waitingInTray = 0;
  let quitting = false;
  const intl = () => appIntl(mainLanguage(context.settings, app.getLocale()));
  /** The tray's tooltip and menu in the app's language (again after a language switch). */
  const labelTray = () => {
    if (!tray) return;
    const texts = trayTexts(intl(), waitingInTray);
    tray.setToolTip(texts.tooltip);
    tray.setContextMenu(Menu.buildFromTemplate([{ label: texts.open, click: showWindow }, { type: 'separator' }, { label: texts.quit, click: () => app.quit() }]));
  };
  context.bus.on('app.onLanguage', labelTray);
  const showWindow = () => {
    const win = BrowserWindow.getAllWindows()[0] ?? createWindow();
    win.show();
    win.focus();
  };
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('browser-window-created', (_e, win) => {
    win.on('close', (event) => {
      if (quitting || BrowserWindow.getAllWindows().length > 1) return;
      event.preventDefault();
      void (async () => {
        const waiting = (await context.services.sends.journal.list({ states: ['scheduled', 'queued', 'uploading'] })).length;
        if (waiting === 0) {
          quitting = true;
          app.quit();
          return;
        }
        const { response } = await dialog.showMessageBox(win, { type: 'question', defaultId: 0, cancelId: 2, ...waitingSendsDialog(intl(), waiting) });
        if (response === 0) {
          win.hide();
          if (!tray) {
            tray = new Tray(join(appRoot(), 'dist', 'electron', 'tray.png'));
            tray.on('click', showWindow);
          }
          waitingInTray = waiting;
          labelTray();
        } else if (response === 1) {
          quitting = true;
          app.quit();
        }
      })();
    });
  });
  app.on('window-all-closed', () => {
    if (!tray) app.quit();
  });
}

async function boot(): Promise<void> {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isNavigationAllowed(url)) event.preventDefault();
    });
    // `will-navigate` covers only the main frame; subframes (none today) get the same rule.
    contents.on('will-frame-navigate', (event) => {
      if (!isNavigationAllowed(event.url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      void openExternal(url);
      return { action: 'deny' };
    });
  });
  await app.whenReady();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // Only the app's own page may show notifications; every other permission is refused.
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(permission === 'notifications' && isTrustedSender(details.requestingUrl, details.isMainFrame, indexUrl)),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    permission === 'notifications' && isTrustedSender(details.requestingUrl, details.isMainFrame, indexUrl),
  );

  const dataDir = dataDirFromArgs();
  let context: AppContext;
  try {
    // A setting that applies at start-up (encryption at rest) relaunches the app; will-quit closes the data file first.
    const requestRestart = () => {
      app.relaunch();
      app.quit();
    };
    context = await openAppContext({ dataDir, host: 'electron', secrets: openSafeStorageSecrets(dataDir, safeStorage) ?? null, requestRestart, systemLocale: app.getLocale() });
  } catch (e) {
    // No settings to read the chosen language from: the system's language speaks.
    const intl = appIntl(localeFromTag(app.getLocale()));
    const box = startFailureBox(intl, isAppError(e) ? errorText(intl, e) : e instanceof Error ? e.message : String(e));
    dialog.showErrorBox(box.title, box.content);
    app.exit(1);
    return;
  }
  // The menu in the app's language, built again when the operator switches it in Settings.
  const setMenu = () => Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(appIntl(mainLanguage(context.settings, app.getLocale())))));
  setMenu();
  context.bus.on('app.onLanguage', setMenu);
  registerIpc(context);
  // The `loopdesk` CLI's door while the app owns the data dir: the browser host's token-checked
  // loopback WebSocket (same dispatcher), its port and token in a 0600 file of the data dir, so
  // a command run meanwhile talks to this process instead of stopping with DATA_DIR_IN_USE.
  const door = await startBrowserHost(context, { port: 0, rendererDir: rendererDir(), doorFile: true });
  context.onClose(() => door.close());
  if (!process.argv.includes('--no-sandbox-server')) await startDemoSandbox(context, { history: !process.argv.includes('--no-sandbox-history') });
  context.services.sends.startScheduler();
  context.services.responses.startPullSchedule();
  // Team mode: other workstations' profile changes arrive within a second (LISTEN/NOTIFY).
  void context.services.profiles.startTeamSync();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  keepRunningWhileSendsWait(context);
  app.on('will-quit', (event) => {
    event.preventDefault();
    void context.close().finally(() => app.exit(0));
  });
}

if (!app.requestSingleInstanceLock()) app.quit();
else void boot();
