import type { ApiApp } from '@tradeloom/kernel';
import { z } from 'zod';
import { formatUnits } from '../amounts.js';
import { PERMISSION_WALLET_ASSETS } from '../permissions.js';
import { actorOf, amountOut, amountSchema, errorResponses } from '../route-support.js';
import { ASSET_KINDS, ASSET_STATUSES, assetCodeSchema, networkCodeSchema, PRECISION_MAX } from './asset.js';
import type { AssetService } from './asset-service.js';

const networkSchema = z.object({
  id: z.string().describe('net_…'),
  asset: z.string(),
  network: z.string(),
  name: z.string(),
  depositEnabled: z.boolean(),
  withdrawEnabled: z.boolean(),
  withdrawFee: amountOut,
  withdrawMin: amountOut,
  withdrawMax: amountOut.nullable(),
  depositMin: amountOut,
  confirmations: z.number().int(),
  memoRequired: z.boolean(),
  addressPattern: z.string().nullable(),
});

const assetSchema = z.object({
  code: z.string(),
  name: z.string(),
  kind: z.enum(ASSET_KINDS),
  precision: z.number().int(),
  iconUrl: z.string().nullable(),
  status: z.enum(ASSET_STATUSES),
  sortOrder: z.number().int(),
});

const assetWithNetworks = assetSchema.extend({ networks: z.array(networkSchema) });

const networkSettings = z.object({
  name: z.string().min(1).max(80).optional(),
  depositEnabled: z.boolean().optional(),
  withdrawEnabled: z.boolean().optional(),
  withdrawFee: amountSchema.optional(),
  withdrawMin: amountSchema.optional(),
  withdrawMax: amountSchema.nullable().optional(),
  depositMin: amountSchema.optional(),
  confirmations: z.number().int().min(0).max(10_000).optional(),
  memoRequired: z.boolean().optional(),
  addressPattern: z
    .string()
    .max(200)
    .nullable()
    .optional()
    .describe('Regular expression addresses must match'),
});

const limitsSchema = z.object({
  asset: z.string(),
  kycLevel: z.number().int(),
  withdrawDailyMax: amountOut.nullable(),
  withdrawPerTxMax: amountOut.nullable(),
  depositDailyMax: amountOut.nullable(),
});

const iconUrl = z.url({ protocol: /^https?$/ }).max(500);
const tags = ['wallet'];
const adminTags = ['admin: wallet'];
const admin = { permission: PERMISSION_WALLET_ASSETS };

export function registerAssetRoutes(app: ApiApp, service: AssetService): void {
  const limitsView = async (asset: string, l: Awaited<ReturnType<AssetService['limitsFor']>>) => {
    const { precision } = await service.getAsset(asset);
    const f = (v: number | null) => (v === null ? null : formatUnits(v, precision));
    return {
      asset: l.asset,
      kycLevel: l.kycLevel,
      withdrawDailyMax: f(l.withdrawDailyMax),
      withdrawPerTxMax: f(l.withdrawPerTxMax),
      depositDailyMax: f(l.depositDailyMax),
    };
  };

  app.get(
    '/api/v1/wallet/assets',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'Currencies and their networks',
        description:
          'Active currencies with the networks that take deposits or pay withdrawals, fees and minimums.',
        tags,
        response: { 200: z.object({ assets: z.array(assetWithNetworks) }) },
      },
    },
    async () => ({ assets: await service.listAssets() }),
  );

  app.get(
    '/api/v1/admin/wallet/assets',
    {
      config: admin,
      schema: {
        summary: 'Every currency, disabled ones and all networks included',
        tags: adminTags,
        response: { 200: z.object({ assets: z.array(assetWithNetworks) }), ...errorResponses },
      },
    },
    async () => ({ assets: await service.listAssets({ includeDisabled: true }) }),
  );

  app.post(
    '/api/v1/admin/wallet/assets',
    {
      config: admin,
      schema: {
        summary: 'Add a currency',
        description: `Registers it in the engine as well. The precision (0-${PRECISION_MAX}) is the ledger's unit and never changes.`,
        tags: adminTags,
        body: z.object({
          code: assetCodeSchema,
          name: z.string().min(1).max(80),
          kind: z.enum(ASSET_KINDS),
          precision: z.number().int().min(0).max(PRECISION_MAX),
          iconUrl: iconUrl.nullable().optional(),
          sortOrder: z.number().int().min(0).max(1_000_000).optional(),
        }),
        response: { 201: assetSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const asset = await service.createAsset(request.body, actorOf(request));
      return reply.status(201).send(asset);
    },
  );

  app.patch(
    '/api/v1/admin/wallet/assets/:code',
    {
      config: admin,
      schema: {
        summary: 'Change a currency (name, icon, status, order)',
        tags: adminTags,
        params: z.object({ code: assetCodeSchema }),
        body: z.object({
          name: z.string().min(1).max(80).optional(),
          iconUrl: iconUrl.nullable().optional(),
          status: z.enum(ASSET_STATUSES).optional(),
          sortOrder: z.number().int().min(0).max(1_000_000).optional(),
        }),
        response: { 200: assetSchema, ...errorResponses },
      },
    },
    async (request) => service.updateAsset(request.params.code, request.body, actorOf(request)),
  );

  app.post(
    '/api/v1/admin/wallet/assets/:code/networks',
    {
      config: admin,
      schema: {
        summary: 'Add a network to a currency',
        tags: adminTags,
        params: z.object({ code: assetCodeSchema }),
        body: networkSettings.extend({ network: networkCodeSchema }),
        response: { 201: networkSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { network, ...settings } = request.body;
      const created = await service.createNetwork(request.params.code, network, settings, actorOf(request));
      return reply.status(201).send(created);
    },
  );

  app.patch(
    '/api/v1/admin/wallet/networks/:id',
    {
      config: admin,
      schema: {
        summary: "Change a network's settings",
        tags: adminTags,
        params: z.object({ id: z.string().max(64) }),
        body: networkSettings,
        response: { 200: networkSchema, ...errorResponses },
      },
    },
    async (request) => service.updateNetwork(request.params.id, request.body, actorOf(request)),
  );

  app.get(
    '/api/v1/admin/wallet/assets/:code/limits',
    {
      config: admin,
      schema: {
        summary: "A currency's limits per KYC level",
        tags: adminTags,
        params: z.object({ code: assetCodeSchema }),
        response: { 200: z.object({ limits: z.array(limitsSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const limits = await service.listLimits(request.params.code);
      return { limits: await Promise.all(limits.map((l) => limitsView(request.params.code, l))) };
    },
  );

  app.put(
    '/api/v1/admin/wallet/assets/:code/limits/:level',
    {
      config: admin,
      schema: {
        summary: 'Set the limits of a KYC level',
        description: 'Null removes a limit. A level without its own row takes the nearest lower level.',
        tags: adminTags,
        params: z.object({ code: assetCodeSchema, level: z.coerce.number().int().min(0).max(9) }),
        body: z.object({
          withdrawDailyMax: amountSchema.nullable(),
          withdrawPerTxMax: amountSchema.nullable(),
          depositDailyMax: amountSchema.nullable(),
        }),
        response: { 200: limitsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { code, level } = request.params;
      return limitsView(code, await service.setLimits(code, level, request.body, actorOf(request)));
    },
  );
}
