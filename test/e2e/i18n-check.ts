import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import type { Locator, Page } from '@playwright/test';

const catalog = (lang: 'en' | 'de', area: string) =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../shared/i18n/catalog/${lang}/${area}.json`, import.meta.url)), 'utf8')) as Record<string, string>;

/** The literal text of an ICU message, in the pieces between its placeholders and tags. */
function literals(elements: MessageFormatElement[], into: string[] = []): string[] {
  for (const el of elements) {
    if (el.type === TYPE.literal) into.push(el.value);
    else if (el.type === TYPE.plural || el.type === TYPE.select) for (const option of Object.values(el.options)) literals(option.value, into);
    else if (el.type === TYPE.tag) literals(el.children, into);
  }
  return into;
}

/**
 * English fragments of the given catalog areas that must never show on a German page: each
 * literal piece between placeholders, with at least 4 letters, from messages whose German differs,
 * and not also part of the German message itself (names such as "Mailing" or "SFTP" are shared).
 */
export function englishFragments(areas: readonly string[]): string[] {
  const out = new Set<string>();
  for (const area of areas) {
    const en = catalog('en', area);
    const de = catalog('de', area);
    for (const [key, message] of Object.entries(en)) {
      if (message === de[key]) continue;
      for (const piece of literals(parse(message))) {
        const fragment = piece.replace(/^[\s.,;:()“”"'’—–-]+|[\s.,;:()“”"'’—–-]+$/g, '');
        if ((fragment.match(/\p{L}/gu) ?? []).length < 4) continue;
        if (de[key].includes(fragment)) continue;
        out.add(fragment);
      }
    }
  }
  return [...out];
}

/** The English fragments found in the page's text; elements marked `lang="en"` (server words, data) are left out. */
export async function englishOnPage(page: Page, fragments: readonly string[]): Promise<string[]> {
  const text = await page.evaluate(() => {
    const copy = document.querySelector('main')?.cloneNode(true) as HTMLElement | undefined;
    const root = copy ?? (document.body.cloneNode(true) as HTMLElement);
    for (const el of root.querySelectorAll('[lang="en"]')) el.remove();
    // Attributes people hear or see count too.
    const attrs = [...(document.querySelector('main') ?? document.body).querySelectorAll('[aria-label],[title],[placeholder]')]
      .filter((el) => !el.closest('[lang="en"]'))
      .map((el) => [el.getAttribute('aria-label'), el.getAttribute('title'), el.getAttribute('placeholder')].filter(Boolean).join(' '));
    const dialogs = [...document.querySelectorAll('dialog[open]')].map((d) => (d as HTMLElement).innerText);
    return [root.textContent ?? '', ...attrs, ...dialogs].join('\n');
  });
  return fragments.filter((f) => new RegExp(`(^|[^\\p{L}])${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u').test(text));
}

/** Elements inside `scope` whose own text is wider or taller than their box (clipped or spilling text). */
export async function overflowingText(scope: Locator): Promise<string[]> {
  return scope.evaluate((root) => {
    const out: string[] = [];
    for (const el of [root, ...root.querySelectorAll('*')] as HTMLElement[]) {
      const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
      // Text hidden for screen readers only (a 1-pixel clip) is meant to be clipped.
      if (!ownText || el.clientWidth <= 1) continue;
      const style = getComputedStyle(el);
      if (style.display === 'inline' || style.overflowX === 'auto' || style.overflowX === 'scroll') continue;
      if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.tagName.toLowerCase()}.${el.className}: “${(el.textContent ?? '').trim().slice(0, 60)}” (${el.scrollWidth} > ${el.clientWidth})`);
    }
    return out;
  });
}
