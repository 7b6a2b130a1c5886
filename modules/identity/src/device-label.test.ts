// Proves device labels name the browser and system of common User-Agents, Edge and Chrome apart.
import { describe, expect, it } from 'vitest';
import { deviceLabelOf } from './device-label.js';

describe('deviceLabelOf', () => {
  it.each([
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
      'Edge on Windows',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      'Chrome on macOS',
    ],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', 'Firefox on Linux'],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
      'Safari on iOS',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
      'Chrome on Android',
    ],
    ['curl/8.5.0', 'curl on unknown system'],
  ])('%s', (userAgent, label) => {
    expect(deviceLabelOf(userAgent)).toBe(label);
  });

  it('labels a missing User-Agent', () => {
    expect(deviceLabelOf(undefined)).toBe('Unknown device');
    expect(deviceLabelOf('  ')).toBe('Unknown device');
  });
});
