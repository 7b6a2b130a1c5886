// Request parameters read the way Binance's spot API reads them: from the query string and an
// application/x-www-form-urlencoded body (the query string wins when a name is in both), every value
// a string checked against Binance's legal ranges, each refusal with Binance's error code.
import type { FastifyRequest } from 'fastify';
import { BinanceError, mandatory, msg } from './binance-error.js';

const SYMBOL = /^[A-Z0-9\-_.]{1,32}$/;
const SYMBOL_LEGAL = '^[A-Z0-9-_.]{1,32}$';
const LONG = /^-?[0-9]{1,20}$/;
const LONG_LEGAL = '^-?[0-9]{1,20}$';
const DECIMAL = /^([0-9]{1,20})(\.[0-9]{1,20})?$/;
const DECIMAL_LEGAL = '^([0-9]{1,20})(\\.[0-9]{1,20})?$';
const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const CLIENT_ID_LEGAL = '^[\\.A-Z\\:/a-z0-9_-]{1,36}$';
const SYMBOLS = /^\[("[A-Z0-9\-_.]{1,32}"(,"[A-Z0-9\-_.]{1,32}")*)?\]$/;

function parsePart(text: string, into: Map<string, string>, skip: ReadonlySet<string>): void {
  const seen = new Set<string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (seen.has(name)) throw new BinanceError(-1101, 'Duplicate values for a parameter detected.');
    seen.add(name);
    if (!skip.has(name)) into.set(name, value);
  }
}

/** The parameters of one request, with Binance's checks for each kind of value. */
export class Params {
  private constructor(private readonly values: ReadonlyMap<string, string>) {}

  static of(request: FastifyRequest): Params {
    const values = new Map<string, string>();
    const at = request.url.indexOf('?');
    const query = at < 0 ? '' : request.url.slice(at + 1);
    parsePart(query, values, new Set());
    const contentType = String(request.headers['content-type'] ?? '');
    if (request.rawBody !== null && /^application\/x-www-form-urlencoded/i.test(contentType)) {
      parsePart(request.rawBody, values, new Set(values.keys()));
    } else if (typeof request.body === 'object' && request.body !== null && !Array.isArray(request.body)) {
      for (const [name, value] of Object.entries(request.body as Record<string, unknown>)) {
        if (!values.has(name) && value !== null && value !== undefined) values.set(name, String(value));
      }
    }
    return new Params(values);
  }

  /** The value, or undefined when it was not sent or sent empty. */
  raw(name: string): string | undefined {
    const value = this.values.get(name);
    return value === undefined || value === '' ? undefined : value;
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  /** Throws -1106 when any of `names` was sent. */
  refuse(...names: string[]): void {
    for (const name of names) {
      if (this.has(name)) throw new BinanceError(-1106, msg.notRequired(name));
    }
  }

  symbol(): string;
  symbol(optional: 'optional'): string | undefined;
  symbol(optional?: 'optional'): string | undefined {
    return this.matching('symbol', SYMBOL, SYMBOL_LEGAL, optional === undefined);
  }

  /** `symbols=["BTCUSDT","ETHUSDT"]` (JSON array), or undefined when not sent. */
  symbols(): string[] | undefined {
    const text = this.raw('symbols');
    if (text === undefined) return undefined;
    if (!SYMBOLS.test(text)) throw new BinanceError(-1100, msg.illegal('symbols', SYMBOLS.source));
    const list = JSON.parse(text) as string[];
    if (list.length === 0) throw new BinanceError(-1102, msg.mandatory('symbols'));
    if (new Set(list).size !== list.length)
      throw new BinanceError(-1151, 'Symbol is present multiple times in the list.');
    return list;
  }

  clientId(name: string): string | undefined {
    return this.matching(name, CLIENT_ID, CLIENT_ID_LEGAL, false);
  }

  string(name: string, required = false): string | undefined {
    const value = this.raw(name);
    if (value === undefined && required) throw mandatory(name);
    return value;
  }

  /** An integer parameter; `range` bounds it (-1100 outside, as Binance reports a bad LONG). */
  long(name: string, required: true, range?: { min?: number; max?: number }): number;
  long(name: string, required?: false, range?: { min?: number; max?: number }): number | undefined;
  long(name: string, required = false, range: { min?: number; max?: number } = {}): number | undefined {
    const text = this.matching(name, LONG, LONG_LEGAL, required);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw new BinanceError(-1100, msg.illegal(name, LONG_LEGAL));
    if ((range.min !== undefined && value < range.min) || (range.max !== undefined && value > range.max)) {
      throw new BinanceError(-1130, `Invalid data sent for a parameter: '${name}'.`);
    }
    return value;
  }

  /** A `limit`: Binance clamps values above the maximum and refuses values below 1. */
  limit(defaultValue: number, max: number): number {
    const value = this.long('limit', false, { min: 1 });
    return value === undefined ? defaultValue : Math.min(value, max);
  }

  decimal(name: string, required = false): string | undefined {
    return this.matching(name, DECIMAL, DECIMAL_LEGAL, required);
  }

  /** One of `values`; anything else raises `invalid` (Binance's code for that enum). */
  oneOf<T extends string>(
    name: string,
    values: readonly T[],
    invalid: BinanceError,
    required = false,
  ): T | undefined {
    const value = this.raw(name);
    if (value === undefined) {
      if (required) throw mandatory(name);
      return undefined;
    }
    if (!(values as readonly string[]).includes(value)) throw invalid;
    return value as T;
  }

  bool(name: string): boolean | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (value !== 'true' && value !== 'false')
      throw new BinanceError(-1100, msg.illegal(name, '^(true|false)$'));
    return value === 'true';
  }

  private matching(name: string, pattern: RegExp, legal: string, required: boolean): string | undefined {
    const value = this.raw(name);
    if (value === undefined) {
      if (required) throw mandatory(name);
      return undefined;
    }
    if (!pattern.test(value)) throw new BinanceError(-1100, msg.illegal(name, legal));
    return value;
  }
}
