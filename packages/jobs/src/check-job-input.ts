import type { DefineJobOptions, EnqueueOptions, JobLogger } from './job-queue.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const JOB_ID = /^[A-Za-z0-9_.-]{1,200}$/;
const DIGITS = /^[0-9]+$/;

/** A job's retry and schedule settings with the defaults filled in. */
export interface JobSettings {
  attemptsMax: number;
  backoffMs: number;
  repeat: { everyMs: number; data: unknown } | null;
}

/** Checks a job name (it becomes part of Redis keys, where BullMQ forbids `:`). */
export function assertJobName(name: string): void {
  if (!NAME.test(name)) {
    throw new Error(
      `job name ${JSON.stringify(name)} must be letters, digits, '.', '_' or '-' (100 at most)`,
    );
  }
}

/** Checks define() options and fills in the defaults. */
export function settingsOf(options: DefineJobOptions<unknown> | undefined): JobSettings {
  const attemptsMax = options?.attemptsMax ?? 1;
  const backoffMs = options?.backoffMs ?? 1000;
  if (!Number.isSafeInteger(attemptsMax) || attemptsMax < 1) {
    throw new RangeError(`attemptsMax must be a positive integer, got ${attemptsMax}`);
  }
  if (!Number.isSafeInteger(backoffMs) || backoffMs < 0) {
    throw new RangeError(`backoffMs must be a non-negative integer, got ${backoffMs}`);
  }
  if (options?.repeatEveryMs === undefined) return { attemptsMax, backoffMs, repeat: null };
  if (!Number.isSafeInteger(options.repeatEveryMs) || options.repeatEveryMs < 1) {
    throw new RangeError(`repeatEveryMs must be a positive integer, got ${options.repeatEveryMs}`);
  }
  return { attemptsMax, backoffMs, repeat: { everyMs: options.repeatEveryMs, data: options.repeatData } };
}

/** Checks enqueue() options; the same rules hold in both modes so code tested on one runs on the other. */
export function assertEnqueueOptions(options: EnqueueOptions | undefined): void {
  const jobId = options?.jobId;
  if (jobId !== undefined && (!JOB_ID.test(jobId) || DIGITS.test(jobId))) {
    throw new Error(
      `jobId ${JSON.stringify(jobId)} must be 1-200 letters, digits, '.', '_' or '-', and not only digits`,
    );
  }
  const delayMs = options?.delayMs;
  if (delayMs !== undefined && (!Number.isSafeInteger(delayMs) || delayMs < 0)) {
    throw new RangeError(`delayMs must be a non-negative integer, got ${delayMs}`);
  }
}

/** The job data as stored: JSON text (so memory mode hands handlers what Redis mode would). */
export function toJobJson(name: string, data: unknown): string {
  const json = JSON.stringify(data);
  if (json === undefined) throw new TypeError(`data of job ${name} is not JSON-serialisable`);
  return json;
}

/** The delay before the retry after `attemptsMade` failed attempts (exponential, as BullMQ's). */
export function backoffDelayMs(backoffMs: number, attemptsMade: number): number {
  return Math.round(2 ** (attemptsMade - 1) * backoffMs);
}

/** A logger that drops everything (when the caller gave none). */
export const silentLogger: JobLogger = { warn: () => {}, error: () => {} };

/** The message of whatever a handler threw. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
