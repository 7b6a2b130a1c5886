import { describe, expect, it } from 'vitest';
import { groupingSteps, groupLevels } from './book-grouping';

describe('order book grouping', () => {
  it('offers the tick and 10 to 100,000 ticks', () => {
    expect(groupingSteps('0.01')).toEqual(['0.01', '0.1', '1', '10', '100', '1000']);
    expect(groupingSteps('5')).toEqual(['5', '50', '500', '5000', '50000', '500000']);
  });

  it('rounds bids down and asks up, summing exactly', () => {
    const bids: [string, string][] = [
      ['49999.99', '0.1000'],
      ['49990.00', '0.2000'],
      ['49989.99', '0.0500'],
    ];
    expect(groupLevels(bids, '10', 'bid', 10)).toEqual([
      ['49990', '0.3000'],
      ['49980', '0.0500'],
    ]);
    const asks: [string, string][] = [
      ['50000.01', '0.1'],
      ['50009.99', '0.2'],
      ['50010.00', '0.3'],
    ];
    expect(groupLevels(asks, '10', 'ask', 10)).toEqual([['50010', '0.6']]);
    expect(groupLevels(asks, '0.1', 'ask', 10)).toEqual([
      ['50000.1', '0.1'],
      ['50010.0', '0.5'],
    ]);
  });

  it('keeps the tick as it is and stops at the limit', () => {
    const levels: [string, string][] = [
      ['3.00', '1'],
      ['2.00', '1'],
      ['1.00', '1'],
    ];
    expect(groupLevels(levels, '0.01', 'bid', 2)).toEqual([
      ['3.00', '1'],
      ['2.00', '1'],
    ]);
  });
});
