import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AG_GRID_LOCALE_DE, AG_GRID_LOCALE_EN } from '@ag-grid-community/locale';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import type { Page } from '@playwright/test';
import { DEFAULT_PRODUCT_FIELDS } from '../../shared/contract/profiles';
import { RESPONSE_KIND_NAMES } from '../../shared/contract/response-file-names';

const CATALOG = fileURLToPath(new URL('../../shared/i18n/catalog', import.meta.url));

/** One English text that must not appear on a German screen: a literal piece of a catalog message. */
export interface EnglishFragment {
  readonly key: string;
  readonly text: string;
}

/** The literal runs of an ICU message, split at every placeholder, plural `#` and tag (each branch of a plural on its own). */
function literalRuns(elements: MessageFormatElement[], runs: string[] = [], current: { text: string } = { text: '' }): string[] {
  const flush = () => {
    if (current.text.trim()) runs.push(current.text);
    current.text = '';
  };
  for (const el of elements) {
    if (el.type === TYPE.literal) current.text += el.value;
    else if (el.type === TYPE.plural || el.type === TYPE.select) {
      flush();
      for (const option of Object.values(el.options)) literalRuns(option.value, runs, { text: '' });
    } else if (el.type === TYPE.tag) {
      flush();
      literalRuns(el.children, runs, { text: '' });
    } else flush();
  }
  flush();
  return runs;
}

const letters = (s: string) => s.replace(/[^\p{L}]/gu, '').length;

/**
 * Every English literal of the catalog areas named (all when none are: `shared/i18n/catalog/en/*.json`) that a German
 * screen must not show. Skipped: messages the same in both languages (product names, "Status"),
 * the vendor's device words (`responses.chart.word.*`, also parts of browser names the server sends),
 * pieces the German message contains too (`Loopdesk`), and pieces under 4 letters.
 */
export function englishFragments(areas?: readonly string[]): EnglishFragment[] {
  const out: EnglishFragment[] = [];
  const files = readdirSync(join(CATALOG, 'en')).filter((f) => f.endsWith('.json') && (!areas || areas.includes(f.slice(0, -'.json'.length))));
  for (const file of files) {
    const en = JSON.parse(readFileSync(join(CATALOG, 'en', file), 'utf8')) as Record<string, string>;
    const de = JSON.parse(readFileSync(join(CATALOG, 'de', file), 'utf8')) as Record<string, string>;
    for (const [key, message] of Object.entries(en)) {
      const german = de[key] ?? '';
      // The vendor's device words are also parts of names the server sends ("Chrome Mobile 126.0"), shown as data.
      if (message === german || key.startsWith('responses.chart.word.')) continue;
      for (const run of literalRuns(parse(message))) {
        const text = run.replace(/\s+/g, ' ').trim();
        if (letters(text) < 4 || german.includes(text)) continue;
        out.push({ key, text });
      }
    }
  }
  return out;
}

/**
 * AG Grid's own English texts (filter menus, overlays, aria labels) that a German screen must not
 * show: each text its German locale words differently, split at its `${variable}` placeholders,
 * pieces of at least 4 letters that no German text of AG Grid contains. Keys read `agGrid.<key>`.
 */
export function agGridEnglishFragments(): EnglishFragment[] {
  const german = Object.values(AG_GRID_LOCALE_DE).join('\n');
  const out: EnglishFragment[] = [];
  for (const [key, english] of Object.entries(AG_GRID_LOCALE_EN)) {
    if ((AG_GRID_LOCALE_DE as Record<string, string>)[key] === english) continue;
    for (const piece of english.split('${variable}')) {
      const text = piece.replace(/\s+/g, ' ').trim();
      if (letters(text) < 4 || german.includes(text)) continue;
      out.push({ key: `agGrid.${key}`, text });
    }
  }
  return out;
}

/**
 * Everything a person reads or hears on the page: visible text, plus titles, labels,
 * placeholders and alt texts; without the elements `leaveOut` selects.
 */
