// Proves the purge removes spent tokens after a week and ended sessions after 30 days, and leaves
// live sessions and recent history alone.
import { bothModes } from '@tradeloom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityHarness, startIdentityHarness } from './test-harness.js';

const password = 'correct horse battery staple';
const day = 24 * 3_600_000;

describe.each(bothModes)('purgeExpired on %s', (mode) => {
  let h: IdentityHarness;
  beforeAll(async () => {
    h = await startIdentityHarness(mode);
  });
  afterAll(() => h.stop());

  it('deletes what has stopped mattering, and only that', async () => {
    await h.identity.createUser({ email: 'purge@example.com', password });
    const old = h.browser();
    await old.json('POST', '/api/v1/auth/login', { email: 'purge@example.com', password });
    await old.json('POST', '/api/v1/auth/logout');
    await h.browser().json('POST', '/api/v1/auth/password-reset/request', { email: 'purge@example.com' });
    expect(await h.identity.purgeExpired()).toEqual({ tokens: 0, sessions: 0, loginEvents: 0 });
    h.clock.advance(8 * day);
    expect(await h.identity.purgeExpired()).toEqual({ tokens: 1, sessions: 0, loginEvents: 0 });
    h.clock.advance(23 * day);
    const live = h.browser();
    await live.json('POST', '/api/v1/auth/login', { email: 'purge@example.com', password });
    expect(await h.identity.purgeExpired()).toEqual({ tokens: 0, sessions: 1, loginEvents: 0 });
    expect((await live.json('GET', '/api/v1/auth/session')).status).toBe(200);
    expect(
      (await live.json<{ events: unknown[] }>('GET', '/api/v1/account/login-history')).body.events,
    ).toHaveLength(2);
  });
});
