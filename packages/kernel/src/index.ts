export type { ApiApp } from './api-app.js';
export type { AuditEntryInput, AuditSink } from './audit-sink.js';
export { type Clock, SettableClock, systemClock } from './clock.js';
export {
  DomainError,
  defineErrorCodes,
  type ErrorBody,
  errorBodySchema,
  errorStatusOf,
  type PlatformErrorCode,
} from './domain-error.js';
export type { MailRequest, MailSender } from './mail-sender.js';
export { newId } from './new-id.js';
export type { PermissionDefinition, PlatformModule } from './platform-module.js';
export {
  API_KEY_SCOPES,
  type ApiKeyScope,
  type Authentication,
  type Authenticator,
  type AuthMethod,
  type Principal,
} from './principal.js';
export type { RateDecision, RateLimiter, RateRule } from './rate-limiter.js';
export type { Permission, RouteRateLimit } from './route-config.js';
export { actorOf, errorResponses, isoOf, isoOrNull, isoTime, msOf, principalOf } from './route-support.js';