export async function readableText(page: Page, leaveOut?: string): Promise<string> {
  const text = await page.evaluate((leaveOut) => {
    // Text marked as data (translate="no") or as another language (lang="en" on a German page:
    // the server's own words, a language's own name) is not ours to translate.
    const pageLang = document.documentElement.lang.slice(0, 2);
    const marked = Array.from(document.querySelectorAll<HTMLElement>('body [translate="no"], body [lang]')).filter(
      (el) => el.getAttribute('translate') === 'no' || !(el.getAttribute('lang') ?? '').startsWith(pageLang),
    );
    const hidden = [...marked, ...(leaveOut ? Array.from(document.querySelectorAll<HTMLElement>(leaveOut)) : [])];
    const before = hidden.map((el) => el.style.display);
    for (const el of hidden) el.style.display = 'none';
    const attrs = Array.from(document.querySelectorAll('[title], [aria-label], [placeholder], [alt]'))
      .filter((el) => !hidden.some((h) => h.contains(el)))
      .flatMap((el) =>
      ['title', 'aria-label', 'placeholder', 'alt'].map((a) => el.getAttribute(a) ?? ''),
    );
    const options = Array.from(document.querySelectorAll('option')).map((o) => o.textContent ?? '');
    const all = [document.title, document.body.innerText, ...attrs, ...options].join('\n');
    hidden.forEach((el, i) => (el.style.display = before[i]));
    return all;
  }, leaveOut);
  return text.replace(/[ \t\u00a0]+/g, ' ');
}

/** The English fragments `text` shows, each once, as `key: “fragment”`. */
export function englishIn(text: string, fragments: readonly EnglishFragment[]): string[] {
  const found = new Set<string>();
  for (const f of fragments) {
    const escaped = f.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // Whole words only: "Sende" must not match inside "Versende".
    if (new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u').test(text)) found.add(`${f.key}: “${f.text}”`);
  }
  return [...found].sort();
}

/** An element whose text does not fit its box (see {@link overflowingText}). */
export interface Overflow {
  readonly text: string;
  readonly path: string;
  readonly scrollWidth: number;
  readonly clientWidth: number;
}

/**
 * Elements whose text is wider than their box: clipped or spilling over a neighbour. Allowed
 * only where the element shows an ellipsis and carries the full text in `title`. Scroll
 * containers (tables that scroll sideways) and typed-in values are not text that is laid out,
 * so they are left out; grid headers and cells are checked (a grid shows a cell's full text
 * as its `title` with AG Grid's browser tooltips).
 */
export async function overflowingText(page: Page): Promise<Overflow[]> {
  return page.evaluate(() => {
    const blockOf = (node: Node): HTMLElement | null => {
      let el = node.parentElement;
      while (el && getComputedStyle(el).display === 'inline') el = el.parentElement;
      return el;
    };
    const owners = new Set<HTMLElement>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent?.trim()) continue;
      const owner = blockOf(n);
      if (owner) owners.add(owner);
    }
    const describe = (el: Element): string => {
      const parts: string[] = [];
      for (let e: Element | null = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
        const cls = typeof e.className === 'string' && e.className.trim() ? `.${e.className.trim().split(/\s+/).slice(0, 2).join('.')}` : '';
        parts.unshift(`${e.tagName.toLowerCase()}${cls}`);
      }
      return parts.join(' > ');
    };
    const out: { text: string; path: string; scrollWidth: number; clientWidth: number }[] = [];
    for (const el of owners) {
      if (['INPUT', 'TEXTAREA', 'SELECT', 'OPTION', 'SCRIPT', 'STYLE'].includes(el.tagName)) continue;
      if (el.closest('.ag-overlay, .ag-tooltip')) continue;
      // AG Charts' invisible proxies for screen readers over the canvas: their text is never drawn.
      if (el.closest('.ag-charts-canvas-proxy')) continue;
      const cs = getComputedStyle(el);
      if (cs.overflowX === 'auto' || cs.overflowX === 'scroll') continue;
      const rect = el.getBoundingClientRect();
      if (rect.width <= 1 || rect.height <= 1 || cs.visibility === 'hidden') continue;
      if (el.scrollWidth <= el.clientWidth + 1) continue;
      const full = (el.textContent ?? '').replace(/\s+/g, ' ').trim();
      const title = el.closest('[title]')?.getAttribute('title')?.replace(/\s+/g, ' ').trim() ?? '';
      if (cs.textOverflow === 'ellipsis' && title && title.includes(full)) continue;
      // A grid cell cut with an ellipsis: the grid shows the whole value on hover and when the column is widened.
      if (cs.textOverflow === 'ellipsis' && el.closest('.ag-cell')) continue;
      out.push({ text: full.slice(0, 100), path: describe(el), scrollWidth: el.scrollWidth, clientWidth: el.clientWidth });
    }
    return out;
  });
}

