import { newId } from '@tradeloom/kernel';
import { type Job, type JobsOptions, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  assertEnqueueOptions,
  assertJobName,
  type JobSettings,
  messageOf,
  settingsOf,
  silentLogger,
  toJobJson,
} from './check-job-input.js';
import type {
  DefinedJob,
  DefineJobOptions,
  EnqueueOptions,
  FailedJob,
  JobCounts,
  JobHandler,
  JobQueue,
  JobQueueOptions,
} from './job-queue.js';

interface JobType {
  name: string;
  handler: JobHandler<unknown>;
  settings: JobSettings;
  queue: Queue;
  jobOptions: JobsOptions;
}

const COUNTED_STATES = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const;

/**
 * The server-mode job queue on BullMQ: one BullMQ queue per job name under `prefix`, workers only in
 * processes that call `start()`, repeat schedules as BullMQ job schedulers (one per name, so several
 * worker processes upserting the same schedule still run it once per period).
 */
export function createRedisJobQueue(options: JobQueueOptions & { redisUrl: string }): JobQueue {
  const concurrency = options.concurrency ?? 1;
  const historyMax = options.historyMax ?? 1000;
  const logger = options.logger ?? silentLogger;
  // BullMQ requires maxRetriesPerRequest: null: its blocking worker commands must outlive reconnects.
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const reportError = (error: Error) => logger.error({ error: error.message }, 'job queue Redis error');
  connection.on('error', reportError);
  const types = new Map<string, JobType>();
  const workers: Worker[] = [];
  let started = false;
  let closed = false;

  function typeOf(name: string): JobType {
    const type = types.get(name);
    if (type === undefined) throw new Error(`job ${name} is not defined`);
    return type;
  }

  function assertOpen(): void {
    if (closed) throw new Error('job queue is closed');
  }

  function startWorker(type: JobType): Worker {
    const processJob = async (job: Job): Promise<void> => {
      const attempt = job.attemptsMade + 1;
      try {
        await type.handler(job.data, {
          name: type.name,
          jobId: job.id ?? '',
          attempt,
          progress: (percent) => job.updateProgress(percent),
        });
      } catch (error) {
        const details = { job: type.name, jobId: job.id, attempt, error: messageOf(error) };
        if (attempt < type.settings.attemptsMax) logger.warn(details, 'job attempt failed; will retry');
        else logger.error(details, 'job failed');
        throw error;
      }
    };
    const worker = new Worker(type.name, processJob, { connection, prefix: options.prefix, concurrency });
    worker.on('error', reportError);
    return worker;
  }

  const queue: JobQueue = {
    mode: 'redis',

    define<T>(name: string, handler: JobHandler<T>, defineOptions?: DefineJobOptions<T>): DefinedJob<T> {
      assertOpen();
      assertJobName(name);
      if (types.has(name)) throw new Error(`job ${name} is already defined`);
      if (started) throw new Error(`define job ${name} before start()`);
      const settings = settingsOf(defineOptions);
      const bullQueue = new Queue(name, { connection, prefix: options.prefix });
      bullQueue.on('error', reportError);
      types.set(name, {
        name,
        // The data a handler receives is what its own DefinedJob<T> (or enqueue) stored as JSON.
        handler: handler as JobHandler<unknown>,
        settings,
        queue: bullQueue,
        jobOptions: {
          attempts: settings.attemptsMax,
          backoff: { type: 'exponential', delay: settings.backoffMs },
          removeOnComplete: { count: historyMax },
          removeOnFail: { count: historyMax },
        },
      });
      return { name, enqueue: (data, enqueueOptions) => queue.enqueue(name, data, enqueueOptions) };
    },

    async enqueue(name: string, data: unknown, enqueueOptions?: EnqueueOptions): Promise<string> {
      assertOpen();
      const type = typeOf(name);
      assertEnqueueOptions(enqueueOptions);
      toJobJson(name, data);
      const jobId = enqueueOptions?.jobId ?? newId('job');
      // BullMQ ignores an add whose jobId exists (queued, running or kept) and answers that job.
      const job = await type.queue.add(name, data, {
        ...type.jobOptions,
        jobId,
        ...(enqueueOptions?.delayMs ? { delay: enqueueOptions.delayMs } : {}),
      });
      return job.id ?? jobId;
    },

    async start(): Promise<void> {
      assertOpen();
      if (started) return;
      started = true;
      for (const type of types.values()) {
        const repeat = type.settings.repeat;
        if (repeat === null) {
          // The schedule follows the code: a job that no longer repeats loses its old scheduler.
          await type.queue.removeJobScheduler(type.name);
        } else {
          await type.queue.upsertJobScheduler(
            type.name,
            { every: repeat.everyMs },
            { name: type.name, data: repeat.data, opts: type.jobOptions },
          );
        }
        workers.push(startWorker(type));
      }
      await Promise.all(workers.map((worker) => worker.waitUntilReady()));
    },

    async stats(): Promise<Record<string, JobCounts>> {
      const result: Record<string, JobCounts> = {};
      for (const type of types.values()) {
        const counts = await type.queue.getJobCounts(...COUNTED_STATES);
        result[type.name] = {
          waiting: counts.waiting ?? 0,
          active: counts.active ?? 0,
          completed: counts.completed ?? 0,
          failed: counts.failed ?? 0,
          delayed: counts.delayed ?? 0,
        };
      }
      return result;
    },

    async listFailed(name: string, limit = 100): Promise<FailedJob[]> {
      const type = typeOf(name);
      const jobs = await type.queue.getFailed(0, limit - 1);
      return jobs
        .filter((job): job is Job => job !== undefined && job !== null)
        .map((job) => ({
          jobId: job.id ?? '',
          name,
          data: job.data,
          attemptsMade: job.attemptsMade,
          failedReason: job.failedReason,
          failedAtMs: job.finishedOn ?? 0,
        }));
    },

    async retry(name: string, jobId: string): Promise<boolean> {
      assertOpen();
      const type = typeOf(name);
      const job = await type.queue.getJob(jobId);
      if (job === undefined || (await job.getState()) !== 'failed') return false;
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      return true;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      // Worker.close waits for the jobs it is running.
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all([...types.values()].map((type) => type.queue.close()));
      if (connection.status === 'ready') await connection.quit();
      else connection.disconnect();
    },
  };
  return queue;
}
