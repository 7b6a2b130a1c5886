/** Stable codes carried by every `MoneyError`; callers map them, never the message. */
export type MoneyErrorCode =
  | 'INVALID_AMOUNT_FORMAT'
  | 'NEGATIVE_NOT_ALLOWED'
  | 'ZERO_NOT_ALLOWED'
  | 'TOO_MANY_DECIMALS'
  | 'AMOUNT_TOO_LARGE'
  | 'INVALID_SCALE'
  | 'UNSAFE_INTEGER'
  | 'NOT_A_MULTIPLE_OF_STEP';

/** An expected failure of a money conversion, identified by its stable `code`. */
export class MoneyError extends Error {
  readonly code: MoneyErrorCode;

  constructor(code: MoneyErrorCode, message: string) {
    super(message);
    this.name = 'MoneyError';
    this.code = code;
  }
}

const QUOTED_CHARS_MAX = 40;

/** Quotes untrusted input for an error message, shortened so a huge input cannot bloat logs. */
export function quoteInput(text: string): string {
  const shown = text.length > QUOTED_CHARS_MAX ? `${text.slice(0, QUOTED_CHARS_MAX)}…` : text;
  return JSON.stringify(shown);
}
