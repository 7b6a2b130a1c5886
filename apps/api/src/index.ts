export type { ApiApp } from './api-app.js';
export { type BuildAppOptions, buildApp } from './build-app.js';
export { DomainError, type ErrorBody, type ErrorCode, errorBodySchema, errorStatus } from './domain-error.js';
export { listRoutes, type Permission, type RouteEntry } from './route-permissions.js';
export type { EngineProbe } from './routes/health-routes.js';
