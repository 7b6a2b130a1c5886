import type {} from '@fastify/cookie';
import { type ApiApp, DomainError } from '@tradeloom/kernel';
import { z } from 'zod';
import type { FederationService } from '../federation-service.js';
import type { IdentityConfig } from '../identity-options.js';
import { OIDC_LOGIN_TTL_MS } from '../oidc-login.js';
import { setDeviceCookie, setSessionCookie } from '../session-cookie.js';
import { errorResponses, presentedSessionId, requestContextOf } from './route-support.js';

/** Carries the state of a login in flight, so only the browser that started it can finish it. */
export const OIDC_STATE_COOKIE = 'tl_oidc_state';
const cookiePath = '/api/v1/auth/oidc';
const tags = ['auth'];
const providerParams = z.object({ provider: z.string().min(1).max(64) });
const redirectResponse = {
  302: z.null().describe('To the provider'),
  303: z.null().describe('To the portal'),
};

/** /api/v1/auth/oidc/…: sign-in with the configured OpenID Connect providers. */
export function registerOidcRoutes(app: ApiApp, federation: FederationService, config: IdentityConfig): void {
  app.get(
    '/api/v1/auth/oidc/providers',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'OpenID Connect providers users may sign in with',
        tags,
        response: {
          200: z.object({
            providers: z.array(z.object({ id: z.string(), label: z.string(), startUrl: z.string() })),
          }),
          ...errorResponses,
        },
      },
    },
    async () => ({
      providers: federation.listOidcProviders().map((provider) => ({
        ...provider,
        startUrl: `${cookiePath}/${encodeURIComponent(provider.id)}/start`,
      })),
    }),
  );

  app.get(
    '/api/v1/auth/oidc/:provider/start',
    {
      config: { permission: 'public', rateLimit: { name: 'identity-oidc', points: 30, durationS: 60 } },
      schema: {
        summary: 'Leave for the provider to sign in (browser navigation)',
        description:
          'Redirects to the provider with state, nonce and PKCE (S256); sets a short-lived httpOnly cookie with ' +
          'the state. IDENTITY_OIDC_PROVIDER_UNKNOWN for an id not configured.',
        tags,
        params: providerParams,
        response: { ...redirectResponse, 404: errorResponses[400], ...errorResponses },
      },
    },
    async (request, reply) => {
      const { authorizationUrl, state } = await federation.startOidcLogin(request.params.provider);
      reply.setCookie(OIDC_STATE_COOKIE, state, {
        path: cookiePath,
        httpOnly: true,
        secure: config.cookieSecure,
        // Lax: the provider's redirect back is a top-level GET from another site.
        sameSite: 'lax',
        maxAge: OIDC_LOGIN_TTL_MS / 1000,
      });
      return reply.redirect(authorizationUrl, 302);
    },
  );

  app.get(
    '/api/v1/auth/oidc/:provider/callback',
    {
      config: { permission: 'public', rateLimit: { name: 'identity-login', points: 20, durationS: 60 } },
      schema: {
        summary: 'Where the provider sends the browser back',
        description:
          'Signed in: sets the session cookie and redirects to the portal (`/`). With 2FA on: redirects to ' +
          '`/login#pendingToken=…` (a fragment never reaches a server or a Referer) for ' +
          '/api/v1/auth/login/second-factor. Refused: redirects to `/login?error=<code>` ' +
          '(IDENTITY_OIDC_FAILED for a state, code or id_token problem, IDENTITY_OIDC_EMAIL_UNVERIFIED, …).',
        tags,
        params: providerParams,
        querystring: z.record(z.string(), z.string()),
        response: { ...redirectResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.clearCookie(OIDC_STATE_COOKIE, { path: cookiePath });
      try {
        const result = await federation.finishOidcLogin(
          {
            providerId: request.params.provider,
            query: new URLSearchParams(request.query),
            stateCookie: request.cookies[OIDC_STATE_COOKIE],
          },
          requestContextOf(request),
          presentedSessionId(request),
        );
        if (result.status === 'second_factor_required') {
          return reply.redirect(
            `${config.publicUrl}/login#pendingToken=${encodeURIComponent(result.pendingToken)}`,
            303,
          );
        }
        setSessionCookie(reply, config, result.session.token, result.session.expiresAtMs);
        setDeviceCookie(reply, config, result.deviceToken);
        return reply.redirect(`${config.publicUrl}/`, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        request.log.info({ code: error.code, details: error.details }, 'oidc login refused');
        return reply.redirect(`${config.publicUrl}/login?error=${encodeURIComponent(error.code)}`, 303);
      }
    },
  );
}
