import { fileURLToPath } from 'node:url';
import { type PlatformModule, systemClock } from '@tradeloom/kernel';
import './errors.js';
import { createFederationService } from './federation-service.js';
import type { IdentityContext } from './identity-context.js';
import { defaultTuning, type IdentityDeps } from './identity-options.js';
import { registerIdentityMailTemplates } from './mail-templates.js';
import { createMemoryRateLimiter } from './memory-rate-limiter.js';
import { createPasskeyService } from './passkey-service.js';
import { registerAccountRoutes } from './routes/account-routes.js';
import { registerAuthRoutes } from './routes/auth-routes.js';
import { registerFederationRoutes } from './routes/federation-routes.js';
import { registerOidcRoutes } from './routes/oidc-routes.js';
import { registerPasskeyRoutes } from './routes/passkey-routes.js';
import { refuseNonJsonBodies } from './routes/route-support.js';
import { registerTwoFactorRoutes } from './routes/two-factor-routes.js';
import { deriveSecretKeys } from './secret-keys.js';
import { createIdentityService, type IdentityService } from './service.js';
import { createSessionAuthenticator } from './session-authenticator.js';

export { type IdentityErrorCode, identityErrors } from './errors.js';
export type { LinkedIdentity } from './federated-login.js';
export type { RequestContext } from './identity-context.js';
export {
  defaultTuning,
  type IdentityConfig,
  type IdentityDeps,
  type IdentityTuning,
  type OidcProviderConfig,
} from './identity-options.js';
export type { LoginResult, SecondFactorMethod } from './log-in.js';
export type { LoginEvent, LoginMethod, LoginOutcome } from './login-events.js';
export {
  type IdentityMailTemplate,
  identityMailTemplates,
  type MailTemplateRegistrar,
  registerIdentityMailTemplates,
} from './mail-templates.js';
export type { PasskeyAdded } from './manage-passkeys.js';
export type { FactorChange, TotpEnrolment, TwoFactorStatus } from './manage-totp.js';
export type { IdentityMailVars } from './notify.js';
export type { PasskeyView } from './passkey-store.js';
export {
  checkPassword,
  PASSWORD_LENGTH_MAX,
  PASSWORD_LENGTH_MIN,
  type PasswordRuleViolation,
} from './password-policy.js';
export { defaultPurgePolicy, type PurgeCounts, type PurgePolicy } from './purge-expired.js';
export type { ReauthProof } from './reauthenticate.js';
export type { IdentityService, OwnSession } from './service.js';
export { DEVICE_COOKIE, SESSION_COOKIE } from './session-cookie.js';
export type { SessionView } from './session-store.js';
export type { User } from './user-repository.js';

/**
 * The identity module: users, registration and email verification, login with an optional TOTP
 * step, server-side cookie sessions (its authenticator), password reset and changes, account
 * protection. Its `users` table is the one other modules reference.
 */
export function createIdentityModule(deps: IdentityDeps): {
  module: PlatformModule;
  service: IdentityService;
} {
  const clock = deps.clock ?? systemClock;
  const ownLimiter = deps.rateLimiter === null ? createMemoryRateLimiter(clock) : null;
  const context: IdentityContext = {
    database: deps.database,
    config: deps.config,
    clock,
    mail: deps.mail,
    audit: deps.audit,
    limiter: deps.rateLimiter ?? ownLimiter ?? createMemoryRateLimiter(clock),
    keys: deriveSecretKeys(deps.secretKey),
    tuning: { ...defaultTuning, ...deps.tuning },
    totpIssuer: deps.totpIssuer ?? 'Tradeloom',
    onUserCreated: deps.onUserCreated,
  };
  const { registerTemplate, templateNames } = deps.mail;
  if (registerTemplate !== undefined && templateNames !== undefined) {
    registerIdentityMailTemplates({
      registerTemplate: registerTemplate.bind(deps.mail),
      templateNames: templateNames.bind(deps.mail),
    });
  }
  const service = createIdentityService(context);
  const federation = createFederationService(context);
  const passkeys = createPasskeyService(context);
  const module: PlatformModule = {
    name: 'identity',
    migrationsDir: fileURLToPath(new URL('../migrations/', import.meta.url)),
    authenticators: [createSessionAuthenticator(context)],
    routes: (app) => {
      app.addHook('onRequest', refuseNonJsonBodies);
      registerAuthRoutes(app, service, deps.config);
      registerAccountRoutes(app, service, deps.config);
      registerTwoFactorRoutes(app, service, deps.config);
      registerFederationRoutes(app, federation, deps.config);
      registerOidcRoutes(app, federation, deps.config);
      registerPasskeyRoutes(app, passkeys, deps.config);
    },
    // The shared limiter belongs to whoever passed it; only our own fallback is ours to close.
    close: async () => {
      await ownLimiter?.close();
    },
  };
  return { module, service };
}
