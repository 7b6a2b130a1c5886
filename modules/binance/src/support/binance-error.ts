// Errors as Binance's spot API answers them: `{ "code": -1102, "msg": "..." }` with its HTTP status.

/** A refusal in Binance's terms; the /api/v3 error handler answers it as is. */
export class BinanceError extends Error {
  constructor(
    readonly code: number,
    readonly msg: string,
    readonly status = 400,
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(msg);
    this.name = 'BinanceError';
  }

  toBody(): { code: number; msg: string } {
    return { code: this.code, msg: this.msg };
  }
}

/** Binance's message texts, by code (errors.md), for the errors raised in more than one place. */
export const msg = {
  mandatory: (name: string) => `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`,
  eitherMandatory: (a: string, b: string) => `Param '${a}' or '${b}' must be sent, but both were empty/null!`,
  notRequired: (name: string) => `Parameter '${name}' sent when not required.`,
  illegal: (name: string, legal: string) =>
    `Illegal characters found in parameter '${name}'; legal range is '${legal}'.`,
  invalidSymbol: 'Invalid symbol.',
  precision: 'Precision is over the maximum defined for this asset.',
  filter: (filter: string) => `Filter failure: ${filter}`,
  insufficient: 'Account has insufficient balance for requested action.',
  unknownOrder: 'Unknown order sent.',
  noSuchOrder: 'Order does not exist.',
  keyFormat: 'API-key format invalid.',
  keyRejected: 'Invalid API-key, IP, or permissions for action.',
} as const;

export const mandatory = (name: string) => new BinanceError(-1102, msg.mandatory(name));
export const notRequired = (name: string) => new BinanceError(-1106, msg.notRequired(name));
export const invalidSymbol = () => new BinanceError(-1121, msg.invalidSymbol);