/**
 * `text` with each of the `data` strings cut out: names that are data, not Loopdesk's words
 * (the client's field names such as "First name" or "product_1" come from the server's field
 * list, a mailing's name from the operator), so an English fragment inside them is not a miss.
 * A pattern cuts out every match (file names with a stamp).
 */
export function withoutData(text: string, data: readonly (string | RegExp)[]): string {
  const patterns = data.filter((d): d is RegExp => d instanceof RegExp);
  // Longest first, so "First name" goes before a shorter name inside it.
  const names = data.filter((d): d is string => typeof d === 'string' && d !== '').sort((a, b) => b.length - a.length);
  const cut = patterns.reduce((t, p) => t.replace(new RegExp(p.source, p.flags.includes('g') ? p.flags : `${p.flags}g`), ' ¦ '), text);
  return names.reduce((t, d) => t.split(d).join(' ¦ '), cut);
}

/**
 * The English fragments of `areas` (all areas when omitted) a German page shows, as {@link englishIn}
 * lists them; the `data` strings (see {@link withoutData}) are left out first.
 */
export async function englishOnScreen(page: Page, areas?: readonly string[], data: readonly (string | RegExp)[] = []): Promise<string[]> {
  // The interface's own file kinds (`clicks`, `responses`) are the vendor's names, never translated.
  return englishIn(withoutData(await readableText(page), [...RESPONSE_KIND_NAMES, ...data]), englishFragments(areas));
}

/** {@link overflowingText} as one line per element, for `expect(…).toEqual([])`. */
export async function overflowing(page: Page): Promise<string[]> {
  return (await overflowingText(page)).map((o) => `“${o.text}” is ${o.scrollWidth}px wide in a ${o.clientWidth}px box (${o.path})`);
}

/**
 * Data, not Loopdesk's words: the sandbox clients' field names (the server's field list, shown as
 * they are in the mapping, the preview and the grids), the product file's field names and the
 * sandbox's mailing names.
 */
export function sandboxData(dataDir: string): (string | RegExp)[] {
  const config = JSON.parse(readFileSync(join(dataDir, 'sandbox', 'sandbox.json'), 'utf8')) as {
    clients: { fields: { name: string }[]; mailings: { name: string }[] }[];
  };
  return [
    ...config.clients.flatMap((c) => [...c.fields.map((f) => f.name), ...c.mailings.map((m) => m.name)]),
    ...DEFAULT_PRODUCT_FIELDS.map((f) => f.name),
    // File names with a time stamp: the interface's own (`…_subscribers.csv`, `…_products.csv`) and the
    // ones Loopdesk writes (`empfaenger-rejected-….csv`, `mailing-<id>-report-….xlsx`; see the report).
    /[\w.-]*\d{8}-?\d{6}[\w.-]*\.(csv|xlsx|zip|gz)/,
    // Paths on the server and in the data folder (`/demo/responses/…_mailings.csv`, `/tmp/…`).
    /(?<![\p{L}\p{N}])(?:\/[\w.-]+){2,}\/?/u,
    // The language chooser names each language in itself ("English", "Deutsch").
    'English',
    // The machine kind in parentheses in an activity kind's tooltip ("Hochladen (upload)") is the log's own key.
    /\([a-z][\w.-]*\)/,
    // E-mail addresses (recipients, test recipients).
    /[\w.+-]+@[\w-]+(\.[\w-]+)+/,
  ];
}
