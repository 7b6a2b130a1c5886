// Node-side entry of @tradeloom/portal: build and serve the Next.js app (used by apps/api's main.ts
// and by the end-to-end tests). The app itself is src/app.
export { buildPortal, isPortalBuilt } from './build-portal';
export { PORTAL_DIR } from './portal-dir';
export { type PortalServer, type PortalServerOptions, startPortal } from './start-portal';
