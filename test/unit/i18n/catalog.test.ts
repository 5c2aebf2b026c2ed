import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { CATALOG_FILES } from '../../../shared/i18n/messages';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const AREAS = Object.keys(CATALOG_FILES.en);

/** The key prefix of an area file: `new-send` → `newSend.`, `error-sends` → `error.sends.`, `error` → `error.code.`. */
function prefixOf(area: string): string {
  if (area === 'error') return 'error.code.';
  if (area.startsWith('error-')) return `error.${area.slice('error-'.length)}.`;
  return `${area.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())}.`;
}

/** Placeholder names and kinds of an ICU message (`count:plural`, `name:argument`, `b:tag`), sorted. */
function placeholders(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (el.type === TYPE.argument) into.add(`${el.value}:argument`);
    else if (el.type === TYPE.number || el.type === TYPE.date || el.type === TYPE.time) into.add(`${el.value}:${TYPE[el.type]}`);
    else if (el.type === TYPE.plural || el.type === TYPE.select) {
      into.add(`${el.value}:${TYPE[el.type]}`);
      for (const option of Object.values(el.options)) placeholders(option.value, into);
    } else if (el.type === TYPE.tag) {
      into.add(`${el.value}:tag`);
      placeholders(el.children, into);
    }
  }
  return into;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'catalog') continue;
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.(ts|tsx|mts|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

describe('message catalog', () => {
  it('has the same keys in English and German, each under its area prefix', () => {
    const problems: string[] = [];
    expect(Object.keys(CATALOG_FILES.de).sort()).toEqual(AREAS.slice().sort());
    for (const area of AREAS) {
      const en = Object.keys(CATALOG_FILES.en[area]);
      const de = new Set(Object.keys(CATALOG_FILES.de[area]));
      for (const key of en) if (!de.has(key)) problems.push(`de/${area}.json lacks ${key}`);
      for (const key of de) if (!en.includes(key)) problems.push(`de/${area}.json has ${key}, which en/${area}.json lacks`);
      for (const key of en) if (!key.startsWith(prefixOf(area))) problems.push(`en/${area}.json: ${key} must start with ${prefixOf(area)}`);
    }
    expect(problems).toEqual([]);
  });

  it('has no key twice across areas', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const area of AREAS) {
      for (const key of Object.keys(CATALOG_FILES.en[area])) {
        if (seen.has(key)) twice.push(`${key} in ${seen.get(key)} and ${area}`);
        seen.set(key, area);
      }
    }
    expect(twice).toEqual([]);
  });

  it('holds valid ICU messages with the same placeholders in both languages', () => {
    const problems: string[] = [];
    for (const area of AREAS) {
      for (const [key, en] of Object.entries(CATALOG_FILES.en[area])) {
        const de = CATALOG_FILES.de[area][key];
        if (de === undefined) continue;
        try {
          const a = [...placeholders(parse(en))].sort();
          const b = [...placeholders(parse(de))].sort();
          if (a.join() !== b.join()) problems.push(`${key}: English has {${a.join(', ')}}, German {${b.join(', ')}}`);
        } catch (e) {
          problems.push(`${key}: not a valid ICU message (${(e as Error).message})`);
        }
        if (typeof de === 'string' && de.trim() === '' && en.trim() !== '') problems.push(`${key}: German is empty`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has no unused key: each appears as a string literal in the code', () => {
    const code = ['main', 'renderer/src', 'shared']
      .flatMap((dir) => sourceFiles(join(ROOT, dir)))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const unused: string[] = [];
    for (const area of AREAS) {
      for (const key of Object.keys(CATALOG_FILES.en[area])) {
        if (!code.includes(`'${key}'`) && !code.includes(`"${key}"`) && !code.includes(`\`${key}\``)) unused.push(`${key} (${area})`);
      }
    }
    expect(unused, `unused keys; a key built at run time must come from a literal map (see shared/i18n/error-text.ts) — ${relative(ROOT, join(ROOT, 'shared/i18n'))}`).toEqual([]);
  });
});
