// Test support for other modules: a cookie-keeping HTTP client and a user signed in through the
// real API (login over HTTP, optionally with TOTP turned on through the real enrolment routes).
import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '@tradeloom/kernel';
import { generate } from 'otplib';
import type { IdentityService } from './service.js';
import { SESSION_COOKIE } from './session-cookie.js';
import { TOTP_PERIOD_S, totpStepAt } from './totp.js';

const UNSAFE = /^(POST|PUT|PATCH|DELETE)$/i;

/** A JSON answer. */
export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A minimal browser over fetch: keeps the cookies the API sets, sends them back, and sends the CSRF
 * token it last learnt on unsafe methods (as the portal does).
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  csrfToken: string | null = null;

  constructor(
    readonly baseUrl: string,
    readonly userAgent = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  ) {}

  /** The Cookie header this browser sends. */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** fetch against the API with this browser's cookies and CSRF token; stores the cookies it gets. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (!headers.has('user-agent')) headers.set('user-agent', this.userAgent);
    const cookie = this.cookieHeader();
    if (cookie !== '' && !headers.has('cookie')) headers.set('cookie', cookie);
    const method = init.method ?? 'GET';
    if (UNSAFE.test(method) && this.csrfToken !== null && !headers.has('x-csrf-token')) {
      headers.set('x-csrf-token', this.csrfToken);
    }
    if (init.body !== undefined && !headers.has('content-type'))
      headers.set('content-type', 'application/json');
    const response = await fetch(`${this.baseUrl}${path}`, { ...init, headers });
    for (const line of response.headers.getSetCookie()) this.storeCookie(line);
    return response;
  }

  /** Sends JSON (or nothing) and parses the JSON answer; learns a `csrfToken` found in it. */
  async json<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<JsonResponse<T>> {
    const response = await this.fetch(path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed = (text === '' ? null : JSON.parse(text)) as T;
    const csrf = (parsed as { csrfToken?: unknown } | null)?.csrfToken;
    if (typeof csrf === 'string') this.csrfToken = csrf;
    return { status: response.status, body: parsed, headers: response.headers };
  }

  private storeCookie(line: string): void {
    const [pair = '', ...attributes] = line.split(';');
    const at = pair.indexOf('=');
    if (at < 1) return;
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    const expires = attributes.find((attribute) => /^\s*expires=/i.test(attribute));
    const maxAge = attributes.find((attribute) => /^\s*max-age=/i.test(attribute));
    const gone =
      value === '' ||
      (maxAge !== undefined && Number(maxAge.split('=')[1]) <= 0) ||
      (expires !== undefined && Date.parse(expires.split('=')[1] ?? '') <= Date.now());
    if (gone) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

/** Codes of a TOTP seed, each time step at most once (as the server accepts them). */
export class TotpDevice {
  private lastStep = -1;

  constructor(
    readonly secret: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * A code the server will accept now: the current step's, or the next one's when the current one
   * was used (the server tolerates one step of drift). Past that, advance the clock 30 s.
   */
  async nextCode(): Promise<string> {
    const nowStep = totpStepAt(this.clock.nowMs());
    const step = Math.max(nowStep, this.lastStep + 1);
    if (step > nowStep + 1) {
      throw new Error('TotpDevice: both usable time steps are spent; advance the clock by 30 s');
    }
    this.lastStep = step;
    return generate({ secret: this.secret, epoch: step * TOTP_PERIOD_S, period: TOTP_PERIOD_S });
  }
}

/** Options of `createSignedInUser`. */
export interface SignedInUserOptions {
  email?: string;
  password?: string;
  displayName?: string;
  /** Turn TOTP on through the enrolment routes (the returned session then proved it). */
  totp?: boolean;
  /** The clock the identity module runs on (TOTP codes follow it); default the system clock. */
  clock?: Clock;
  userAgent?: string;
}

/** A user signed in through the real API. */
export interface SignedInUser {
  userId: string;
  email: string;
  password: string;
  /** `tl_session=…`, for a Cookie header (as of sign-in; `browser` follows later rotations). */
  cookie: string;
  csrfToken: string;
  browser: TestBrowser;
  /** fetch with the session cookie and, on unsafe methods, the CSRF header. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** With `totp: true`: the authenticator and the recovery codes handed out at enrolment. */
  totp?: { device: TotpDevice; recoveryCodes: string[] };
}

/**
 * Creates a user (email verified) through the service, then signs in over HTTP like a browser, and
 * with `totp` turns TOTP on through the routes. Throws with the answer when a step fails.
 */
export async function createSignedInUser(
  api: { url: string },
  identity: IdentityService,
  options: SignedInUserOptions = {},
): Promise<SignedInUser> {
  const email = options.email ?? `user-${randomBytes(6).toString('hex')}@example.com`;
  const password = options.password ?? `violet ${randomBytes(9).toString('base64url')} kettle`;
  const user = await identity.createUser(
    {
      email,
      password,
      emailVerified: true,
      ...(options.displayName === undefined ? {} : { displayName: options.displayName }),
    },
    'test',
  );
  const browser = new TestBrowser(api.url, options.userAgent);
  const login = await browser.json('POST', '/api/v1/auth/login', { email, password });
  expectStatus(login, 200, 'login');
  let totp: SignedInUser['totp'];
  if (options.totp === true) {
    const enrol = await browser.json<{ secret: string }>('POST', '/api/v1/account/two-factor/totp/enrol', {
      currentPassword: password,
    });
    expectStatus(enrol, 200, 'TOTP enrolment');
    const device = new TotpDevice(enrol.body.secret, options.clock);
    const confirm = await browser.json<{ recoveryCodes: string[] }>(
      'POST',
      '/api/v1/account/two-factor/totp/confirm',
      {
        code: await device.nextCode(),
      },
    );
    expectStatus(confirm, 200, 'TOTP confirmation');
    totp = { device, recoveryCodes: confirm.body.recoveryCodes };
  }
  const token = browser.cookies.get(SESSION_COOKIE);
  if (token === undefined || browser.csrfToken === null)
    throw new Error('createSignedInUser: no session cookie');
  return {
    userId: user.id,
    email: user.email,
    password,
    cookie: `${SESSION_COOKIE}=${token}`,
    csrfToken: browser.csrfToken,
    browser,
    fetch: (path, init) => browser.fetch(path, init),
    ...(totp === undefined ? {} : { totp }),
  };
}

function expectStatus(response: JsonResponse, status: number, step: string): void {
  if (response.status !== status) {
    throw new Error(
      `createSignedInUser: ${step} answered ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
}

export { addPasskey, type PasskeyAddedBody } from './testing/add-passkey.js';
export {
  type CeremonyOverrides,
  SoftAuthenticator,
  type SoftCredential,
} from './testing/soft-authenticator.js';
