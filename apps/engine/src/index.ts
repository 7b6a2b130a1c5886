export { openProjectedEngine, type ProjectedEngine } from './attach-projector.js';
export { EngineClient } from './client.js';
export { type EngineGateway, localEngineGateway } from './engine-gateway.js';
export type { EngineHostOptions, RecoveryReport, ReplayedResult, ResultListener } from './engine-host.js';
export { EngineHost } from './engine-host.js';
export type { Query } from './protocol.js';
export type { BookView } from './queries.js';
export { serveEngine } from './server.js';
