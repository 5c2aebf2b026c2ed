import type { FilterModel, SimpleFilterModel } from '../../../../shared/contract/responses';
import type { MessageId } from '../../../../shared/i18n/messages';
import { VALUE_TEXT } from '../../../../shared/i18n/value-words';

export { VALUE_TEXT };

type TextCondition = Extract<SimpleFilterModel, { filterType: 'text' }>;

/** Whether a shown word passes one of AG Grid's text conditions (case-insensitive, as AG Grid and the database compare). */
function passes(word: string, condition: TextCondition, locale: string): boolean {
  const shown = word.toLocaleLowerCase(locale);
  const typed = (condition.filter ?? '').toLocaleLowerCase(locale);
  switch (condition.type) {
    case 'equals':
      return shown === typed;
    case 'notEqual':
      return shown !== typed;
    case 'contains':
      return shown.includes(typed);
    case 'notContains':
      return !shown.includes(typed);
    case 'startsWith':
      return shown.startsWith(typed);
    case 'endsWith':
      return shown.endsWith(typed);
    default:
      // blank / notBlank: a computed word is never blank.
      return condition.type === 'notBlank';
  }
}

/**
 * The grid's filter model as the service reads it. The operator filters a column of computed
 * words in the words shown ("Klick", "Öffnung"); the database holds the stored ones ("click",
 * "open"). Each text filter on such a column becomes a set filter of the stored values whose
 * shown word passes it (two conditions joined by AND/OR as AG Grid joins them); every other
 * filter goes through as it is.
 */
export function filterOnStoredValues(model: FilterModel, shown: (id: MessageId) => string, locale: string): FilterModel {
  const out: FilterModel = {};
  for (const [colId, filter] of Object.entries(model)) {
    const words = VALUE_TEXT[colId];
    const conditions = 'conditions' in filter ? filter.conditions : [filter];
    if (!words || filter.filterType !== 'text' || conditions.some((c) => c.filterType !== 'text')) {
      out[colId] = filter;
      continue;
    }
    const and = 'operator' in filter && filter.operator === 'AND';
    const values = Object.entries(words)
      .filter(([, id]) => {
        const results = conditions.map((c) => passes(shown(id), c as TextCondition, locale));
        return and ? results.every(Boolean) : results.some(Boolean);
      })
      .map(([stored]) => stored);
    out[colId] = { filterType: 'set', values };
  }
  return out;
}
