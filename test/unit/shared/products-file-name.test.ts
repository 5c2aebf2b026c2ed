import { describe, expect, it } from 'vitest';
import { productsFileNameFor, productsFileNameProblem } from '../../../shared/contract/products-file-name';
import { ClientConfig } from '../../../shared/contract/profiles';

describe('products file name pattern', () => {
  it('accepts the default and custom names, and builds the name for a stamp', () => {
    for (const ok of ['{stamp}_products.csv', 'catalog-{stamp}.csv', 'Produkte {stamp}.txt', '{stamp}']) expect(productsFileNameProblem(ok), ok).toBeUndefined();
    expect(productsFileNameFor('catalog-{stamp}.csv', '20261205093000')).toBe('catalog-20261205093000.csv');
    // A `$&` in the pattern is text, not a replacement token.
    expect(productsFileNameFor('$&-{stamp}.csv', '20261205093000')).toBe('$&-20261205093000.csv');
    expect(ClientConfig.parse({ name: 'x' }).productsFileName).toBe('{stamp}_products.csv');
  });

  it.each([
    ['', /is empty/],
    ['products.csv', /needs \{stamp\} exactly once \(found 0\)/],
    ['{stamp}_{stamp}.csv', /needs \{stamp\} exactly once \(found 2\)/],
    ['{date}_products.csv', /contains \{date\}; only \{stamp\} can be used/],
    ['out/{stamp}_products.csv', /cannot contain \/ or \\/],
    ['{stamp}_products.csv}', /a \{ or \} that is not part of \{stamp\}/],
    ['{stamp}_subscribers.csv', /cannot be \{stamp\}_subscribers\.csv/],
    ['{stamp}_products.csv.part', /cannot end in \.part or \.tmp/],
    ['{stamp}\t.csv', /control character/],
    [' {stamp}.csv', /starts or ends with a space/],
  ])('refuses %j with a reason', (pattern, reason) => {
    expect(productsFileNameProblem(pattern)).toMatch(reason);
    expect(ClientConfig.safeParse({ name: 'x', productsFileName: pattern }).success).toBe(false);
  });
});
