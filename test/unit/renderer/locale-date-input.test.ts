import { describe, expect, it } from 'vitest';
import { parseLocalDay } from '../../../renderer/src/features/responses/locale-date-input';

describe('the grids’ date box', () => {
  it('reads a day as German and British readers write it, and the ISO form', () => {
    for (const text of ['05.12.2026', '05/12/2026', '5.12.2026', ' 05-12-2026 ', '2026-12-05']) {
      const day = parseLocalDay(text);
      expect(day && [day.getFullYear(), day.getMonth() + 1, day.getDate()], text).toEqual([2026, 12, 5]);
    }
  });

  it('refuses what is not a real day, so no half-typed date filters the grid', () => {
    for (const text of ['', '05.12', '31.02.2026', '12/31/2026', '2026-13-01', 'gestern']) expect(parseLocalDay(text), text).toBeNull();
  });
});
