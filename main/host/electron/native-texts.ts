// The words of the Electron host's native parts (menus, tray, dialogs) as pure data, so they
// come from the catalog in the app's language and a unit test can read them without Electron.
import type { MenuItemConstructorOptions, MessageBoxOptions } from 'electron';
import type { AppIntl } from '../../../shared/i18n/intl';
import type { MessageId } from '../../../shared/i18n/messages';

/**
 * The application menu in the app's language. Electron's default menu is English only; roles
 * keep the platform's behaviour (shortcuts, clipboard) and only the labels are ours.
 */
export function menuTemplate(intl: AppIntl, platform: NodeJS.Platform = process.platform): MenuItemConstructorOptions[] {
  const t = (id: MessageId) => intl.formatMessage({ id });
  const mac = platform === 'darwin';
  return [
    ...(mac
      ? [
          {
            label: 'Loopdesk',
            submenu: [
              { role: 'about', label: t('host.menu.about') },
              { type: 'separator' },
              { role: 'hide', label: t('host.menu.hide') },
              { role: 'hideOthers', label: t('host.menu.hideOthers') },
              { role: 'unhide', label: t('host.menu.showAll') },
              { type: 'separator' },
              { role: 'quit', label: t('host.menu.quit') },
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    {
      label: t('host.menu.file'),
      submenu: [mac ? { role: 'close', label: t('host.menu.closeWindow') } : { role: 'quit', label: t('host.menu.quit') }],
    },
    {
      label: t('host.menu.edit'),
      submenu: [
        { role: 'undo', label: t('host.menu.undo') },
        { role: 'redo', label: t('host.menu.redo') },
        { type: 'separator' },
        { role: 'cut', label: t('host.menu.cut') },
        { role: 'copy', label: t('host.menu.copy') },
        { role: 'paste', label: t('host.menu.paste') },
        { role: 'selectAll', label: t('host.menu.selectAll') },
      ],
    },
    {
      label: t('host.menu.view'),
      submenu: [
        { role: 'reload', label: t('host.menu.reload') },
        { type: 'separator' },
        { role: 'resetZoom', label: t('host.menu.actualSize') },
        { role: 'zoomIn', label: t('host.menu.zoomIn') },
        { role: 'zoomOut', label: t('host.menu.zoomOut') },
        { type: 'separator' },
        { role: 'togglefullscreen', label: t('host.menu.fullScreen') },
      ],
    },
    {
      label: t('host.menu.window'),
      submenu: [{ role: 'minimize', label: t('host.menu.minimize') }, ...(mac ? [{ role: 'zoom', label: t('host.menu.zoom') } satisfies MenuItemConstructorOptions] : []), { role: 'close', label: t('host.menu.closeWindow') }],
    },
  ];
}

/** The question asked when the last window closes while sends wait: the buttons in this order (keep in tray, quit, cancel). */
export function waitingSendsDialog(intl: AppIntl, waiting: number): Pick<MessageBoxOptions, 'buttons' | 'title' | 'message' | 'detail'> & { buttons: string[] } {
  return {
    buttons: [intl.formatMessage({ id: 'host.waiting.keep' }), intl.formatMessage({ id: 'host.waiting.quit' }), intl.formatMessage({ id: 'host.waiting.cancel' })],
    title: intl.formatMessage({ id: 'host.waiting.title' }),
    message: intl.formatMessage({ id: 'host.waiting.message' }, { count: waiting }),
    detail: intl.formatMessage({ id: 'host.waiting.detail' }),
  };
}

/** The tray icon's tooltip and menu labels while Loopdesk keeps running for waiting sends. */
export function trayTexts(intl: AppIntl, waiting: number): { tooltip: string; open: string; quit: string } {
  return {
    tooltip: intl.formatMessage({ id: 'host.tray.tooltip' }, { count: waiting }),
    open: intl.formatMessage({ id: 'host.tray.open' }),
    quit: intl.formatMessage({ id: 'host.menu.quit' }),
  };
}

/** The native error box when the app cannot open its data dir: title and message. */
export function startFailureBox(intl: AppIntl, reason: string): { title: string; content: string } {
  return { title: intl.formatMessage({ id: 'host.start.failedTitle' }), content: reason };
}
