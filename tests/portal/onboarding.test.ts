// A newcomer's way in, through the portal in headless Chromium against the embedded platform with
// real mail (an SMTP sink; the platform's mail job delivers): register → the mailed link verifies
// the address → log in → turn TOTP on in the account → log in with the TOTP step; then a forgotten
// password is reset through the mailed link (with a TOTP code, 2FA is never bypassed).
import { signRequest } from '@tradeloom/api-keys/testing';
import { TotpDevice } from '@tradeloom/identity/testing';
import { freePort, recipientsOf, type SmtpSink, startSmtpSink } from '@tradeloom/mail/testing';
import { type PortalServer, startPortal } from '@tradeloom/portal';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';
import { launchBrowser, screenshot, seriousA11yViolations } from './support/browser.js';
import { ensurePortalBuild, TEST_DIST_DIR } from './support/portal-build.js';

describe('portal onboarding', () => {
  let smtp: SmtpSink;
  let tp: TestPlatform;
  let portal: PortalServer;
  let browser: Browser;
  let page: Page;
  let device: TotpDevice;
  const email = 'newcomer@example.com';
  const password = 'amber meadow violin 1987';
  const newPassword = 'silver canyon orchard 2024';

  /** The path and query of the link in the last mail to `email` whose link goes to `path`. */
  async function mailedLink(path: string): Promise<string> {
    const mail = await smtp.waitFor(
      (m) => recipientsOf(m).includes(email) && (m.text ?? '').includes(`${path}?token=`),
      20_000,
    );
    const link = new RegExp(`https?://\\S*${path}\\?token=[\\w%-]+`).exec(mail.text ?? '')?.[0];
    expect(link).toBeDefined();
    const url = new URL(link ?? '');
    expect(url.origin).toBe(portal.url);
    return `${url.pathname}${url.search}`;
  }

  async function passwordStep(password: string): Promise<void> {
    await page.goto(`${portal.url}/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
  }

  async function logOut(): Promise<void> {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${portal.url}/login`);
  }

  beforeAll(async () => {
    smtp = await startSmtpSink();
    const port = await freePort();
    const [platform] = await Promise.all([
      startTestPlatform('pglite', {
        // Mailed links point at the portal.
        env: { SMTP_URL: smtp.url, PUBLIC_URL: `http://127.0.0.1:${port}` },
        runWorkers: true,
      }),
      ensurePortalBuild(),
    ]);
    tp = platform;
    portal = await startPortal({ apiOrigin: tp.url, port, distDir: TEST_DIST_DIR });
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
    await tp?.stop();
    await smtp?.close();
  });

  it('registers, verifies the email from the mail, turns TOTP on and logs in with it', async () => {
    await page.goto(`${portal.url}/register`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();

    await page.goto(`${portal.url}${await mailedLink('/verify-email')}`);
    await page.getByText('Your email address is verified.').waitFor();
    await expect(seriousA11yViolations(page)).resolves.toEqual([]);
    await screenshot(page, 'verify-email');

    await passwordStep(password);
    await page.waitForURL(`${portal.url}/markets`);
    await page.goto(`${portal.url}/account`);
    await page.getByText('(Verified)').waitFor();
    const twoFactor = page.getByTestId('two-factor');
    await twoFactor.getByRole('button', { name: 'Turn on' }).click();
    await twoFactor.getByLabel('Current password').fill('not my password at all');
    await twoFactor.getByRole('button', { name: 'Continue' }).click();
    await twoFactor.getByRole('alert').waitFor();
    await twoFactor.getByLabel('Current password').fill(password);
    await twoFactor.getByRole('button', { name: 'Continue' }).click();
    const secret = await twoFactor.getByTestId('totp-secret').textContent();
    device = new TotpDevice(secret ?? '', tp.clock);
    await expect(seriousA11yViolations(page)).resolves.toEqual([]);
    await screenshot(page, 'account-totp-enrolment');
    await twoFactor.getByLabel('Code from the app').fill(await device.nextCode());
    await twoFactor.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await expect.poll(() => twoFactor.getByTestId('recovery-codes').getByRole('listitem').count()).toBe(10);
    await screenshot(page, 'account-recovery-codes');
    await twoFactor.getByRole('button', { name: 'I have saved them' }).click();
    await twoFactor.getByText('On.').waitFor();

    await logOut();
    await passwordStep(password);
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    await page.getByLabel('Code').fill(await device.nextCode());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${portal.url}/markets`);
    await page.getByTestId('signed-in-as').filter({ hasText: email }).waitFor();
  });

  it('resets a forgotten password through the mailed link, asking for the second factor', async () => {
    await logOut();
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText(`If ${email} has an account, a link is on its way.`, { exact: false }).waitFor();

    await page.goto(`${portal.url}${await mailedLink('/reset-password')}`);
    await page.getByLabel('New password').fill(newPassword);
    await expect(seriousA11yViolations(page)).resolves.toEqual([]);
    await screenshot(page, 'reset-password');
    // Both time steps the server accepts now were used above: the next code is 30 s on.
    tp.clock.advance(30_000);
    await page.getByLabel('Two-factor code').fill(await device.nextCode());
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByText('Your password is changed').waitFor();

    await passwordStep(password);
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    await passwordStep(newPassword);
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    tp.clock.advance(30_000);
    await page.getByLabel('Code').fill(await device.nextCode());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${portal.url}/markets`);
  });

  it('creates an API key with scopes and an IP list, shows its secret once, and revokes it', async () => {
    await page.goto(`${portal.url}/account`);
    await page.getByRole('link', { name: 'Manage API keys' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    await page.getByText('You have no API keys.').waitFor();
    await page.getByLabel('Label').fill('trading bot');
    await page.getByLabel('Spot trading').check();
    await page.getByLabel('Allowed IP addresses').fill('127.0.0.1');
    tp.clock.advance(30_000);
    await page.getByLabel('Two-factor code').fill(await device.nextCode());
    await page.getByRole('button', { name: 'Create key' }).click();
    const apiKey = (await page.getByTestId('new-api-key').textContent()) ?? '';
    const secret = (await page.getByTestId('new-api-secret').textContent()) ?? '';
    const row = page.getByTestId('api-key-list').getByRole('row', { name: /trading bot/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Read, Spot trading');
    expect(await row.textContent()).toContain('127.0.0.1');
    await expect(seriousA11yViolations(page)).resolves.toEqual([]);
    await screenshot(page, 'api-keys');

    // The key signs requests with its scopes.
    const whoami = async () => {
      const signed = signRequest({ apiKey, secret, timestamp: tp.clock.nowMs() });
      return fetch(signed.urlFor(`${tp.url}/api/v1/account/api-keys/whoami`), { headers: signed.headers });
    };
    const answer = await whoami();
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ method: 'apiKey', scopes: ['read', 'spot_trade'] });

    // The secret is not shown again.
    await page.reload();
    await row.waitFor();
    expect(await page.getByTestId('new-api-secret').count()).toBe(0);

    await row.getByRole('button', { name: 'Revoke key trading bot' }).click();
    await page.getByText('Key “trading bot” revoked.').waitFor();
    await row.getByText('Revoked').waitFor();
    expect((await whoami()).status).toBe(401);
  });
});
