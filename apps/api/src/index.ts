export type { PermissionResolver } from './access-pipeline.js';
export { type BuildAppOptions, buildApp } from './build-app.js';
export { listRoutes, type RouteEntry } from './route-permissions.js';
export type { EngineProbe } from './routes/health-routes.js';
