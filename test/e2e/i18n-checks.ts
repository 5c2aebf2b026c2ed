import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

/** English sentences of the screen's areas that differ in German: none of them may show on the German screen. */
function englishOnly(areas: readonly string[]): string[] {
  return areas.flatMap((area) => {
  const file = (lang: string): Record<string, string> => JSON.parse(readFileSync(fileURLToPath(new URL(`../../shared/i18n/catalog/${lang}/${area}.json`, import.meta.url)), 'utf8'));
  const [en, de] = [file('en'), file('de')];
  return Object.entries(en)
    // Two words or more: single words like "responses" are also directory names (data).
    .filter(([key, text]) => !/[{<]/.test(text) && /\S \S/.test(text) && de[key] !== text)
    .map(([, text]) => text);
  });
}

/** The English texts of the catalog `areas` visible in the main area (none expected in German). */
export async function englishOnScreen(page: Page, areas: readonly string[]): Promise<string[]> {
  const text = await page.locator('main').innerText();
  return englishOnly(areas).filter((en) => text.includes(en));
}

/**
 * Elements in the main area whose own text is clipped (wider than their box while they hide
 * overflow), or whose box sticks out of the main area (an input pushed wider by a long label).
 * Typed values that scroll inside their input are data, not clipped text.
 */
export async function overflowing(page: Page): Promise<string[]> {
  return page.locator('main').evaluate((main) => {
    const right = main.getBoundingClientRect().right + 1;
    return [...main.querySelectorAll('button, label, legend, h1, h2, h3, h4, th, dt, dd, summary, input, select, textarea, .badge')]
      .filter((el) => {
        const box = el.getBoundingClientRect();
        if (box.width === 0) return false;
        if (box.right > right) return true;
        const field = el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement;
        return !field && getComputedStyle(el).overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1;
      })
      .map((el) => `${el.tagName.toLowerCase()}: ${(el.textContent || (el as HTMLInputElement).value || '').trim().slice(0, 60)}`);
  });
}

