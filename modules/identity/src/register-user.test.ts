// Proves registration over real HTTP: the password rules answer IDENTITY_WEAK_PASSWORD with reasons,
// a taken email answers exactly like a new one (its owner is mailed instead), the verification link
// from the real mail verifies once, expires, and can be re-sent; nobody is signed in by registering.
import { bothModes } from '@tradeloom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityHarness, startIdentityHarness } from './test-harness.js';

describe.each(bothModes)('registration on %s', (mode) => {
  let h: IdentityHarness;
  beforeAll(async () => {
    h = await startIdentityHarness(mode);
  });
  afterAll(() => h.stop());

  it('refuses weak passwords with every reason', async () => {
    const browser = h.browser();
    const short = await browser.json('POST', '/api/v1/auth/register', {
      email: 'weak@example.com',
      password: 'glowingfig',
    });
    expect(short.status).toBe(400);
    expect(short.body).toMatchObject({ code: 'IDENTITY_WEAK_PASSWORD', details: { reasons: ['too_short'] } });
    const common = await browser.json('POST', '/api/v1/auth/register', {
      email: 'weak@example.com',
      password: 'Password2024!',
    });
    expect(common.body).toMatchObject({ code: 'IDENTITY_WEAK_PASSWORD', details: { reasons: ['common'] } });
    const mine = await browser.json('POST', '/api/v1/auth/register', {
      email: 'grace.hopper@example.com',
      password: 'grace.hopper is cool',
    });
    expect(mine.body).toMatchObject({ details: { reasons: ['contains_email'] } });
    const long = await browser.json('POST', '/api/v1/auth/register', {
      email: 'weak@example.com',
      password: 'x'.repeat(60) + 'y'.repeat(69),
    });
    expect(long.body).toMatchObject({ details: { reasons: expect.arrayContaining(['too_long']) } });
    expect(await h.identity.findUserByEmail('weak@example.com')).toBeNull();
  });

  it('registers, mails a link that verifies the address once, and signs nobody in', async () => {
    const browser = h.browser();
    const response = await browser.json('POST', '/api/v1/auth/register', {
      email: 'Ada@Example.com',
      password: 'analytical engine notes',
      displayName: 'Ada',
    });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ status: 'accepted', message: 'Check your inbox to continue' });
    expect(response.headers.getSetCookie()).toEqual([]);
    const user = await h.identity.findUserByEmail('ada@example.com');
    expect(user).toMatchObject({ email: 'ada@example.com', emailVerified: false, displayName: 'Ada' });
    expect(user?.id).toMatch(/^usr_/);

    const mail = await h.mailTo('ada@example.com', 'Confirm your email');
    const token = h.tokenIn(mail, '/verify-email');
    const verified = await browser.json('POST', '/api/v1/auth/verify-email', { token });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ user: { email: 'ada@example.com', emailVerified: true } });
    const again = await browser.json('POST', '/api/v1/auth/verify-email', { token });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ code: 'IDENTITY_TOKEN_INVALID' });
    expect(await h.access.rolesOf(user?.id ?? '')).toEqual(['user']);
  });

  it('answers a taken email exactly like a new one and mails the owner instead', async () => {
    await h.identity.createUser({
      email: 'taken@example.com',
      password: 'a long enough phrase',
      emailVerified: true,
    });
    const browser = h.browser();
    const fresh = await browser.json('POST', '/api/v1/auth/register', {
      email: 'fresh@example.com',
      password: 'purple monkey dishwasher',
    });
    const taken = await browser.json('POST', '/api/v1/auth/register', {
      email: 'TAKEN@Example.com',
      password: 'purple monkey dishwasher',
    });
    expect(taken.status).toBe(fresh.status);
    expect(taken.body).toEqual(fresh.body);
    expect([...taken.headers.keys()].sort()).toEqual([...fresh.headers.keys()].sort());
    const notice = await h.mailTo('taken@example.com', 'already have an account');
    expect(notice.text).toContain(`https://exchange.example.com/forgot-password`);
    const owner = await h.identity.findUserByEmail('taken@example.com');
    expect(owner?.emailVerified).toBe(true);
    const page = await h.access.listAudit({ action: 'identity.register.email-taken' });
    expect(page.entries.map((entry) => entry.target)).toEqual([owner?.id]);
  });

  it('re-sends the link (the old one dies) and refuses an expired one', async () => {
    const browser = h.browser();
    await browser.json('POST', '/api/v1/auth/register', {
      email: 'late@example.com',
      password: 'slow and steady wins',
    });
    const first = h.tokenIn(await h.mailTo('late@example.com', 'Confirm your email'), '/verify-email');
    const resend = await browser.json('POST', '/api/v1/auth/verify-email/resend', {
      email: 'late@example.com',
    });
    expect(resend.status).toBe(202);
    const unknown = await browser.json('POST', '/api/v1/auth/verify-email/resend', {
      email: 'nobody@example.com',
    });
    expect(unknown.body).toEqual(resend.body);
    await h.mail.deliverPending();
    const mails = (await h.mailsTo('late@example.com')).filter((m) => (m.subject ?? '').includes('Confirm'));
    expect(mails).toHaveLength(2);
    const second = h.tokenIn(mails[1] ?? mails[0]!, '/verify-email');
    expect(second).not.toBe(first);
    expect((await browser.json('POST', '/api/v1/auth/verify-email', { token: first })).body).toMatchObject({
      code: 'IDENTITY_TOKEN_INVALID',
    });
    h.clock.advance(25 * 3_600_000);
    expect((await browser.json('POST', '/api/v1/auth/verify-email', { token: second })).body).toMatchObject({
      code: 'IDENTITY_TOKEN_EXPIRED',
    });
    h.clock.advance(-25 * 3_600_000);
    expect((await browser.json('POST', '/api/v1/auth/verify-email', { token: second })).status).toBe(200);
  });

  it('lets an unverified user sign in, showing emailVerified false', async () => {
    const browser = h.browser();
    await browser.json('POST', '/api/v1/auth/register', {
      email: 'eager@example.com',
      password: 'cannot wait to trade',
    });
    const login = await browser.json('POST', '/api/v1/auth/login', {
      email: 'eager@example.com',
      password: 'cannot wait to trade',
    });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ status: 'signed_in', user: { emailVerified: false } });
  });
});
