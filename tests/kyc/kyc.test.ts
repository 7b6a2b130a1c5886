// KYC over real HTTP on the assembled platform (both modes): a form built by the admin, a submission
// with documents, a compliance rejection with a reason (mailed), a resubmission, approval (mailed,
// audited), and the wallet's higher per-level withdrawal limit applying at once; bad uploads refused
// with a clear code and nothing stored; signed document links that expire; a provider's signed
// webhook applied once; re-verification when the form changes; erasure on request.
import { randomUUID } from 'node:crypto';
import { bothModes } from '@tradeloom/db/testing';
import type { SignedInUser } from '@tradeloom/identity/testing';
import { createTestKycProvider, signTestProviderWebhook } from '@tradeloom/kyc';
import { pdfDocument, pngImage, upload } from '@tradeloom/kyc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

const ADDRESS = `T${'A'.repeat(32)}1`;
const FIELDS = [
  { key: 'full_name', type: 'text', label: 'Full name', rules: { minLength: 2, maxLength: 100 } },
  { key: 'birth_date', type: 'date', label: 'Date of birth', rules: { minAgeYears: 18 } },
  { key: 'country', type: 'country', label: 'Country of residence' },
  { key: 'id_type', type: 'select', label: 'Document', rules: { options: ['passport', 'id_card'] } },
  { key: 'id_front', type: 'document_front', label: 'Front', rules: { minWidth: 300, minHeight: 200 } },
  { key: 'selfie', type: 'selfie', label: 'Selfie', rules: { minWidth: 200, minHeight: 200 } },
];
const ANSWERS = { full_name: 'Ada Lovelace', birth_date: '1990-12-10', country: 'GB', id_type: 'passport' };

async function codeOf(tp: TestPlatform, user: SignedInUser): Promise<string> {
  const device = user.totp?.device;
  if (device === undefined) throw new Error('the user has no TOTP');
  try {
    return await device.nextCode();
  } catch {
    tp.clock.advance(30_000);
    return device.nextCode();
  }
}

async function outbox(tp: TestPlatform, to: string, template: string) {
  const { rows } = await tp.running.database.query(
    'SELECT vars FROM mail_outbox WHERE to_address = $1 AND template = $2 ORDER BY created_at',
    [to, template],
  );
  return rows.map((row) => row.vars as Record<string, string>);
}

