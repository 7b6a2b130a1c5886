// Binance stream names (web-socket-streams.md): symbols in lower case, one name per stream.
import { type CandleInterval, isCandleInterval } from '@tradeloom/projection';

export type StreamName =
  | { kind: 'diffDepth'; symbol: string; fast: boolean }
  | { kind: 'partialDepth'; symbol: string; levels: 5 | 10 | 20; fast: boolean }
  | { kind: 'trade'; symbol: string }
  | { kind: 'aggTrade'; symbol: string }
  | { kind: 'kline'; symbol: string; interval: CandleInterval }
  | { kind: 'ticker'; symbol: string }
  | { kind: 'miniTicker'; symbol: string }
  | { kind: 'bookTicker'; symbol: string }
  | { kind: 'allTickers' }
  | { kind: 'allMiniTickers' }
  | { kind: 'allBookTickers' };

const SYMBOL_STREAM = /^([a-z0-9_.-]{1,40})@([a-zA-Z0-9_@]+)$/;

/** The stream a name denotes, or null for a name no stream has (such names are accepted and stay silent). */
export function parseStreamName(name: string): StreamName | null {
  if (name === '!ticker@arr') return { kind: 'allTickers' };
  if (name === '!miniTicker@arr') return { kind: 'allMiniTickers' };
  if (name === '!bookTicker') return { kind: 'allBookTickers' };
  const match = SYMBOL_STREAM.exec(name);
  if (match === null) return null;
  const symbol = match[1]!;
  const rest = match[2]!;
  switch (rest) {
    case 'depth':
    case 'depth@1000ms':
      return { kind: 'diffDepth', symbol, fast: false };
    case 'depth@100ms':
      return { kind: 'diffDepth', symbol, fast: true };
    case 'trade':
      return { kind: 'trade', symbol };
    case 'aggTrade':
      return { kind: 'aggTrade', symbol };
    case 'ticker':
    case '24hrTicker':
      return { kind: 'ticker', symbol };
    case 'miniTicker':
      return { kind: 'miniTicker', symbol };
    case 'bookTicker':
      return { kind: 'bookTicker', symbol };
  }
  const partial = /^depth(5|10|20)(@100ms|@1000ms)?$/.exec(rest);
  if (partial !== null) {
    return {
      kind: 'partialDepth',
      symbol,
      levels: Number(partial[1]) as 5 | 10 | 20,
      fast: partial[2] === '@100ms',
    };
  }
  if (rest.startsWith('kline_')) {
    const interval = rest.slice('kline_'.length);
    if (isCandleInterval(interval)) return { kind: 'kline', symbol, interval };
  }
  return null;
}

/** A stream name as clients may send it: printable, no spaces, bounded. */
export function isAcceptableStreamName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= 200 && /^[\x21-\x7e]+$/.test(name);
}
