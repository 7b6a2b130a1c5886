/** What a handler knows about the run it is in. */
export interface JobContext {
  /** The job's name (what it was defined as). */
  name: string;
  jobId: string;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
  /** Records how far the run got (0–100); shown by monitoring, not used for scheduling. */
  progress(percent: number): Promise<void>;
}

/** Runs one job. Throwing (or rejecting) fails the attempt; the job is retried while attempts remain. */
export type JobHandler<T> = (data: T, context: JobContext) => Promise<void>;

interface RetryOptions {
  /** Runs at most this many times in total (default 1: no retry). */
  attemptsMax?: number;
  /** Delay before the first retry; it doubles for each further retry (default 1000). */
  backoffMs?: number;
}

/**
 * How a job is retried and, optionally, scheduled: with `repeatEveryMs`, a run with `repeatData` is
 * queued when `start()` is called and then every `repeatEveryMs` (one pending run at a time).
 */
export type DefineJobOptions<T> = RetryOptions &
  ({ repeatEveryMs?: undefined; repeatData?: undefined } | { repeatEveryMs: number; repeatData: T });

/** How one job is queued. */
export interface EnqueueOptions {
  /**
   * Makes enqueueing idempotent: while a job with this id (for this name) is queued, running or kept in
   * the history, enqueueing it again does nothing. Letters, digits, `_`, `-` and `.`; not only digits.
   */
  jobId?: string;
  /** Run no sooner than this many milliseconds from now. */
  delayMs?: number;
}

/** A defined job name, typed by its data. */
export interface DefinedJob<T> {
  readonly name: string;
  /** Queues a run; resolves to the job id (the existing job's id when `jobId` was already queued). */
  enqueue(data: T, options?: EnqueueOptions): Promise<string>;
}

/** How many jobs of one name are in each state (completed and failed: the kept history). */
export interface JobCounts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
}

/** A job that used up its attempts. */
export interface FailedJob {
  jobId: string;
  name: string;
  data: unknown;
  attemptsMade: number;
  /** The last attempt's error message. */
  failedReason: string;
  failedAtMs: number;
}

/** Where the queue reports failed attempts and connection trouble (a pino logger fits). */
export interface JobLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/**
 * A job queue: in-process in embedded mode, BullMQ on Redis in server mode. Every process defines the
 * jobs it enqueues or runs; only processes that run them call `start()`.
 */
export interface JobQueue {
  readonly mode: 'memory' | 'redis';
  /** Declares a job name, its handler and its retry and schedule options (before `start()`). */
  define<T>(name: string, handler: JobHandler<T>, options?: DefineJobOptions<T>): DefinedJob<T>;
  /** Queues a run of a defined job; `data` must survive JSON (it is stored as JSON in both modes). */
  enqueue(name: string, data: unknown, options?: EnqueueOptions): Promise<string>;
  /** Starts running jobs (and repeat schedules) in this process. */
  start(): Promise<void>;
  /** Counts per defined job name. */
  stats(): Promise<Record<string, JobCounts>>;
  /** Failed jobs of a name, most recent first. */
  listFailed(name: string, limit?: number): Promise<FailedJob[]>;
  /** Queues a failed job again with fresh attempts; false when there is no such failed job. */
  retry(name: string, jobId: string): Promise<boolean>;
  /** Stops taking jobs, waits for the running ones to finish, and releases timers and connections. */
  close(): Promise<void>;
}

/** Options shared by both implementations. */
export interface JobQueueOptions {
  /** `redis://…` in server mode (BullMQ); null runs jobs in this process (embedded mode). */
  redisUrl: string | null;
  /** Namespaces the Redis keys (BullMQ's `prefix`); one per deployment, or per test run. */
  prefix: string;
  /** Jobs of one name run at once in this process (default 1). */
  concurrency?: number;
  /** Completed and failed jobs kept per name (each; default 1000); older ones are forgotten. */
  historyMax?: number;
  logger?: JobLogger;
}
