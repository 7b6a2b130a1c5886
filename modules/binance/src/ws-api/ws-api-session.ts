// One connection of Binance's WebSocket API (/ws-api/v3): requests {id, method, params} answered
// {id, status, result | error, rateLimits}, in the order received. Signed requests carry apiKey,
// timestamp and signature (verified by the api-keys module over Binance's sorted payload), or rely on
// the session's session.logon (Ed25519 keys only, as on Binance). User data stream subscriptions
// deliver {subscriptionId, event} on the same connection.
import type { ApiKeyScope, Clock, Principal } from '@tradeloom/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BinanceError, mandatory, msg } from '../support/binance-error.js';
import type { BinanceRoute } from '../support/binance-routes.js';
import { binanceResponseOf } from '../support/error-mapping.js';
import { Params } from '../support/params.js';
import type { WeightMeter } from '../support/weight-meter.js';
import { weightExceeded } from '../support/weight-meter.js';
import { paramText, readSignedParams, type SignedPayloadCheck } from './signed-params.js';
import { scopeOf } from './ws-api-methods.js';

/** The api-keys module's checks the WebSocket API needs. */
export interface WsApiKeys {
  authenticateSignedPayload(
    request: SignedPayloadCheck & { ip: string },
  ): Promise<{ userId: string; apiKeyId: string; scopes: readonly ApiKeyScope[] }>;
  listKeys(userId: string): Promise<readonly { id: string; type: string }[]>;
}

/** The users' private events (the market-stream module's user data streams). */
export interface UserDataSource {
  subscribe(userId: string, sink: (event: Record<string, unknown>) => void): Promise<() => void>;
}

/** What a session writes to: the connection's socket. */
export interface WsApiOutput {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  terminate(): void;
}

export interface WsApiSessionDeps {
  routes: ReadonlyMap<string, BinanceRoute>;
  meter: WeightMeter;
  clock: Clock;
  apiKeys: WsApiKeys | null;
  userData: UserDataSource | null;
  /** Unsent bytes past which the connection is cut (a client that does not read). */
  maxBufferedBytes: number;
}

interface Logon {
  userId: string;
  apiKey: string;
  apiKeyId: string;
  scopes: readonly ApiKeyScope[];
  since: number;
}

interface Subscription {
  userId: string;
  stop: () => void;
  /** Opened by userDataStream.subscribe (ended by session.logout), else by a signature. */
  viaLogon: boolean;
}

type RequestId = string | number | null;

class Refusal extends BinanceError {}

const SESSION_WEIGHT = 2;

function validId(id: unknown): id is RequestId {
  return (
    id === null ||
    (typeof id === 'number' && Number.isSafeInteger(id)) ||
    (typeof id === 'string' && id.length <= 36)
  );
}

/**
 * A request-shaped object for the /api/v3 handlers: the parts they and the error mapping read
 * (method, url with the parameters, headers, principal, ip). The handlers never touch the reply.
 */
function routeRequest(
  route: BinanceRoute,
  params: Readonly<Record<string, string>>,
  principal: Principal | null,
  ip: string,
  apiKey: string | undefined,
): FastifyRequest {
  const query = new URLSearchParams(Object.entries(params)).toString();
  const shape = {
    method: route.method,
    url: `/api/v3${route.url}${query === '' ? '' : `?${query}`}`,
    headers: apiKey === undefined ? {} : { 'x-mbx-apikey': apiKey },
    rawBody: null,
    body: undefined,
    principal,
    ip,
  };
  return shape as unknown as FastifyRequest;
}

