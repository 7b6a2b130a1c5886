// Proves which incoming x-request-id values are adopted (the HTTP behaviour is in http-pipeline.test.ts).
import { describe, expect, it } from 'vitest';
import { isValidRequestId } from './request-id.js';

describe('isValidRequestId', () => {
  it.each(['a', 'abc-DEF_123.4', 'x'.repeat(64)])('accepts %s', (id) => {
    expect(isValidRequestId(id)).toBe(true);
  });
  it.each(['', 'x'.repeat(65), 'has space', 'semi;colon', 'new\nline', 'ünï', '<script>'])(
    'rejects %j',
    (id) => {
      expect(isValidRequestId(id)).toBe(false);
    },
  );
});
