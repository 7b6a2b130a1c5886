export { createJobQueue } from './create-job-queue.js';
export { createMemoryJobQueue } from './create-memory-job-queue.js';
export { createRedisJobQueue } from './create-redis-job-queue.js';
export type {
  DefinedJob,
  DefineJobOptions,
  EnqueueOptions,
  FailedJob,
  JobContext,
  JobCounts,
  JobHandler,
  JobLogger,
  JobQueue,
  JobQueueOptions,
} from './job-queue.js';