describe.each(bothModes)('KYC on %s', (mode) => {
  let tp: TestPlatform;
  let admin: SignedInUser;
  let compliance: SignedInUser;
  let templateId: string;

  const submit = (
    user: SignedInUser,
    files: Record<string, unknown>,
    answers: Record<string, string> = ANSWERS,
  ) =>
    user.browser.json<{
      application: { id: string; status: string };
      code?: string;
      message?: string;
      details?: { field?: string };
    }>('POST', '/api/v1/kyc/applications', { level: 2, answers, files });
  const goodFiles = () => ({
    id_front: upload('passport.png', pngImage(640, 400)),
    selfie: upload('me.png', pngImage(300, 300)),
  });
  const stored = async () => ({
    files: await tp.running.platform.kyc.storage.list(''),
    applications: Number(
      (await tp.running.database.query('SELECT count(*)::int AS n FROM kyc_applications')).rows[0]?.n,
    ),
    documents: Number(
      (await tp.running.database.query('SELECT count(*)::int AS n FROM kyc_documents')).rows[0]?.n,
    ),
  });

  beforeAll(async () => {
    tp = await startTestPlatform(mode);
    admin = await tp.admin();
    compliance = await tp.admin('compliance');
    const created = await admin.browser.json<{ id: string; status: string }>(
      'POST',
      '/api/v1/admin/kyc/templates',
      {
        level: 2,
        name: 'Identity',
        fields: FIELDS,
        activate: true,
      },
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.status).toBe('active');
    templateId = created.body.id;
  });

  afterAll(async () => {
    await tp?.stop();
  });

  it('submit → reject with reason → resubmit → approve: the higher withdrawal limit applies', async () => {
    // USDT with a 100 USDT per-withdrawal limit at level 0 and 10,000 at level 2.
    const ok = async (method: string, path: string, body: unknown, status = 201) => {
      const answer = await admin.browser.json(method, path, body);
      expect(answer.status, `${path} ${JSON.stringify(answer.body)}`).toBe(status);
    };
    await ok('POST', '/api/v1/admin/wallet/assets', {
      code: 'USDT',
      name: 'Tether',
      kind: 'crypto',
      precision: 6,
    });
    await ok('POST', '/api/v1/admin/wallet/assets/USDT/networks', {
      network: 'trc20',
      name: 'Tron',
      withdrawFee: '1',
      withdrawMin: '5',
    });
    const limits = { withdrawDailyMax: null, depositDailyMax: null };
    await ok('PUT', '/api/v1/admin/wallet/assets/USDT/limits/0', { ...limits, withdrawPerTxMax: '100' }, 200);
    await ok(
      'PUT',
      '/api/v1/admin/wallet/assets/USDT/limits/2',
      { ...limits, withdrawPerTxMax: '10000' },
      200,
    );

    const user = await tp.user();
    const funded = await tp.running.engine.submit({
      type: 'transfer',
      ts: tp.clock.nowMs(),
      key: `test-fund:${randomUUID()}`,
      kind: 'deposit',
      asset: 'USDT',
      from: { system: 'external:trc20' },
      to: { user: await tp.running.platform.wallet.engineAccountOf(user.userId), wallet: 'SPOT' },
      amount: 1_000_000_000,
    });
    expect(funded.ok).toBe(true);
    const off = await user.browser.json('PUT', '/api/v1/wallet/withdrawal-settings', {
      addressDelay: false,
      twoFactorCode: await codeOf(tp, user),
    });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    const added = await user.browser.json('POST', '/api/v1/wallet/withdrawal-addresses', {
      label: 'mine',
      asset: 'USDT',
      network: 'trc20',
      address: ADDRESS,
      twoFactorCode: await codeOf(tp, user),
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const withdraw = async () =>
      user.browser.json<{ code?: string; status?: string }>('POST', '/api/v1/wallet/withdrawals', {
        asset: 'USDT',
        network: 'trc20',
        address: ADDRESS,
        amount: '500',
        twoFactorCode: await codeOf(tp, user),
      });
    const refused = await withdraw();
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('WALLET_LIMIT_EXCEEDED');

    // The form, then the first submission.
    const form = await user.browser.json<{ id: string; fields: { key: string }[] }>(
      'GET',
      '/api/v1/kyc/levels/2/form',
    );
    expect(form.status).toBe(200);
    expect(form.body.fields.map((f) => f.key)).toEqual(FIELDS.map((f) => f.key));
    const first = await submit(user, goodFiles());
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.application.status).toBe('pending');
    const again = await submit(user, goodFiles());
    expect(again.body.code).toBe('KYC_APPLICATION_PENDING');

    // Compliance: the queue, the application with its documents, a rejection with a reason.
    const queue = await compliance.browser.json<{
      applications: { id: string; userId: string }[];
      total: number;
    }>('GET', '/api/v1/admin/kyc/applications?status=pending&level=2');
    expect(queue.status).toBe(200);
    expect(queue.body.applications.map((a) => a.id)).toContain(first.body.application.id);
    const detail = await compliance.browser.json<{
      documents: { field: string; url: string; mediaType: string; width: number }[];
      application: { answers: Record<string, string> };
      user: { email: string; level: number };
    }>('GET', `/api/v1/admin/kyc/applications/${first.body.application.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.application.answers.full_name).toBe('Ada Lovelace');
    expect(detail.body.user).toMatchObject({ email: user.email, level: 0 });
    const front = detail.body.documents.find((d) => d.field === 'id_front');
    expect(front).toMatchObject({ mediaType: 'image/png', width: 640 });
    // The signed link serves the document (decrypted) without a session, and only for a while.
    const link = new URL(front?.url ?? '');
    const fetched = await fetch(`${tp.url}${link.pathname}${link.search}`);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toBe('image/png');
    expect(fetched.headers.get('cache-control')).toContain('no-store');
    expect(Buffer.from(await fetched.arrayBuffer()).equals(pngImage(640, 400))).toBe(true);
    const forged = await fetch(
      `${tp.url}${link.pathname}${link.search.replace(/signature=./, 'signature=A')}`,
    );
    expect(forged.status).toBe(403);
    // On disk the document is encrypted: its bytes do not contain the PNG.
    const files = await tp.running.platform.kyc.storage.list('');
    expect(files.length).toBe(2);
    tp.clock.advance(6 * 60_000);
    const expired = await fetch(`${tp.url}${link.pathname}${link.search}`);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { code: string }).code).toBe('KYC_LINK_INVALID');

    // A user may not decide; compliance rejects with a reason.
    const forbidden = await user.browser.json(
      'POST',
      `/api/v1/admin/kyc/applications/${first.body.application.id}/approve`,
      {},
    );
    expect(forbidden.status).toBe(403);
    const rejected = await compliance.browser.json<{ status: string; reason: string }>(
      'POST',
      `/api/v1/admin/kyc/applications/${first.body.application.id}/reject`,
      { reason: 'The photo of the document is blurred' },
    );
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      reason: 'The photo of the document is blurred',
    });
    const twice = await compliance.browser.json<{ code: string }>(
      'POST',
      `/api/v1/admin/kyc/applications/${first.body.application.id}/approve`,
      {},
    );
    expect(twice.body.code).toBe('KYC_APPLICATION_STATE');
    expect(await outbox(tp, user.email, 'kyc.rejected')).toEqual([
      expect.objectContaining({ reason: 'The photo of the document is blurred', levelName: 'Identity' }),
    ]);
    const status = await user.browser.json<{ level: number; latest: { status: string; reason: string } }>(
      'GET',
      '/api/v1/kyc/status',
    );
    expect(status.body).toMatchObject({
      level: 0,
      latest: { status: 'rejected', reason: 'The photo of the document is blurred' },
    });

    // Resubmitted, approved: level 2, mailed, audited, and the wallet's level-2 limit applies.
    const second = await submit(user, goodFiles());
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    const approved = await compliance.browser.json<{ status: string }>(
      'POST',
      `/api/v1/admin/kyc/applications/${second.body.application.id}/approve`,
      { note: 'Clear documents' },
    );
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect(await tp.running.platform.kyc.levelOf(user.userId)).toBe(2);
    expect(await outbox(tp, user.email, 'kyc.approved')).toHaveLength(1);
    const audit = await tp.running.database.query(
      "SELECT action, actor FROM audit_log WHERE action LIKE 'kyc.application.%' ORDER BY id",
    );
    expect(audit.rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['kyc.application.reject', 'kyc.application.approve', 'kyc.application.view']),
    );
    const accepted = await withdraw();
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    expect(accepted.body.status).toBe('pending');

    // The full history for compliance.
    const history = await compliance.browser.json<{
      level: number;
      applications: { status: string; history: { action: string }[] }[];
    }>('GET', `/api/v1/admin/kyc/users/${user.userId}`);
    expect(history.body.level).toBe(2);
    expect(history.body.applications.map((a) => a.status)).toEqual(['approved', 'rejected']);
    expect(history.body.applications[1]?.history.map((h) => h.action)).toEqual(['submitted', 'rejected']);
  });

  it('refuses bad uploads with a clear code and stores nothing', async () => {
    const user = await tp.user({ totp: false });
    const before = await stored();
    const cases: [string, Record<string, unknown>, number, string][] = [
      // A PNG named .pdf: the content decides, and the name lies.
      [
        'id_front',
        { ...goodFiles(), id_front: upload('passport.pdf', pngImage(640, 400)) },
        400,
        'UPLOAD_TYPE_MISMATCH',
      ],
      // Not an image at all, named like one.
      [
        'id_front',
        { ...goodFiles(), id_front: upload('passport.png', Buffer.from('MZ this is a program')) },
        415,
        'UPLOAD_TYPE_UNSUPPORTED',
      ],
      // A PDF where only images are taken.
      ['selfie', { ...goodFiles(), selfie: upload('me.pdf', pdfDocument()) }, 400, 'UPLOAD_TYPE_NOT_ALLOWED'],
      // Over 5 MiB.
      [
        'id_front',
        {
          ...goodFiles(),
          id_front: upload('big.png', Buffer.concat([pngImage(640, 400), Buffer.alloc(5 * 1024 * 1024)])),
        },
        413,
        'UPLOAD_TOO_LARGE',
      ],
      // A cut-off image.
      [
        'selfie',
        { ...goodFiles(), selfie: upload('me.png', pngImage(300, 300).subarray(0, 400)) },
        400,
        'UPLOAD_CORRUPT',
      ],
      // Too small to read.
      [
        'id_front',
        { ...goodFiles(), id_front: upload('tiny.png', pngImage(100, 80)) },
        400,
        'UPLOAD_IMAGE_TOO_SMALL',
      ],
    ];
    for (const [field, files, status, code] of cases) {
      const answer = await submit(user, files);
      expect(answer.status, `${code}: ${JSON.stringify(answer.body)}`).toBe(status);
      expect(answer.body.code).toBe(code);
      expect(answer.body.details?.field).toBe(field);
      expect(answer.body.message).toContain(field);
    }
    const missing = await submit(
      user,
      { id_front: goodFiles().id_front },
      { ...ANSWERS, birth_date: '2020-01-01' },
    );
    expect(missing.body.code).toBe('KYC_ANSWERS_INVALID');
    expect(missing.body.details).toMatchObject({
      fields: expect.arrayContaining([
        expect.objectContaining({ field: 'selfie', code: 'required' }),
        expect.objectContaining({ field: 'birth_date', code: 'age' }),
      ]),
    });
    expect(await stored()).toEqual(before);
  });

  it('applies a provider’s signed webhook once and refuses a forged one', async () => {
    const secret = Buffer.from(`provider-secret-${mode}`);
    const provider = createTestKycProvider(secret);
    tp.running.platform.kyc.review.registerProvider(provider);
    const user = await tp.user({ totp: false });
    const submitted = await submit(user, goodFiles());
    expect(submitted.status).toBe(201);
    const sent = await compliance.browser.json<{ provider: string; providerReference: string }>(
      'POST',
      `/api/v1/admin/kyc/applications/${submitted.body.application.id}/provider`,
      { provider: 'test' },
    );
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const reference = sent.body.providerReference;
    const body = JSON.stringify({ eventId: 'evt-1', reference, outcome: 'approved' });
    const post = (signature: string) =>
      fetch(`${tp.url}/api/v1/kyc/providers/test/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-kyc-signature': signature },
        body,
      });
    const forged = await post(signTestProviderWebhook(Buffer.from('wrong'), body, tp.clock.nowMs()));
    expect(forged.status).toBe(400);
    expect(await tp.running.platform.kyc.levelOf(user.userId)).toBe(0);
    const signature = signTestProviderWebhook(secret, body, tp.clock.nowMs());
    expect(await (await post(signature)).json()).toEqual({ applied: true });
    expect(await (await post(signature)).json()).toEqual({ applied: false });
    expect(await tp.running.platform.kyc.levelOf(user.userId)).toBe(2);
  });

  it('asks approved users to verify again when the form changes, and erases data on request', async () => {
    const approvedUsers = await tp.running.database.query(
      "SELECT DISTINCT user_id FROM kyc_applications WHERE status = 'approved' AND level = 2",
    );
    const changed = await admin.browser.json<{ id: string; version: number; status: string }>(
      'PUT',
      `/api/v1/admin/kyc/templates/${templateId}`,
      { name: 'Identity', fields: [...FIELDS, { key: 'id_number', type: 'text', label: 'Document number' }] },
    );
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ version: 2, status: 'active' });
    const flagged = await compliance.browser.json<{ applications: { userId: string }[] }>(
      'GET',
      '/api/v1/admin/kyc/applications?reverificationRequired=true',
    );
    expect(new Set(flagged.body.applications.map((a) => a.userId))).toEqual(
      new Set(approvedUsers.rows.map((r) => String(r.user_id))),
    );
    const someone = String(approvedUsers.rows[0]?.user_id);
    expect(await tp.running.platform.kyc.levelOf(someone)).toBe(2);

    const before = (await tp.running.platform.kyc.storage.list('')).length;
    const notAllowed = await compliance.browser.json('POST', `/api/v1/admin/kyc/users/${someone}/erase`, {
      reason: 'GDPR request',
    });
    expect(notAllowed.status).toBe(403);
    const erased = await admin.browser.json<{ applications: number; documents: number }>(
      'POST',
      `/api/v1/admin/kyc/users/${someone}/erase`,
      { reason: 'GDPR request 2024-17' },
    );
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(erased.body.documents).toBeGreaterThan(0);
    expect((await tp.running.platform.kyc.storage.list('')).length).toBe(before - erased.body.documents);
    expect(await tp.running.platform.kyc.levelOf(someone)).toBe(0);
    const left = await tp.running.database.query(
      "SELECT count(*)::int AS n FROM kyc_applications WHERE user_id = $1 AND (status <> 'erased' OR answers <> '{}'::jsonb)",
      [someone],
    );
    expect(left.rows[0]?.n).toBe(0);
    const audit = await tp.running.database.query(
      "SELECT target FROM audit_log WHERE action = 'kyc.data.erase'",
    );
    expect(audit.rows.map((r) => r.target)).toEqual([someone]);
  });
});