export class WsApiSession {
  private readonly connectedSince: number;
  private logon: Logon | null = null;
  private readonly subscriptions = new Map<number, Subscription>();
  private nextSubscriptionId = 0;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly deps: WsApiSessionDeps,
    private readonly out: WsApiOutput,
    private readonly ip: string,
    private returnRateLimits: boolean,
  ) {
    this.connectedSince = deps.clock.nowMs();
  }

  /** Queues one message: requests are answered in the order they arrive. */
  receive(text: string): void {
    this.queue = this.queue.then(() => this.handle(text)).catch(() => {});
  }

  close(): void {
    this.closed = true;
    for (const sub of this.subscriptions.values()) sub.stop();
    this.subscriptions.clear();
  }

  private send(message: unknown): void {
    if (this.closed || this.out.readyState !== 1) return;
    if (this.out.bufferedAmount > this.deps.maxBufferedBytes) {
      this.close();
      this.out.terminate();
      return;
    }
    this.out.send(JSON.stringify(message));
  }

  private async handle(text: string): Promise<void> {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.send({ id: null, status: 400, error: { code: -1000, msg: 'Invalid JSON request.' } });
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.send({ id: null, status: 400, error: { code: -1000, msg: 'A request is a JSON object.' } });
      return;
    }
    const { id = null, method, params = {} } = message as Record<string, unknown>;
    if (!validId(id)) {
      this.send({
        id: null,
        status: 400,
        error: { code: -1000, msg: "'id' must be a string of at most 36 characters, an integer or null." },
      });
      return;
    }
    let weightUsed: number | null = null;
    let apiKeyParam: string | undefined;
    try {
      if (typeof method !== 'string' || method === '') throw mandatory('method');
      if (typeof params !== 'object' || params === null || Array.isArray(params)) {
        throw new BinanceError(-1000, "'params' must be a JSON object.");
      }
      const values: Record<string, string> = {};
      for (const [name, value] of Object.entries(params)) {
        if (value !== null && value !== undefined) values[name] = paramText(value);
      }
      apiKeyParam = values.apiKey;
      let returnRateLimits = this.returnRateLimits;
      if (values.returnRateLimits !== undefined) {
        returnRateLimits = values.returnRateLimits !== 'false';
        delete values.returnRateLimits;
      }
      const route = this.deps.routes.get(method);
      const weight =
        route === undefined
          ? SESSION_WEIGHT
          : typeof route.weight === 'number'
            ? route.weight
            : route.weight(new URLSearchParams(Object.entries(values)));
      const decision = await this.deps.meter.consume(this.ip, weight);
      weightUsed = decision.used;
      if (!decision.allowed) throw weightExceeded(this.deps.meter.limit, decision.retryAfterMs);
      const result =
        route === undefined ? await this.sessionMethod(method, values) : await this.callRoute(route, values);
      this.send({
        id,
        status: 200,
        result,
        ...(returnRateLimits ? { rateLimits: this.rateLimits(weightUsed) } : {}),
      });
    } catch (error) {
      const { status, body } =
        error instanceof BinanceError
          ? { status: error.status, body: error.toBody() }
          : binanceResponseOf(error, this.errorRequest(method, apiKeyParam));
      this.send({
        id,
        status,
        error: body,
        ...(this.returnRateLimits && weightUsed !== null ? { rateLimits: this.rateLimits(weightUsed) } : {}),
      });
    }
  }

  private rateLimits(count: number) {
    return [
      {
        rateLimitType: 'REQUEST_WEIGHT',
        interval: 'MINUTE',
        intervalNum: 1,
        limit: this.deps.meter.limit,
        count,
      },
    ];
  }

  /** The request the error mapping reads (it looks at the method: a cancel's unknown order is -2011). */
  private errorRequest(method: unknown, apiKey: string | undefined): FastifyRequest {
    const route = typeof method === 'string' ? this.deps.routes.get(method) : undefined;
    const stand: BinanceRoute = route ?? {
      method: 'GET',
      url: '',
      security: 'NONE',
      weight: 1,
      summary: '',
      description: '',
      tag: '',
      handler: async () => null,
    };
    return routeRequest(stand, {}, null, this.ip, apiKey ?? this.logon?.apiKey);
  }

  private async callRoute(route: BinanceRoute, values: Record<string, string>): Promise<unknown> {
    const scope = scopeOf(route.security);
    let principal: Principal | null = null;
    let apiKey: string | undefined;
    if (scope !== null) {
      if (values.signature !== undefined) {
        const auth = await this.verify(values);
        principal = this.principal(auth.userId, auth.apiKeyId, auth.scopes);
        apiKey = values.apiKey;
      } else if (this.logon !== null) {
        principal = this.principal(this.logon.userId, this.logon.apiKeyId, this.logon.scopes);
        apiKey = this.logon.apiKey;
      } else {
        throw mandatory('apiKey');
      }
      if (!principal.scopes?.includes(scope)) throw new Refusal(-2015, msg.keyRejected, 401);
    }
    const forRoute = { ...values };
    for (const name of ['apiKey', 'signature', 'timestamp', 'recvWindow']) delete forRoute[name];
    const request = routeRequest(route, forRoute, principal, this.ip, apiKey);
    // The /api/v3 handlers read the request only; the reply is never used.
    return route.handler(Params.of(request), request, request as unknown as FastifyReply);
  }

  private principal(userId: string, apiKeyId: string, scopes: readonly ApiKeyScope[]): Principal {
    return { userId, method: 'apiKey', apiKeyId, scopes, permissions: new Set() };
  }

  private async verify(values: Record<string, string>) {
    const apiKeys = this.deps.apiKeys;
    if (apiKeys === null) throw new BinanceError(-1000, 'Signed requests are not available.', 500);
    const check = readSignedParams(values);
    return apiKeys.authenticateSignedPayload({ ...check, ip: this.ip });
  }

  private sessionStatus() {
    return {
      apiKey: this.logon?.apiKey ?? null,
      authorizedSince: this.logon?.since ?? null,
      connectedSince: this.connectedSince,
      returnRateLimits: this.returnRateLimits,
      serverTime: this.deps.clock.nowMs(),
      userDataStream: this.deps.userData === null ? null : this.subscriptions.size > 0,
    };
  }

  private async sessionMethod(method: string, values: Record<string, string>): Promise<unknown> {
    switch (method) {
      case 'session.logon': {
        const auth = await this.verify(values);
        const key = (await this.deps.apiKeys?.listKeys(auth.userId))?.find((k) => k.id === auth.apiKeyId);
        // Binance authenticates sessions with Ed25519 keys only: an HMAC key signs each request.
        if (key?.type !== 'ED25519') throw new Refusal(-4056, 'HMAC_SHA256 API key is not supported.');
        if (this.logon !== null && this.logon.userId !== auth.userId) this.endSubscriptions(true);
        this.logon = {
          userId: auth.userId,
          apiKey: values.apiKey ?? '',
          apiKeyId: auth.apiKeyId,
          scopes: auth.scopes,
          since: this.deps.clock.nowMs(),
        };
        return this.sessionStatus();
      }
      case 'session.status':
        return this.sessionStatus();
      case 'session.logout':
        this.endSubscriptions(true);
        this.logon = null;
        return this.sessionStatus();
      case 'session.subscriptions':
        return [...this.subscriptions.keys()].map((subscriptionId) => ({ subscriptionId }));
      case 'userDataStream.subscribe': {
        if (this.logon === null) {
          throw new Refusal(-1002, 'You are not authorized to execute this request.', 401);
        }
        return { subscriptionId: await this.subscribe(this.logon.userId, true) };
      }
      case 'userDataStream.subscribe.signature': {
        const auth = await this.verify(values);
        return { subscriptionId: await this.subscribe(auth.userId, false) };
      }
      case 'userDataStream.unsubscribe': {
        const raw = values.subscriptionId;
        if (raw === undefined) {
          this.endSubscriptions(false);
          return {};
        }
        if (!/^[0-9]{1,10}$/.test(raw)) {
          throw new BinanceError(-1100, msg.illegal('subscriptionId', '^[0-9]{1,10}$'));
        }
        const sub = this.subscriptions.get(Number(raw));
        if (sub !== undefined) {
          sub.stop();
          this.subscriptions.delete(Number(raw));
        }
        return {};
      }
      default:
        throw new BinanceError(-1020, `Unknown method '${method.slice(0, 64)}'.`);
    }
  }

  private async subscribe(userId: string, viaLogon: boolean): Promise<number> {
    const userData = this.deps.userData;
    if (userData === null) throw new BinanceError(-1000, 'User data streams are not available.', 500);
    for (const sub of this.subscriptions.values()) {
      if (sub.userId === userId)
        throw new BinanceError(-2035, 'User Data Stream subscription already active.');
    }
    if (this.subscriptions.size >= 1_000) {
      throw new BinanceError(-1000, 'Too many active subscriptions on this connection (at most 1000).');
    }
    const subscriptionId = this.nextSubscriptionId++;
    const stop = await userData.subscribe(userId, (event) => this.send({ subscriptionId, event }));
    if (this.closed) {
      stop();
      return subscriptionId;
    }
    this.subscriptions.set(subscriptionId, { userId, stop, viaLogon });
    return subscriptionId;
  }

  /** Ends the session's subscriptions: those of the logon only, or all. */
  private endSubscriptions(logonOnly: boolean): void {
    for (const [id, sub] of this.subscriptions) {
      if (logonOnly && !sub.viaLogon) continue;
      sub.stop();
      this.subscriptions.delete(id);
    }
  }
}
