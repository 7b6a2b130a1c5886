// Proves the canonical JSON is RFC 8785's (key order by UTF-16 code units, ECMAScript numbers) and that
// toJsonValue yields values that survive a JSON round trip with the same canonical text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, isStorableText, type JsonValue, toJsonValue } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    const value = JSON.parse('{ "b": 1, "a": { "d": [1, { "z": 1, "y": 2 }], "c": "x" } }') as JsonValue;
    expect(canonicalJson(value)).toBe('{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('orders keys by UTF-16 code units as RFC 8785 section 3.2.3 does', () => {
    const value: JsonValue = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'];
    const expected = `{${order.map((key) => `${JSON.stringify(key)}:${JSON.stringify(value[key])}`).join(',')}}`;
    expect(canonicalJson(value)).toBe(expected);
  });

  it('writes numbers as ECMAScript does (RFC 8785 appendix B samples)', () => {
    expect(canonicalJson([1e21, 1e-7, 0.000001, -0, 333333333.3333333, 4.5, 2 ** 53])).toBe(
      '[1e+21,1e-7,0.000001,0,333333333.3333333,4.5,9007199254740992]',
    );
    expect(() => canonicalJson(Number.NaN)).toThrow('not a JSON number');
  });

  it('keeps non-ASCII text as characters, escaping only what JSON requires', () => {
    expect(canonicalJson({ name: 'Zoë 😀 \u2028 "q" \\ \n' })).toBe(
      '{"name":"Zoë 😀 \u2028 \\"q\\" \\\\ \\n"}',
    );
  });
});

describe('toJsonValue', () => {
  it('keeps what JSON.stringify keeps, with bigints as decimal strings', () => {
    const at = new Date('2024-05-01T12:00:00.123Z');
    expect(toJsonValue({ a: 1n, b: undefined, c: [undefined, at], d: null })).toEqual({
      a: '1',
      c: [null, '2024-05-01T12:00:00.123Z'],
      d: null,
    });
    expect(toJsonValue(undefined)).toBeUndefined();
    expect(toJsonValue(() => 1)).toBeUndefined();
  });

  it('replaces NUL and lone surrogates (which jsonb refuses) in keys and values, keeps pairs', () => {
    const value = toJsonValue({ 'k\u0000': 'a\ud800b', ok: '😀', tail: 'x\udc00' });
    expect(value).toEqual({ 'k\ufffd': 'a\ufffdb', ok: '😀', tail: 'x\ufffd' });
    expect(isStorableText('😀')).toBe(true);
    expect(isStorableText('\ud83d')).toBe(false);
    expect(isStorableText('a\u0000')).toBe(false);
  });

  it('keeps a "__proto__" key as a key', () => {
    const value = toJsonValue(JSON.parse('{"__proto__": {"x": 1}}'));
    expect(canonicalJson(value as JsonValue)).toBe('{"__proto__":{"x":1}}');
  });

  it('gives values whose canonical text survives a JSON round trip (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (raw, text) => {
        const value = toJsonValue({ raw, text }) as JsonValue;
        const reparsed = JSON.parse(JSON.stringify(value)) as JsonValue;
        expect(canonicalJson(reparsed)).toBe(canonicalJson(value));
      }),
      { numRuns: 200 },
    );
  });
});
