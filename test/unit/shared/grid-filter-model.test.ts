import { describe, expect, it } from 'vitest';
import { contracts } from '../../../shared/contract';
import { FilterModel } from '../../../shared/contract/responses';

const query = (filterModel: unknown) => contracts.responses.methods.query.input.safeParse({ view: 'clicks', startRow: 0, endRow: 100, filterModel });

describe('the grid filter model in the contract', () => {
  it('takes the filters AG Grid sends: text, number, date, blank, set and combined conditions', () => {
    const model = {
      click_device: { filterType: 'text', operator: 'OR', conditions: [{ filterType: 'text', type: 'equals', filter: 'Tablet' }, { filterType: 'text', type: 'contains', filter: 'obi' }] },
      user_id: { filterType: 'text', type: 'notBlank' },
      mailing_id: { filterType: 'number', type: 'inRange', filter: 1, filterTo: '51106527230' },
      clicks: { filterType: 'number', type: 'greaterThanOrEqual', filter: 3, filterTo: null },
      created: { filterType: 'date', type: 'equals', dateFrom: '2021-01-01 00:00:00', dateTo: null },
      // Stored values (the grid turns a filter on shown words into these; see value-words.ts).
      click_browser: { filterType: 'set', values: ['Firefox', 'Safari'] },
    };
    expect(FilterModel.parse(model)).toEqual(model);
    expect(query(model).success).toBe(true);
  });

  it('refuses what the grid query could not compile, before it reaches a service', () => {
    for (const bad of [
      { user_id: { filterType: 'set', values: [1] } },
      { user_id: { filterType: 'set', values: 'a' } },
      { user_id: { filterType: 'text', type: 'regex', filter: '.*' } },
      { user_id: { filterType: 'text', type: 'equals', filter: { $ne: 1 } } },
      { user_id: { filterType: 'text', operator: 'XOR', conditions: [] } },
      { created: { filterType: 'date', type: 'equals', dateFrom: 20210101 } },
      { user_id: 'x' },
    ]) {
      expect(query(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
