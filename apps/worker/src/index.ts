export { type RunningWorker, runWorker } from './run-worker.js';
