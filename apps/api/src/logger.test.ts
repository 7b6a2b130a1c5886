// Proves sensitive query parameters are masked in logged URLs (redaction over HTTP: http-pipeline.test.ts).
import { describe, expect, it } from 'vitest';
import { maskUrl } from './logger.js';

describe('maskUrl', () => {
  it('masks sensitive query values and leaves the rest', () => {
    expect(maskUrl('/a?symbol=BTCUSDT&token=t1&apiKey=k&signature=s')).toBe(
      '/a?symbol=BTCUSDT&token=%5BREDACTED%5D&apiKey=%5BREDACTED%5D&signature=%5BREDACTED%5D',
    );
    expect(maskUrl('/a?symbol=BTCUSDT')).toBe('/a?symbol=BTCUSDT');
    expect(maskUrl('/a')).toBe('/a');
  });
});
