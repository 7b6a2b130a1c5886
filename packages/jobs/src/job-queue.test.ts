// Proves both job queues (in-process and BullMQ on the real Redis) keep the same contract: runs, retries, ids, delays, repeats, stats, failures, close.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createJobQueue } from './create-job-queue.js';
import type { JobContext, JobLogger, JobQueue, JobQueueOptions } from './job-queue.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const runPrefix = `test-jobs-${randomUUID()}`;
const admin = new Redis(REDIS_URL);

afterAll(async () => {
  expect(await keysMatching(`${runPrefix}*`)).toEqual([]);
  await admin.quit();
});

async function keysMatching(pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

interface LogLine {
  level: 'warn' | 'error';
  details: object;
  message: string;
}

describe.each(['memory', 'redis'] as const)('job queue in %s', (mode) => {
  const opened: JobQueue[] = [];
  const prefixes: string[] = [];
  const logs: LogLine[] = [];
  const logger: JobLogger = {
    warn: (details, message) => logs.push({ level: 'warn', details, message }),
    error: (details, message) => logs.push({ level: 'error', details, message }),
  };

  /** A queue under a prefix of its own (a second call with the same prefix is another process). */
  function open(options: Partial<Omit<JobQueueOptions, 'redisUrl'>> = {}): JobQueue {
    const prefix = options.prefix ?? `${runPrefix}-${prefixes.length}`;
    prefixes.push(prefix);
    const queue = createJobQueue({
      redisUrl: mode === 'redis' ? REDIS_URL : null,
      logger,
      ...options,
      prefix,
    });
    opened.push(queue);
    return queue;
  }

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((queue) => queue.close()));
    logs.length = 0;
    for (const prefix of prefixes.splice(0)) {
      const keys = await keysMatching(`${prefix}:*`);
      if (keys.length > 0) await admin.del(...keys);
    }
  });

  it('runs a job with its data, as JSON, and counts it completed', async () => {
    const queue = open();
    expect(queue.mode).toBe(mode);
    const seen: { data: unknown; context: Omit<JobContext, 'progress'> }[] = [];
    const job = queue.define<{ to: string; at: string }>('mail.deliver', async (data, context) => {
      await context.progress(50);
      seen.push({ data, context: { name: context.name, jobId: context.jobId, attempt: context.attempt } });
    });
    await queue.start();
    const jobId = await job.enqueue({ to: 'a@example.com', at: '2024-01-01T00:00:00.000Z' });
    expect(jobId).toMatch(/^job_[0-9a-z]{26}$/);
    await waitFor(() => seen.length === 1);
    expect(seen[0]).toEqual({
      data: { to: 'a@example.com', at: '2024-01-01T00:00:00.000Z' },
      context: { name: 'mail.deliver', jobId, attempt: 1 },
    });
    await waitFor(async () => (await queue.stats())['mail.deliver']?.completed === 1);
    expect(await queue.stats()).toEqual({
      'mail.deliver': { waiting: 0, active: 0, completed: 1, failed: 0, delayed: 0 },
    });
  });

  it('retries a failing job with exponential back-off until it succeeds', async () => {
    const queue = open();
    const attempts: { attempt: number; atMs: number }[] = [];
    queue.define(
      'flaky',
      async (_data, { attempt }) => {
        attempts.push({ attempt, atMs: Date.now() });
        if (attempt < 3) throw new Error(`boom ${attempt}`);
      },
      { attemptsMax: 3, backoffMs: 100 },
    );
    await queue.start();
    const jobId = await queue.enqueue('flaky', { n: 1 });
    await waitFor(async () => (await queue.stats()).flaky?.completed === 1);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    const [first, second, third] = attempts.map((a) => a.atMs) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(95);
    expect(third - second).toBeGreaterThanOrEqual(195);
    expect(await queue.listFailed('flaky')).toEqual([]);
    expect(logs.map((l) => [l.level, l.message])).toEqual([
      ['warn', 'job attempt failed; will retry'],
      ['warn', 'job attempt failed; will retry'],
    ]);
    expect(logs[0]?.details).toEqual({ job: 'flaky', jobId, attempt: 1, error: 'boom 1' });
  });

  it('lists a job that used up its attempts as failed, and retry runs it again with fresh attempts', async () => {
    const queue = open();
    let healthy = false;
    const attempts: number[] = [];
    queue.define(
      'charge',
      async (_data, { attempt }) => {
        attempts.push(attempt);
        if (!healthy) throw new Error('provider down');
      },
      { attemptsMax: 2, backoffMs: 10 },
    );
    await queue.start();
    const first = await queue.enqueue('charge', { order: 'ord_1' });
    const second = await queue.enqueue('charge', { order: 'ord_2' });
    await waitFor(async () => (await queue.stats()).charge?.failed === 2);

    const failed = await queue.listFailed('charge');
    expect(failed.map((f) => f.jobId)).toEqual([second, first]);
    expect(failed[1]).toMatchObject({
      jobId: first,
      name: 'charge',
      data: { order: 'ord_1' },
      attemptsMade: 2,
      failedReason: 'provider down',
    });
    expect(failed[1]?.failedAtMs).toBeGreaterThan(Date.now() - 10_000);
    expect(await queue.listFailed('charge', 1)).toHaveLength(1);
    expect(logs.filter((l) => l.level === 'error')).toHaveLength(2);

    healthy = true;
    attempts.length = 0;
    expect(await queue.retry('charge', first)).toBe(true);
    await waitFor(async () => (await queue.stats()).charge?.completed === 1);
    expect(attempts).toEqual([1]);
    expect((await queue.listFailed('charge')).map((f) => f.jobId)).toEqual([second]);
    // Only failed jobs can be retried.
    expect(await queue.retry('charge', first)).toBe(false);
    expect(await queue.retry('charge', 'job_unknown')).toBe(false);
  });

  it('runs a job enqueued twice under one jobId once', async () => {
    const queue = open();
    const runs: unknown[] = [];
    const job = queue.define<{ v: number }>('once', async (data) => {
      runs.push(data);
    });
    expect(await job.enqueue({ v: 1 }, { jobId: 'deposit-tx-abc' })).toBe('deposit-tx-abc');
    expect(await job.enqueue({ v: 2 }, { jobId: 'deposit-tx-abc' })).toBe('deposit-tx-abc');
    await queue.start();
    await waitFor(() => runs.length === 1);
    // Still remembered after completing.
    await job.enqueue({ v: 3 }, { jobId: 'deposit-tx-abc' });
    await sleep(200);
    expect(runs).toEqual([{ v: 1 }]);
    expect((await queue.stats()).once).toMatchObject({ waiting: 0, completed: 1 });
  });

  it('keeps a bounded history: the oldest finished jobs are forgotten, ids included', async () => {
    const queue = open({ historyMax: 2 });
    const runs: string[] = [];
    queue.define<string>('tick', async (data) => {
      runs.push(data);
    });
    await queue.start();
    for (const id of ['t-1', 't-2', 't-3']) {
      await queue.enqueue('tick', id, { jobId: id });
      await waitFor(() => runs.length === Number(id.slice(2)));
    }
    await waitFor(async () => (await queue.stats()).tick?.completed === 2);
    // t-1 left the history, so its id is free again; t-3 is still remembered.
    await queue.enqueue('tick', 't-1 again', { jobId: 't-1' });
    await queue.enqueue('tick', 't-3 again', { jobId: 't-3' });
    await waitFor(() => runs.length === 4);
    await sleep(100);
    expect(runs).toEqual(['t-1', 't-2', 't-3', 't-1 again']);
  });

  it('holds a delayed job until its time', async () => {
    const queue = open();
    const ranAt: number[] = [];
    queue.define('later', async () => {
      ranAt.push(Date.now());
    });
    await queue.start();
    const enqueuedAt = Date.now();
    await queue.enqueue('later', {}, { delayMs: 400 });
    await sleep(100);
    expect(ranAt).toEqual([]);
    expect((await queue.stats()).later).toMatchObject({ delayed: 1, waiting: 0 });
    await waitFor(() => ranAt.length === 1);
    expect(ranAt[0]! - enqueuedAt).toBeGreaterThanOrEqual(390);
  });

  it('repeats a scheduled job from start() until close()', async () => {
    const queue = open();
    const runs: unknown[] = [];
    queue.define(
      'sweep',
      async (data) => {
        runs.push(data);
      },
      { repeatEveryMs: 150, repeatData: { scope: 'all' } },
    );
    await sleep(200);
    expect(runs).toEqual([]);
    const startedAt = Date.now();
    await queue.start();
    await waitFor(() => runs.length >= 3);
    // Three runs need at least two periods (the first runs at once).
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(250);
    expect(runs[0]).toEqual({ scope: 'all' });
    // One run is always pending, never a pile.
    const pending = (await queue.stats()).sweep!;
    expect(pending.waiting + pending.delayed).toBeLessThanOrEqual(1);
    await queue.close();
    const count = runs.length;
    await sleep(400);
    expect(runs.length).toBe(count);
  });

  it('counts waiting and delayed jobs per name before any worker starts', async () => {
    const queue = open();
    queue.define('a', async () => {});
    queue.define('b', async () => {});
    await queue.enqueue('a', 1);
    await queue.enqueue('a', 2);
    await queue.enqueue('b', null, { delayMs: 60_000 });
    expect(await queue.stats()).toEqual({
      a: { waiting: 2, active: 0, completed: 0, failed: 0, delayed: 0 },
      b: { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 1 },
    });
  });

  it('runs up to `concurrency` jobs of a name at once', async () => {
    const queue = open({ concurrency: 2 });
    let running = 0;
    let mostAtOnce = 0;
    let done = 0;
    queue.define('slow', async () => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await sleep(100);
      running--;
      done++;
    });
    await queue.start();
    for (let i = 0; i < 5; i++) await queue.enqueue('slow', i);
    await waitFor(() => done === 5);
    expect(mostAtOnce).toBe(2);
  });

  it('close waits for the running job to finish', async () => {
    const queue = open();
    let started = false;
    let finished = false;
    queue.define('long', async () => {
      started = true;
      await sleep(300);
      finished = true;
    });
    await queue.start();
    await queue.enqueue('long', {});
    await waitFor(() => started);
    await queue.close();
    expect(finished).toBe(true);
    await expect(queue.enqueue('long', {})).rejects.toThrow(/closed/);
  });

  it('refuses unknown names, bad ids, non-JSON data and late definitions', async () => {
    const queue = open();
    queue.define('known', async () => {});
    expect(() => queue.define('known', async () => {})).toThrow(/already defined/);
    expect(() => queue.define('has:colon', async () => {})).toThrow(/job name/);
    expect(() => queue.define('x', async () => {}, { attemptsMax: 0 })).toThrow(RangeError);
    await expect(queue.enqueue('unknown', {})).rejects.toThrow(/not defined/);
    await expect(queue.enqueue('known', {}, { jobId: 'a:b' })).rejects.toThrow(/jobId/);
    await expect(queue.enqueue('known', {}, { jobId: '42' })).rejects.toThrow(/jobId/);
    await expect(queue.enqueue('known', undefined)).rejects.toThrow(/JSON/);
    await expect(queue.enqueue('known', {}, { delayMs: -1 })).rejects.toThrow(RangeError);
    await queue.start();
    expect(() => queue.define('late', async () => {})).toThrow(/before start/);
  });

  it('a process that only enqueues hands its jobs to the process that started', async () => {
    const prefix = `${runPrefix}-shared-${mode}`;
    const worker = open({ prefix });
    const runs: unknown[] = [];
    worker.define('notify', async (data) => {
      runs.push(data);
    });
    await worker.start();
    if (mode === 'memory') {
      // In-process queues share nothing: embedded mode is one process.
      await worker.enqueue('notify', { from: 'self' });
      await waitFor(() => runs.length === 1);
      return;
    }
    const producer = open({ prefix });
    producer.define('notify', async () => {
      throw new Error('a producer never runs jobs');
    });
    await producer.enqueue('notify', { from: 'api' });
    await waitFor(() => runs.length === 1);
    expect(runs).toEqual([{ from: 'api' }]);
    expect((await producer.stats()).notify).toMatchObject({ completed: 1 });
  });
});
