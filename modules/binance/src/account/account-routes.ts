// GET /api/v3/account (balances of the SPOT wallet, live from the engine) and the commission rates.
import { feePpm } from '@tradeloom/spot';
import { type BinanceContext, callerOf, marketOf } from '../binance-context.js';
import type { BinanceRoute } from '../support/binance-routes.js';
import { unitsFmt8 } from '../support/format.js';

interface BalanceRow {
  asset: string;
  wallet: string;
  available: number;
  held: number;
}

const tag = 'binance: account';
const rate = (fee: string) => unitsFmt8(feePpm(fee, 'fee'), 6);

export function accountRoutes(ctx: BinanceContext): BinanceRoute[] {
  return [
    {
      method: 'GET',
      url: '/account',
      security: 'USER_DATA',
      weight: 20,
      tag,
      summary: 'Account information',
      description:
        "Parameters: omitZeroBalances (default false: every listed asset, zeros included). Balances are the SPOT wallet's, live from the engine (free = available, locked = held by open orders). Commission fields show the first market's rates; per-market rates are at GET /api/v3/account/commission.",
      handler: async (params, request) => {
        const omitZero = params.bool('omitZeroBalances') ?? false;
        const userId = callerOf(request);
        const user = await ctx.wallet.engineAccountOf(userId);
        const [rows, assets, markets] = await Promise.all([
          ctx.engine.query<BalanceRow[]>({ query: 'balances', user }),
          ctx.wallet.assets.listAssets(),
          ctx.spot.markets.listMarkets(),
        ]);
        const spot = new Map(rows.filter((r) => r.wallet === 'SPOT').map((r) => [r.asset, r]));
        const balances = assets
          .map((a) => {
            const row = spot.get(a.code);
            return {
              asset: a.code,
              free: unitsFmt8(row?.available ?? 0, a.precision),
              locked: unitsFmt8(row?.held ?? 0, a.precision),
              zero: row === undefined || (row.available === 0 && row.held === 0),
            };
          })
          .filter((b) => !(omitZero && b.zero))
          .map(({ zero: _zero, ...b }) => b);
        const first = markets[0];
        const maker = first === undefined ? 0 : feePpm(first.makerFee, 'makerFee');
        const taker = first === undefined ? 0 : feePpm(first.takerFee, 'takerFee');
        return {
          // Binance states these in basis points.
          makerCommission: Math.round(maker / 100),
          takerCommission: Math.round(taker / 100),
          buyerCommission: 0,
          sellerCommission: 0,
          commissionRates: {
            maker: first === undefined ? '0.00000000' : rate(first.makerFee),
            taker: first === undefined ? '0.00000000' : rate(first.takerFee),
            buyer: '0.00000000',
            seller: '0.00000000',
          },
          canTrade: request.principal?.scopes?.includes('spot_trade') ?? true,
          canWithdraw: request.principal?.scopes?.includes('withdraw') ?? true,
          canDeposit: true,
          brokered: false,
          requireSelfTradePrevention: false,
          preventSor: false,
          updateTime: ctx.clock.nowMs(),
          accountType: 'SPOT',
          balances,
          permissions: ['SPOT'],
          uid: user,
        };
      },
    },
    {
      method: 'GET',
      url: '/account/commission',
      security: 'USER_DATA',
      weight: 20,
      tag,
      summary: 'Commission rates of a symbol',
      description: "Parameters: symbol. The market's maker and taker fees (no tax, no discount).",
      handler: async (params) => {
        const m = await marketOf(ctx, params.symbol());
        return {
          symbol: m.symbol,
          standardCommission: {
            maker: rate(m.makerFee),
            taker: rate(m.takerFee),
            buyer: '0.00000000',
            seller: '0.00000000',
          },
          taxCommission: {
            maker: '0.00000000',
            taker: '0.00000000',
            buyer: '0.00000000',
            seller: '0.00000000',
          },
          discount: {
            enabledForAccount: false,
            enabledForSymbol: false,
            discountAsset: null,
            discount: '0.00000000',
          },
        };
      },
    },
  ];
}
