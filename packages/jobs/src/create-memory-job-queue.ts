import { newId } from '@tradeloom/kernel';
import {
  assertEnqueueOptions,
  assertJobName,
  backoffDelayMs,
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

type MemoryJobState = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed';

interface MemoryJob {
  id: string;
  json: string;
  state: MemoryJobState;
  attemptsMade: number;
  progress: number;
  failedReason: string;
  finishedAtMs: number;
  /** Pending promotion of a delayed job (a delay or a retry back-off). */
  timer: NodeJS.Timeout | null;
  /** This run belongs to the repeat schedule: starting it queues the next one. */
  scheduled: boolean;
}

interface JobType {
  name: string;
  handler: JobHandler<unknown>;
  settings: JobSettings;
  /** Every job still known by id: queued, running, delayed, or in the bounded history. */
  jobs: Map<string, MemoryJob>;
  waiting: MemoryJob[];
  activeCount: number;
  /** Finished job ids, oldest first, at most historyMax each. */
  completedIds: string[];
  failedIds: string[];
}

/**
 * The embedded-mode job queue: jobs live in this process (timers for delays, back-off and repeat
 * schedules) and are lost when it stops, so durable work must be recorded elsewhere first (the mail
 * outbox table, say) and handlers must be idempotent — as with BullMQ, whose semantics it follows.
 */
export function createMemoryJobQueue(options: Omit<JobQueueOptions, 'redisUrl'>): JobQueue {
  const concurrency = options.concurrency ?? 1;
  const historyMax = options.historyMax ?? 1000;
  const logger = options.logger ?? silentLogger;
  const types = new Map<string, JobType>();
  const running = new Set<Promise<void>>();
  let started = false;
  let closed = false;

  function typeOf(name: string): JobType {
    const type = types.get(name);
    if (type === undefined) throw new Error(`job ${name} is not defined`);
    return type;
  }

  function add(type: JobType, json: string, jobId: string, delayMs: number, scheduled: boolean): void {
    const job: MemoryJob = {
      id: jobId,
      json,
      state: 'waiting',
      attemptsMade: 0,
      progress: 0,
      failedReason: '',
      finishedAtMs: 0,
      timer: null,
      scheduled,
    };
    type.jobs.set(jobId, job);
    if (delayMs > 0) delay(type, job, delayMs);
    else wait(type, job);
  }

  function delay(type: JobType, job: MemoryJob, ms: number): void {
    job.state = 'delayed';
    if (closed) return;
    job.timer = setTimeout(() => {
      job.timer = null;
      wait(type, job);
    }, ms);
    // A pending delay alone must not keep the process alive (the API or worker server does).
    job.timer.unref();
  }

  function wait(type: JobType, job: MemoryJob): void {
    job.state = 'waiting';
    type.waiting.push(job);
    pump(type);
  }

  function pump(type: JobType): void {
    while (started && !closed && type.activeCount < concurrency) {
      const job = type.waiting.shift();
      if (job === undefined) return;
      const run = runJob(type, job).finally(() => {
        running.delete(run);
        pump(type);
      });
      running.add(run);
    }
  }

  async function runJob(type: JobType, job: MemoryJob): Promise<void> {
    job.state = 'active';
    type.activeCount++;
    if (job.scheduled && type.settings.repeat !== null) {
      // Like BullMQ's job schedulers: the next run is queued when this one starts, so at most one
      // run waits however slow the handler is.
      add(
        type,
        toJobJson(type.name, type.settings.repeat.data),
        newId('job'),
        type.settings.repeat.everyMs,
        true,
      );
    }
    try {
      await type.handler(JSON.parse(job.json), {
        name: type.name,
        jobId: job.id,
        attempt: job.attemptsMade + 1,
        progress: async (percent) => {
          job.progress = percent;
        },
      });
      job.attemptsMade++;
      finish(type, job, 'completed');
    } catch (error) {
      job.attemptsMade++;
      job.failedReason = messageOf(error);
      const details = { job: type.name, jobId: job.id, attempt: job.attemptsMade, error: job.failedReason };
      if (job.attemptsMade < type.settings.attemptsMax) {
        logger.warn(details, 'job attempt failed; will retry');
        delay(type, job, backoffDelayMs(type.settings.backoffMs, job.attemptsMade));
      } else {
        logger.error(details, 'job failed');
        finish(type, job, 'failed');
      }
    } finally {
      type.activeCount--;
    }
  }

  function finish(type: JobType, job: MemoryJob, state: 'completed' | 'failed'): void {
    job.state = state;
    job.finishedAtMs = Date.now();
    const ids = state === 'completed' ? type.completedIds : type.failedIds;
    ids.push(job.id);
    while (ids.length > historyMax) {
      const forgotten = ids.shift();
      if (forgotten !== undefined) type.jobs.delete(forgotten);
    }
  }

  function assertOpen(): void {
    if (closed) throw new Error('job queue is closed');
  }

  const queue: JobQueue = {
    mode: 'memory',

    define<T>(name: string, handler: JobHandler<T>, defineOptions?: DefineJobOptions<T>): DefinedJob<T> {
      assertOpen();
      assertJobName(name);
      if (types.has(name)) throw new Error(`job ${name} is already defined`);
      if (started) throw new Error(`define job ${name} before start()`);
      types.set(name, {
        name,
        // The data a handler receives is what its own DefinedJob<T> (or enqueue) stored as JSON.
        handler: handler as JobHandler<unknown>,
        settings: settingsOf(defineOptions),
        jobs: new Map(),
        waiting: [],
        activeCount: 0,
        completedIds: [],
        failedIds: [],
      });
      return { name, enqueue: (data, enqueueOptions) => queue.enqueue(name, data, enqueueOptions) };
    },

    async enqueue(name: string, data: unknown, enqueueOptions?: EnqueueOptions): Promise<string> {
      assertOpen();
      const type = typeOf(name);
      assertEnqueueOptions(enqueueOptions);
      const json = toJobJson(name, data);
      const jobId = enqueueOptions?.jobId ?? newId('job');
      if (!type.jobs.has(jobId)) add(type, json, jobId, enqueueOptions?.delayMs ?? 0, false);
      return jobId;
    },

    async start(): Promise<void> {
      assertOpen();
      if (started) return;
      started = true;
      for (const type of types.values()) {
        const repeat = type.settings.repeat;
        if (repeat !== null) add(type, toJobJson(type.name, repeat.data), newId('job'), 0, true);
        pump(type);
      }
    },

    async stats(): Promise<Record<string, JobCounts>> {
      const result: Record<string, JobCounts> = {};
      for (const type of types.values()) {
        const counts: JobCounts = { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 };
        for (const job of type.jobs.values()) counts[job.state]++;
        result[type.name] = counts;
      }
      return result;
    },

    async listFailed(name: string, limit = 100): Promise<FailedJob[]> {
      const type = typeOf(name);
      const failed: FailedJob[] = [];
      for (let i = type.failedIds.length - 1; i >= 0 && failed.length < limit; i--) {
        const job = type.jobs.get(type.failedIds[i]!);
        if (job === undefined) continue;
        failed.push({
          jobId: job.id,
          name,
          data: JSON.parse(job.json),
          attemptsMade: job.attemptsMade,
          failedReason: job.failedReason,
          failedAtMs: job.finishedAtMs,
        });
      }
      return failed;
    },

    async retry(name: string, jobId: string): Promise<boolean> {
      assertOpen();
      const type = typeOf(name);
      const job = type.jobs.get(jobId);
      if (job === undefined || job.state !== 'failed') return false;
      type.failedIds.splice(type.failedIds.indexOf(jobId), 1);
      job.attemptsMade = 0;
      job.failedReason = '';
      job.finishedAtMs = 0;
      wait(type, job);
      return true;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const type of types.values()) {
        for (const job of type.jobs.values()) {
          if (job.timer !== null) clearTimeout(job.timer);
        }
      }
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
  return queue;
}
