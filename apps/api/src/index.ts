export type { PermissionResolver } from './access-pipeline.js';
export { type BuildAppOptions, buildApp } from './build-app.js';
export { composePlatform, type Platform, type PlatformDeps } from './platform/compose-platform.js';
export { acquireEmbeddedLock } from './platform/embedded-lock.js';
export { loadMasterKey } from './platform/master-key.js';
export type { DemoAccount } from './platform/seed-demo.js';
export { type RunningPlatform, type StartPlatformOptions, startPlatform } from './platform/start-platform.js';
export { listRoutes, type RouteEntry } from './route-permissions.js';
export type { EngineProbe } from './routes/health-routes.js';
