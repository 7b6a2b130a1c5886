// Proves the job routes: the mail job runs on schedule and its counts show to an admin; unknown jobs
// and jobs that did not fail answer 404; a plain user is refused.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@tradeloom/config';
import { createSignedInUser, type SignedInUser } from '@tradeloom/identity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIL_DELIVERY_JOB } from './compose-platform.js';
import { type RunningPlatform, startPlatform } from './start-platform.js';

describe('operations: background jobs', () => {
  let dir: string;
  let running: RunningPlatform;
  let admin: SignedInUser;
  let user: SignedInUser;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tl-ops-'));
    running = await startPlatform({
      config: loadConfig({ DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
      runWorkers: true,
    });
    const api = { url: running.address };
    admin = await createSignedInUser(api, running.platform.identity);
    await running.platform.access.assignRole(admin.userId, 'admin', 'system');
    user = await createSignedInUser(api, running.platform.identity);
  });
  afterAll(async () => {
    await running?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the mail delivery job running on its schedule', async () => {
    let completed = 0;
    for (let i = 0; i < 30 && completed === 0; i++) {
      const answer = await admin.browser.json<{ mode: string; jobs: Record<string, { completed: number }> }>(
        'GET',
        '/api/v1/admin/jobs',
      );
      expect(answer.status).toBe(200);
      expect(answer.body.mode).toBe('memory');
      completed = answer.body.jobs[MAIL_DELIVERY_JOB]?.completed ?? 0;
      if (completed === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(completed).toBeGreaterThan(0);
  });

  it('answers 404 for unknown jobs and for retrying a job that did not fail', async () => {
    expect((await admin.browser.json('GET', '/api/v1/admin/jobs/nope/failed')).status).toBe(404);
    const failed = await admin.browser.json<{ failed: unknown[] }>(
      'GET',
      `/api/v1/admin/jobs/${MAIL_DELIVERY_JOB}/failed`,
    );
    expect(failed).toMatchObject({ status: 200, body: { failed: [] } });
    const retry = await admin.browser.json('POST', `/api/v1/admin/jobs/${MAIL_DELIVERY_JOB}/job_x/retry`, {});
    expect(retry).toMatchObject({ status: 404, body: { code: 'OPERATIONS_JOB_NOT_FOUND' } });
  });

  it('refuses a user without admin:jobs', async () => {
    expect((await user.browser.json('GET', '/api/v1/admin/jobs')).status).toBe(403);
  });
});
