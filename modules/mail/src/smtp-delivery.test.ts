// Proves what is kept of a delivery error: code and message on one bounded line with the SMTP
// password and the mail's secrets cut out; and which server refusals are final.
import { describe, expect, it } from 'vitest';
import { describeDeliveryError, isPermanentFailure, smtpUrlSecrets } from './smtp-delivery.js';

function smtpError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe('describeDeliveryError', () => {
  it('keeps the code and message, without the secrets the server echoed', () => {
    const error = smtpError(
      'Message failed: 451 rejected https://ex.example/verify?token=s3cr3t-token for user:hunter2',
      { code: 'EMESSAGE' },
    );
    const text = describeDeliveryError(error, ['https://ex.example/verify?token=s3cr3t-token', 'hunter2']);
    expect(text).toBe('EMESSAGE: Message failed: 451 rejected [redacted] for user:[redacted]');
  });

  it('cuts a secret that contains another one out whole', () => {
    expect(describeDeliveryError(new Error('x abcdef y'), ['abcd', 'abcdef'])).toBe('x [redacted] y');
  });

  it('is one line of at most 500 characters', () => {
    const text = describeDeliveryError(new Error(`a\r\nb${'c'.repeat(1000)}`), []);
    expect(text).not.toMatch(/[\r\n]/);
    expect(text.length).toBe(500);
    expect(text.startsWith('a b')).toBe(true);
  });

  it('describes non-Error values', () => {
    expect(describeDeliveryError('boom', [])).toBe('boom');
  });
});

describe('smtpUrlSecrets', () => {
  it('lists the password raw and decoded, and the user-info', () => {
    expect(smtpUrlSecrets('smtp://mailer:p%40ss@smtp.example:587').sort()).toEqual(
      ['mailer:p%40ss', 'p%40ss', 'p@ss'].sort(),
    );
    expect(smtpUrlSecrets('smtp://smtp.example:25')).toEqual([]);
  });
});

describe('isPermanentFailure', () => {
  it('is true for a 5xx refusal of the recipient or the message', () => {
    expect(
      isPermanentFailure(smtpError('x', { code: 'EENVELOPE', permanent: true, responseCode: 550 })),
    ).toBe(true);
    expect(isPermanentFailure(smtpError('x', { code: 'EMESSAGE', permanent: true, responseCode: 554 }))).toBe(
      true,
    );
  });

  it('is false for temporary refusals, failed logins and connection errors', () => {
    expect(
      isPermanentFailure(smtpError('x', { code: 'EMESSAGE', permanent: false, responseCode: 451 })),
    ).toBe(false);
    expect(isPermanentFailure(smtpError('x', { code: 'EAUTH', permanent: true, responseCode: 535 }))).toBe(
      false,
    );
    expect(isPermanentFailure(smtpError('x', { code: 'ESOCKET' }))).toBe(false);
    expect(isPermanentFailure(new Error('x'))).toBe(false);
  });
});
