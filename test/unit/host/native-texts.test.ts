import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { menuTemplate, startFailureBox, trayTexts, waitingSendsDialog } from '../../../main/host/electron/native-texts';
import { appIntl } from '../../../shared/i18n/intl';

/** Every label of a menu template, submenus included. */
function labels(items: readonly MenuItemConstructorOptions[]): string[] {
  return items.flatMap((i) => [...(i.label ? [i.label] : []), ...(Array.isArray(i.submenu) ? labels(i.submenu) : [])]);
}

/** True when every item but separators has a label (Electron would fall back to English role names otherwise). */
function allLabelled(items: readonly MenuItemConstructorOptions[]): boolean {
  return items.every((i) => (i.type === 'separator' || Boolean(i.label)) && (!Array.isArray(i.submenu) || allLabelled(i.submenu)));
}

describe('the Electron host speaks the app language (menus, tray, dialogs)', () => {
  it('builds the application menu in English and in German, on macOS and elsewhere', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const en = menuTemplate(appIntl('en'), platform);
      const de = menuTemplate(appIntl('de'), platform);
      expect(allLabelled(en) && allLabelled(de)).toBe(true);
      expect(labels(en)).toContain('Edit');
      expect(labels(de)).toContain('Bearbeiten');
      expect(labels(de)).toContain('Alles auswählen');
      // No English word left in the German menu but the product name.
      const english = new Set(labels(en));
      expect(labels(de).filter((l) => english.has(l))).toEqual(platform === 'darwin' ? ['Loopdesk'] : []);
      // Roles (shortcuts, clipboard) stay the same in both languages.
      expect(JSON.stringify(de.map((m) => (m.submenu as MenuItemConstructorOptions[]).map((i) => i.role ?? i.type)))).toBe(
        JSON.stringify(en.map((m) => (m.submenu as MenuItemConstructorOptions[]).map((i) => i.role ?? i.type))),
      );
    }
  });

  it('asks about waiting sends with ICU plurals, buttons in the order the host reads them', () => {
    expect(waitingSendsDialog(appIntl('en'), 1)).toEqual({
      buttons: ['Keep running in the tray', 'Quit anyway', 'Cancel'],
      title: 'Sends are waiting',
      message: '1 send is scheduled or on its way.',
      detail: expect.stringContaining('Loopdesk uploads them only while it runs.'),
    });
    const de = waitingSendsDialog(appIntl('de'), 3);
    expect(de.buttons).toEqual(['Im Infobereich weiterlaufen lassen', 'Trotzdem beenden', 'Abbrechen']);
    expect(de.title).toBe('Versände warten');
    expect(de.message).toBe('3 Versände sind geplant oder unterwegs.');
    expect(de.detail).toContain('Loopdesk lädt sie nur hoch, solange es läuft.');
    expect(waitingSendsDialog(appIntl('de'), 1234).message).toBe('1.234 Versände sind geplant oder unterwegs.');
  });

  it('labels the tray and the start failure box in both languages', () => {
    expect(trayTexts(appIntl('en'), 2)).toEqual({ tooltip: 'Loopdesk: 2 sends waiting', open: 'Open Loopdesk', quit: 'Quit Loopdesk' });
    expect(trayTexts(appIntl('de'), 1)).toEqual({ tooltip: 'Loopdesk: 1 Versand wartet', open: 'Loopdesk öffnen', quit: 'Loopdesk beenden' });
    expect(startFailureBox(appIntl('de'), 'x').title).toBe('Loopdesk kann nicht starten');
    expect(startFailureBox(appIntl('en'), 'x')).toEqual({ title: 'Loopdesk cannot start', content: 'x' });
  });
});
