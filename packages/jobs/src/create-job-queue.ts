import { createMemoryJobQueue } from './create-memory-job-queue.js';
import { createRedisJobQueue } from './create-redis-job-queue.js';
import type { JobQueue, JobQueueOptions } from './job-queue.js';

/** The job queue for the mode: BullMQ on Redis when `redisUrl` is set, in-process otherwise. */
export function createJobQueue(options: JobQueueOptions): JobQueue {
  const { redisUrl } = options;
  return redisUrl === null ? createMemoryJobQueue(options) : createRedisJobQueue({ ...options, redisUrl });
}
