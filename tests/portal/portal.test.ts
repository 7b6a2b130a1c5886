// The user portal in a real browser (headless Chromium) against the real platform: the embedded
// API with an admin-made BTCUSDT market and funded traders, the portal's production build served by
// `next start` in front of it. Screens are checked with axe-core and saved as screenshots under
// test-artifacts/portal/.
import type { SignedInUser } from '@tradeloom/identity/testing';
import { type PortalServer, startPortal } from '@tradeloom/portal';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBtcUsdtMarket, fundSpot } from '../support/spot-setup.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';
import { launchBrowser, screenshot, seriousA11yViolations } from './support/browser.js';
import { ensurePortalBuild, TEST_DIST_DIR } from './support/portal-build.js';

describe('user portal', () => {
  let tp: TestPlatform;
  let portal: PortalServer;
  let browser: Browser;
  let maker: SignedInUser;
  let trader: SignedInUser;
  let totpTrader: SignedInUser;
  let context: BrowserContext;
  let page: Page;

  const fund = (user: SignedInUser, asset: string, amount: number) => fundSpot(tp, user, asset, amount);

  async function place(user: SignedInUser, side: 'BUY' | 'SELL', price: string, quantity: string) {
    const answer = await user.browser.json('POST', '/api/v1/spot/orders', {
      symbol: 'BTCUSDT',
      side,
      type: 'LIMIT',
      timeInForce: 'GTC',
      price,
      quantity,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  }

  async function expectAccessible(name: string): Promise<void> {
    const violations = await seriousA11yViolations(page);
    expect(violations, `${name}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
  }

  async function logIn(target: Page, user: SignedInUser): Promise<void> {
    await target.goto(`${portal.url}/login`);
    await target.getByLabel('Email').fill(user.email);
    await target.getByLabel('Password').fill(user.password);
    await target.getByRole('button', { name: 'Log in' }).click();
  }

  beforeAll(async () => {
    const [platform] = await Promise.all([startTestPlatform('pglite'), ensurePortalBuild()]);
    tp = platform;
    portal = await startPortal({ apiOrigin: tp.url, port: 0, distDir: TEST_DIST_DIR });
    browser = await launchBrowser();

    const admin = await tp.admin();
    await createBtcUsdtMarket(admin, {
      tickSize: '0.01',
      lotSize: '0.0001',
      minPrice: '0.01',
      maxPrice: '1000000',
      minQty: '0.0001',
      maxQty: '100',
      minNotional: '5',
      makerFee: '0.001',
      takerFee: '0.002',
    });

    maker = await tp.user({ totp: false });
    trader = await tp.user({ totp: false });
    totpTrader = await tp.user({ totp: true });
    await fund(maker, 'BTC', 10 * 10 ** 8);
    await fund(maker, 'USDT', 1_000_000 * 10 ** 6);
    await fund(trader, 'USDT', 100_000 * 10 ** 6);
    await fund(trader, 'BTC', 1 * 10 ** 8);
    // A book on both sides and one trade, so the screens have something to show.
    for (const [price, quantity] of [
      ['50100.00', '0.3000'],
      ['50050.00', '0.1500'],
      ['50000.00', '0.5000'],
    ] as const)
      await place(maker, 'SELL', price, quantity);
    for (const [price, quantity] of [
      ['49900.00', '0.2000'],
      ['49850.00', '0.4000'],
      ['49800.00', '1.0000'],
    ] as const)
      await place(maker, 'BUY', price, quantity);
    const take = await trader.browser.json('POST', '/api/v1/spot/orders', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.0500',
    });
    expect(take.status, JSON.stringify(take.body)).toBe(201);
    await tp.projected();

    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
    await tp?.stop();
  });

  it('shows a markets overview with sparklines on the home page', async () => {
    await page.goto(`${portal.url}/`);
    await page.getByRole('heading', { name: 'Trade crypto on your own exchange' }).waitFor();
    const card = page.getByRole('listitem').filter({ hasText: 'BTC/USDT' });
    await card.getByText('50,000.00').waitFor();
    await card
      .getByRole('img', { name: 'BTC/USDT, last 24 hours' })
      .locator('polyline')
      .waitFor({ state: 'attached' });
    await expectAccessible('home');
    await screenshot(page, 'home');
  });

  it('lists the markets with their 24 h figures, and searches them', async () => {
    await page.goto(`${portal.url}/markets`);
    const row = page.getByRole('row', { name: /BTC\/USDT/ });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('50,000.00');
    expect(await row.textContent()).toContain('0.00 %');
    expect(await row.textContent()).toContain('2,500.00 USDT');
    await expectAccessible('markets');
    await screenshot(page, 'markets');
    await page.getByLabel('Search markets').fill('eth');
    await page.getByText('No market matches “eth”.').waitFor();
    await page.getByLabel('Search markets').fill('btc');
    await row.waitFor();
  });

  it('registers a new account and asks to confirm the email', async () => {
    await page.goto(`${portal.url}/register`);
    await expectAccessible('register');
    await page.getByLabel('Email').fill('newcomer@example.com');
    await page.getByLabel('Password', { exact: true }).fill('quiet harbour lantern 42');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    await screenshot(page, 'register-check-mail');
  });

  it('refuses a wrong password, then logs in with a TOTP code as the second step', async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const second = await other.newPage();
    try {
      await second.goto(`${portal.url}/login`);
      await second.getByLabel('Email').fill(totpTrader.email);
      await second.getByLabel('Password').fill('not the password at all');
      await second.getByRole('button', { name: 'Log in' }).click();
      await second.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();

      await logIn(second, totpTrader);
      await second.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
      await screenshot(second, 'login-second-factor');
      await second.getByLabel('Code').fill('000000');
      await second.getByRole('button', { name: 'Verify' }).click();
      await second.getByRole('alert').filter({ hasText: 'Wrong or already used code.' }).waitFor();
      await second.getByLabel('Code').fill(await totpTrader.totp!.device.nextCode());
      await second.getByRole('button', { name: 'Verify' }).click();
      await second.waitForURL(`${portal.url}/markets`);
      await second.getByText(totpTrader.email).waitFor();
    } finally {
      await other.close();
    }
  });

  it('logs in without a second factor', async () => {
    await page.goto(`${portal.url}/login`);
    await expectAccessible('login');
    await screenshot(page, 'login');
    await logIn(page, trader);
    await page.waitForURL(`${portal.url}/markets`);
    await page.getByTestId('signed-in-as').filter({ hasText: trader.email }).waitFor();

    // Signed in, markets can be starred (kept by the API).
    const star = page.getByRole('button', { name: 'Favorite: BTC/USDT' });
    await star.click();
    await expect.poll(() => star.getAttribute('aria-pressed')).toBe('true');
    await page.reload();
    await expect.poll(() => star.getAttribute('aria-pressed')).toBe('true');
    await page.getByLabel('Favorites only').check();
    await page.getByRole('row', { name: /BTC\/USDT/ }).waitFor();
  });

  it('places a limit order, shows it in open orders and in the book, and cancels it', async () => {
    await page.goto(`${portal.url}/exchange/BTCUSDT`);
    const bids = page.getByTestId('book-bids');
    await bids.getByText('49,900.00').waitFor();
    await page.getByTestId('available').filter({ hasText: 'USDT' }).waitFor();
    await page.getByTestId('candle-chart').locator('canvas').first().waitFor();

    // Grouped by 100: bids round down (49,850 + 49,800 → 49,800), asks up (50,050 + 50,100 → 50,100).
    await page.getByLabel('Group').selectOption('100');
    await bids.getByRole('row', { name: /^49,800 1\.4000/ }).waitFor();
    await page
      .getByTestId('book-asks')
      .getByRole('row', { name: /^50,100 0\.4500/ })
      .waitFor();
    await page.getByLabel('Group').selectOption('0.01');
    await bids.getByRole('row', { name: /^49,850\.00 0\.4000/ }).waitFor();

    // A share of the balance, on the lot grid: half of the 1.05 BTC the trader holds.
    await page.getByRole('button', { name: 'Sell', exact: true }).click();
    await page.getByTestId('available').filter({ hasText: '1.05000000 BTC' }).waitFor();
    await page.getByRole('button', { name: 'Use 50 % of the available balance' }).click();
    expect(await page.getByRole('textbox', { name: 'Amount' }).inputValue()).toBe('0.5250');
    await page.getByRole('button', { name: 'Buy', exact: true }).click();

    // Checked against the market's filters before anything is sent.
    await page.getByRole('textbox', { name: 'Price' }).fill('49500.005');
    await page.getByRole('textbox', { name: 'Amount' }).fill('0.00001');
    await page.getByRole('button', { name: 'Buy BTC' }).click();
    await page.getByText('Must be a multiple of the tick size 0.01.').waitFor();
    await page.getByText('Must be a multiple of the lot size 0.0001.').waitFor();
    await page.getByRole('textbox', { name: 'Price' }).fill('49500');
    await page.getByRole('textbox', { name: 'Amount' }).fill('0.0001');
    await page.getByText('The order must be worth at least 5 USDT.').waitFor();

    // More than the trader has: the API's refusal, in words.
    await page.getByRole('textbox', { name: 'Amount' }).fill('10');
    await page.getByRole('button', { name: 'Buy BTC' }).click();
    await page.getByRole('alert').filter({ hasText: 'Insufficient balance.' }).waitFor();

    await page.getByRole('textbox', { name: 'Amount' }).fill('0.2500');
    await page.getByRole('button', { name: 'Buy BTC' }).click();
    await page.getByText(/Order \d+ placed: NEW\./).waitFor();
    const openOrders = page.getByTestId('open-orders');
    const row = openOrders.getByRole('row', { name: /49,500\.00/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('0.2500');
    await bids.getByRole('row', { name: /49,500\.00/ }).waitFor();
    await expectAccessible('exchange');
    await screenshot(page, 'exchange');

    await row.getByRole('button', { name: /Cancel order \d+/ }).click();
    await page.getByText(/Order \d+ cancelled\./).waitFor();
    await row.waitFor({ state: 'detached' });
    await bids.getByRole('row', { name: /49,500\.00/ }).waitFor({ state: 'detached' });
    await openOrders.getByText('You have no open orders in this market.').waitFor();

    // Two more, both cancelled at once; all three are in the order history.
    for (const price of ['49400', '49300']) {
      await page.getByRole('textbox', { name: 'Price' }).fill(price);
      await page.getByRole('textbox', { name: 'Amount' }).fill('0.0100');
      await page.getByRole('button', { name: 'Buy BTC' }).click();
      await openOrders
        .getByRole('row', { name: new RegExp(`${price.slice(0, 2)},${price.slice(2)}\\.00`) })
        .waitFor();
    }
    await page.getByRole('tab', { name: 'Open orders (2)' }).waitFor();
    await openOrders.getByRole('button', { name: 'Cancel all' }).click();
    await page.getByText('2 orders cancelled.').waitFor();
    await page.getByRole('tab', { name: 'Open orders (0)' }).waitFor();
    await page.getByRole('tab', { name: 'Order history' }).click();
    const history = page.getByTestId('order-history');
    await expect.poll(() => history.getByRole('row', { name: /CANCELED/ }).count()).toBe(3);
    await page.getByRole('tab', { name: 'Order history' }).press('ArrowLeft');

    // A market buy for a total in USDT: checked (decimals, min notional), then filled from the asks.
    await page.getByRole('button', { name: 'Market', exact: true }).click();
    await page.getByRole('button', { name: 'Total (USDT)' }).click();
    await page.getByRole('textbox', { name: 'Total' }).fill('1.0000001');
    await page.getByRole('button', { name: 'Buy BTC' }).click();
    await page.getByText('At most 6 decimals.').waitFor();
    await page.getByRole('textbox', { name: 'Total' }).fill('500');
    await page.getByRole('button', { name: 'Buy BTC' }).click();
    await page.getByText(/Order \d+ placed: FILLED\./).waitFor();
    expect(await page.getByRole('tab', { name: /Open orders/ }).getAttribute('aria-selected')).toBe('true');
  });

  it("fills an order with a second user's crossing order: both screens update without a reload", async () => {
    const makerContext = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'en-US',
    });
    makerContext.setDefaultTimeout(10_000);
    const makerPage = await makerContext.newPage();
    try {
      await logIn(makerPage, maker);
      await makerPage.waitForURL(`${portal.url}/markets`);
      await makerPage.goto(`${portal.url}/exchange/BTCUSDT`);
      await makerPage.getByTestId('book-bids').getByText('49,900.00').waitFor();

      await page.goto(`${portal.url}/exchange/BTCUSDT`);
      await page.getByTestId('available').filter({ hasText: 'USDT' }).waitFor();
      await page.getByRole('textbox', { name: 'Price' }).fill('49950');
      await page.getByRole('textbox', { name: 'Amount' }).fill('0.1');
      await page.getByRole('button', { name: 'Buy BTC' }).click();
      await page.getByText(/Order \d+ placed: NEW\./).waitFor();
      const mine = page.getByTestId('open-orders').getByRole('row', { name: /49,950\.00/ });
      await mine.waitFor();
      // The other trader's screen shows the new bid by itself.
      await makerPage.getByTestId('book-bids').getByText('49,950.00').waitFor();

      await makerPage.getByRole('button', { name: 'Sell', exact: true }).click();
      await makerPage.getByTestId('book-bids').getByRole('button', { name: '49,950.00' }).click();
      await expect
        .poll(() => makerPage.getByRole('textbox', { name: 'Price' }).inputValue())
        .toBe('49950.00');
      await makerPage.getByRole('textbox', { name: 'Amount' }).fill('0.1');
      await makerPage.getByRole('button', { name: 'Sell BTC' }).click();
      await makerPage.getByText(/Order \d+ placed: FILLED\./).waitFor();

      // Both screens, no reload: the trade in recent trades and the last price, the bid gone.
      for (const screen of [page, makerPage]) {
        await screen.getByTestId('recent-trades').getByText('49,950.00').waitFor();
        await screen.getByTestId('book-bids').getByText('49,950.00').waitFor({ state: 'detached' });
      }
      await mine.waitFor({ state: 'detached' });
      await page.getByTestId('open-orders').getByText('You have no open orders in this market.').waitFor();
      await page.getByRole('tab', { name: 'Trade history' }).click();
      const fill = page.getByTestId('trade-history').getByRole('row', { name: /49,950\.00/ });
      await fill.waitFor();
      expect(await fill.textContent()).toContain('Maker');
      await expectAccessible('exchange-trade-history');
      await page.getByRole('tab', { name: /Open orders/ }).click();
    } finally {
      await makerContext.close();
    }
  });

  it('shows balances per wallet type with their value', async () => {
    await page.goto(`${portal.url}/wallet`);
    const spot = page.locator('[data-wallet="SPOT"]');
    await spot.getByRole('row', { name: /^USDT / }).waitFor();
    expect(await spot.getByRole('rowheader').allTextContents()).toEqual(
      expect.arrayContaining(['BTC', 'USDT']),
    );

    // Between own wallets: more than there is is refused before sending; 100 USDT to Funding moves.
    const transfer = page.getByTestId('transfer-form');
    await transfer.getByLabel('Asset').selectOption('USDT');
    await transfer.getByLabel('To').selectOption('FUNDING');
    await transfer.getByRole('textbox', { name: 'Amount' }).fill('100000000');
    await transfer.getByRole('button', { name: 'Transfer' }).click();
    await transfer.getByText('More than is available in this wallet.').waitFor();
    await transfer.getByRole('textbox', { name: 'Amount' }).fill('100');
    await transfer.getByRole('button', { name: 'Transfer' }).click();
    await transfer.getByText('Moved 100 USDT from Spot to Funding.').waitFor();
    await page
      .locator('[data-wallet="FUNDING"]')
      .getByRole('row', { name: /^USDT 100\.000000/ })
      .waitFor();

    const history = page.getByTestId('wallet-history');
    await history.getByLabel('Type').selectOption('wallet');
    await expect.poll(() => history.getByRole('row', { name: /Transfer between wallets/ }).count()).toBe(2);
    expect(await history.getByRole('row', { name: /Funding USDT \+100\.000000/ }).count()).toBe(1);
    expect(await history.getByRole('row', { name: /Spot USDT -100\.000000/ }).count()).toBe(1);
    const href = (await history.getByRole('link', { name: 'Export CSV' }).getAttribute('href')) ?? '';
    expect(href).toContain('kind=wallet');
    const csv = await page.evaluate<{ status: number; type: string; text: string }, string>(async (url) => {
      const answer = await fetch(url);
      return {
        status: answer.status,
        type: answer.headers.get('content-type') ?? '',
        text: await answer.text(),
      };
    }, href);
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    expect(csv.text.trim().split('\n')).toHaveLength(3);
    await expectAccessible('wallet');
    await screenshot(page, 'wallet');
  });

  it('switches to German (words and number formats) and to the light theme', async () => {
    await page.goto(`${portal.url}/exchange/BTCUSDT`);
    await page.getByTestId('book-bids').getByText('49,900.00').waitFor();
    await page.getByLabel('Language').selectOption('de');
    await page.getByRole('link', { name: 'Märkte', exact: true }).waitFor();
    await page.getByTestId('book-bids').getByText('49.900,00').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await page.getByRole('heading', { name: 'Orderbuch' }).waitFor();
    await page.getByRole('button', { name: 'Design: Dunkel' }).click();
    expect(await page.locator('html').getAttribute('class')).toContain('light');
    await expectAccessible('exchange-de-light');
    await screenshot(page, 'exchange-de-light');
    // Both choices are cookies: a reload keeps them.
    await page.reload();
    await page.getByRole('link', { name: 'Märkte', exact: true }).waitFor();
    expect(await page.locator('html').getAttribute('class')).toContain('light');
    await page.getByLabel('Sprache').selectOption('en');
    await page.getByRole('link', { name: 'Markets', exact: true }).waitFor();
  });

  it('is usable on a phone', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const small = await phone.newPage();
    try {
      await small.goto(`${portal.url}/exchange/BTCUSDT`);
      await small.getByTestId('book-bids').getByText('49,900.00').waitFor();
      const overflow = await small.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      // A first load (fresh context, nothing cached): the JavaScript it transferred, compressed.
      const scriptBytes = await small.evaluate<number>(
        "performance.getEntriesByType('resource').filter((entry) => entry.name.includes('.js')).reduce((sum, entry) => sum + entry.transferSize, 0)",
      );
      console.info(
        `exchange screen, first load: ${Math.round(scriptBytes / 1024)} KiB of JavaScript transferred`,
      );
      expect(scriptBytes).toBeGreaterThan(0);
      expect(scriptBytes).toBeLessThan(300 * 1024);
      await screenshot(small, 'exchange-phone');
    } finally {
      await phone.close();
    }
  });

  it('logs out', async () => {
    await page.goto(`${portal.url}/markets`);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${portal.url}/login`);
    await page.getByRole('link', { name: 'Log in' }).waitFor();
    const session = await page.evaluate(async () => (await fetch('/api/v1/auth/session')).status);
    expect(session).toBe(401);
  });
});
