import { describe, expect, it } from 'vitest';
import { expandExponent, formatCellValue, formatGeneral, formatNumber, isDateFormat } from '../../../main/services/recipients/cell-format';

describe('cell formatting', () => {
  it('never writes numbers in exponent notation', () => {
    expect(formatGeneral(12345678901234)).toBe('12345678901234');
    expect(formatGeneral(123456789012345)).toBe('123456789012345');
    expect(formatGeneral(1e20)).toBe('100000000000000000000');
    expect(formatGeneral(1.5e-7)).toBe('0.00000015');
    expect(formatGeneral(0.1 + 0.2)).toBe('0.3');
    expect(formatGeneral(-42.5)).toBe('-42.5');
    expect(expandExponent('1.23456789012346e+19')).toBe('12345678901234600000');
  });

  it('applies simple number formats', () => {
    expect(formatNumber(3.14159, '0.00')).toBe('3.14');
    expect(formatNumber(1234.5, '#,##0.00')).toBe('1234.50');
    expect(formatNumber(0.256, '0%')).toBe('26%');
    expect(formatNumber(42, '0')).toBe('42');
    expect(formatNumber(31242, 'mm-dd-yy')).toBe('1985-07-14');
    expect(formatNumber(31242.75, 'dd.mm.yyyy hh:mm')).toBe('1985-07-14 18:00:00');
    expect(formatNumber(0.5, 'hh:mm:ss')).toBe('12:00:00');
  });

  it('recognises date formats but not number formats', () => {
    expect(isDateFormat('dd.mm.yyyy')).toBe(true);
    expect(isDateFormat('[$-407]d. mmmm yyyy')).toBe(true);
    expect(isDateFormat('0.00')).toBe(false);
    expect(isDateFormat('#,##0 "Stück"')).toBe(false);
    expect(isDateFormat('General')).toBe(false);
  });

  it('flattens ExcelJS value shapes', () => {
    expect(formatCellValue('00123', undefined)).toBe('00123');
    expect(formatCellValue({ richText: [{ text: 'Mül' }, { text: 'ler' }] }, undefined)).toBe('Müller');
    expect(formatCellValue({ formula: 'A1*2', result: 12345678901234 }, undefined)).toBe('12345678901234');
    expect(formatCellValue({ formula: 'TODAY()', result: 45000 }, 'dd.mm.yyyy')).toBe('2023-03-15');
    expect(formatCellValue({ formula: 'X', result: { error: '#N/A' } }, undefined)).toBe('#N/A');
    expect(formatCellValue(new Date(Date.UTC(2024, 1, 29)), 'mm-dd-yy')).toBe('2024-02-29');
    expect(formatCellValue({ text: 'Link', hyperlink: 'https://example.de' }, undefined)).toBe('Link');
    expect(formatCellValue(true, undefined)).toBe('TRUE');
    expect(formatCellValue(null, undefined)).toBe('');
  });
});
