import { describe, expect, it } from 'vitest';
import {
  addDec,
  compareDec,
  decToText,
  isMultipleOf,
  mulDec,
  normalizeDecimalInput,
  parseDec,
  rateToPercent,
  ratioForDisplay,
} from './decimal';
import { direction, formatDecimal, formatPercent, stepDecimals, tradedPrice } from './format';

const d = (text: string) => {
  const value = parseDec(text);
  if (value === null) throw new Error(text);
  return value;
};

describe('decimals', () => {
  it('normalises what users type', () => {
    expect(normalizeDecimalInput(' 0,5 ')).toBe('0.5');
    expect(normalizeDecimalInput('.25')).toBe('0.25');
    expect(normalizeDecimalInput('12.')).toBe('12');
    expect(normalizeDecimalInput('1e5')).toBeNull();
    expect(normalizeDecimalInput('-1')).toBeNull();
    expect(normalizeDecimalInput('1.2.3')).toBeNull();
  });

  it('compares, multiplies and checks steps exactly', () => {
    expect(compareDec(d('0.1'), d('0.10'))).toBe(0);
    expect(compareDec(d('50000.01'), d('50000'))).toBe(1);
    expect(compareDec(mulDec(d('0.1'), d('0.2')), d('0.02'))).toBe(0);
    expect(isMultipleOf(d('50000.01'), d('0.01'))).toBe(true);
    expect(isMultipleOf(d('50000.015'), d('0.01'))).toBe(false);
    expect(isMultipleOf(d('0.3'), d('0.1'))).toBe(true);
    expect(isMultipleOf(d('1'), d('0'))).toBe(false);
  });
});

describe('formatting', () => {
  it('groups and separates per locale without touching digits', () => {
    expect(formatDecimal('1234567.891', 'en')).toBe('1,234,567.891');
    expect(formatDecimal('1234567.891', 'de')).toBe('1.234.567,891');
    expect(formatDecimal('-1000', 'en')).toBe('-1,000');
    expect(formatDecimal('0.123456789', 'en', 4)).toBe('0.1234');
    expect(formatDecimal('5', 'en', 2)).toBe('5.00');
    expect(formatDecimal('n/a', 'en')).toBe('n/a');
  });

  it('shows signed percentages and step decimals', () => {
    expect(formatPercent('2.5', 'en')).toBe('+2.50 %');
    expect(formatPercent('-0.123', 'de')).toBe('−0,12 %');
    expect(formatPercent('0', 'en')).toBe('0.00 %');
    expect(stepDecimals('0.0100')).toBe(2);
    expect(stepDecimals('1')).toBe(0);
  });
});

describe('sums, text and display ratios', () => {
  it('adds exactly and prints with the scale kept', () => {
    expect(decToText(addDec(d('0.1'), d('0.2')))).toBe('0.3');
    expect(decToText(d('0.0200'))).toBe('0.0200');
    expect(decToText(mulDec(d('50000.00'), d('0.5000')))).toBe('25000.000000');
    expect(decToText({ units: 5n, scale: 3 })).toBe('0.005');
  });

  it('turns rates into percentages and ratios into bar widths', () => {
    expect(rateToPercent('0.001')).toBe('0.1');
    expect(rateToPercent('0.0025')).toBe('0.25');
    expect(rateToPercent('1')).toBe('100');
    expect(rateToPercent('0')).toBe('0');
    expect(ratioForDisplay(d('1'), d('4'))).toBe(0.25);
    expect(ratioForDisplay(d('1'), d('0'))).toBe(0);
  });
});

describe('direction', () => {
  it('tells up, down and no change apart', () => {
    expect(direction('2.5')).toBe('up');
    expect(direction('-0.01')).toBe('down');
    expect(direction('0.00')).toBe('flat');
  });
});

describe('tradedPrice', () => {
  it('hides the zero price of a market without trades', () => {
    expect(tradedPrice('0')).toBeUndefined();
    expect(tradedPrice('0.00')).toBeUndefined();
    expect(tradedPrice(undefined)).toBeUndefined();
    expect(tradedPrice('50000.00')).toBe('50000.00');
  });
});
