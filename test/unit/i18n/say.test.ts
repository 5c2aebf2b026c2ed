import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { IntlProvider } from 'react-intl';
import { describe, expect, it } from 'vitest';
import type { CatalogText } from '../../../shared/contract/catalog-text';
import { MESSAGES } from '../../../shared/i18n/messages';
import { useI18n } from '../../../renderer/src/i18n/use-i18n';

/** What `useI18n().say` makes of `text` in a window speaking `locale` (rendered by react-dom, as the Activity screen does). */
function sayIn(locale: 'en' | 'de', text: CatalogText, english: string): string {
  function Probe() {
    return createElement('p', null, useI18n().say(text, english));
  }
  const html = renderToStaticMarkup(createElement(IntlProvider, { locale: locale === 'de' ? 'de-DE' : 'en-GB', messages: MESSAGES[locale] }, createElement(Probe)));
  return html.replace(/^<p>|<\/p>$/g, '');
}

describe('useI18n().say', () => {
  const wrapped: CatalogText = {
    id: 'sends.step.interrupted',
    values: { reason: 'The connection to h:22 is closed. Reconnect and try again.', reasonId: 'error.sftp.closed', reasonValues: JSON.stringify({ at: 'h:22' }) },
  };

  it('puts a wrapped error sentence (reasonId/reasonValues) into the window language too, as on the Activity screen', () => {
    expect(sayIn('de', wrapped, 'x')).toBe(
      'Unterbrochen: Die Verbindung zu h:22 ist geschlossen. Verbinden Sie sich erneut und versuchen Sie es noch einmal. Loopdesk versucht es erneut.',
    );
    expect(sayIn('en', wrapped, 'x')).toBe('Interrupted: The connection to h:22 is closed. Reconnect and try again. Loopdesk will try again.');
  });

  it('keeps the English sentence of a text without a catalog key', () => {
    expect(sayIn('de', { id: 'no.such.key', values: {} }, 'Old English line')).toBe('Old English line');
  });
});
