// Proves the account and admin routes over real HTTP on both drivers, with the real access module:
// creation needs 2FA (enrolled, and a right code spent only on a valid request), HMAC secrets are
// shown once and encrypted at rest, users see and revoke only their own keys (other ids are 404),
// keys cannot manage keys, the admin overview needs admin:api-keys, every change is audited, and
// neither secrets nor signatures reach the audit log or the logs of the run.
import { bothModes } from '@tradeloom/db/testing';
import { newId } from '@tradeloom/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiKeysTestbed,
  SCAFFOLD_TWO_FACTOR_CODE,
  sessionHeaders,
  startTestbed,
} from './test-scaffolding.js';
import { generateEd25519KeyPair, signRequest } from './testing.js';

interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

describe.each(bothModes)('api-key routes on %s', (mode) => {
  let bed: ApiKeysTestbed;
  const alice = newId('usr');
  const bob = newId('usr');
  const admin = newId('usr');
  // Everything that must never show up in logs or audit entries.
  const secrets: string[] = [];

  async function call(method: string, path: string, userId: string | null, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = userId === null ? {} : sessionHeaders(userId);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${bed.api.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as Record<string, unknown>, text };
  }

  const create = (userId: string, fields: Record<string, unknown>) =>
    call('POST', '/api/v1/account/api-keys', userId, {
      label: 'bot',
      type: 'HMAC',
      scopes: ['read'],
      twoFactorCode: SCAFFOLD_TWO_FACTOR_CODE,
      ...fields,
    });

  async function whoami(
    apiKey: string,
    credential: { secret?: string; privateKey?: ReturnType<typeof generateEd25519KeyPair>['privateKey'] },
  ) {
    const signed = signRequest({ apiKey, ...credential });
    secrets.push(signed.signature);
    const response = await fetch(signed.urlFor(`${bed.api.url}/api/v1/account/api-keys/whoami`), {
      headers: signed.headers,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    bed = await startTestbed(mode);
    bed.secondFactor.enrolled.add(alice);
    bed.secondFactor.enrolled.add(bob);
    await bed.access.assignRole(admin, 'admin', 'system');
  });
  afterAll(() => bed.stop());

  it('a user without 2FA cannot create keys and is told to enable it', async () => {
    const answer = await create(newId('usr'), {});
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({
      code: 'API_KEY_TWO_FACTOR_REQUIRED',
      message: 'Enable two-factor authentication before creating API keys',
    });
  });

  it('a wrong 2FA code creates nothing', async () => {
    const answer = await create(alice, { twoFactorCode: '000000' });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('SCAFFOLD_TWO_FACTOR_CODE_INVALID');
    expect((await call('GET', '/api/v1/account/api-keys', alice)).body).toEqual({ keys: [] });
  });

  it('an HMAC key answers its secret once; listing never shows it; it signs whoami', async () => {
    const answer = await create(alice, { label: 'grid bot', scopes: ['read', 'spot_trade'] });
    expect(answer.status).toBe(201);
    const key = answer.body.key as Record<string, unknown>;
    const secret = answer.body.secret as string;
    secrets.push(secret);
    expect(secret).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(key).toMatchObject({
      label: 'grid bot',
      type: 'HMAC',
      scopes: ['read', 'spot_trade'],
      ipAllowList: [],
      publicKey: null,
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
      status: 'active',
    });
    expect(key.id).toMatch(/^key_/);
    expect(key.apiKey).toMatch(/^[A-Za-z0-9]{64}$/);

    const listed = await call('GET', '/api/v1/account/api-keys', alice);
    expect(listed.body).toEqual({ keys: [key] });
    expect(listed.text).not.toContain(secret);

    const who = await whoami(key.apiKey as string, { secret });
    expect(who).toEqual({
      status: 200,
      body: { userId: alice, method: 'apiKey', apiKeyId: key.id, scopes: ['read', 'spot_trade'] },
    });
    const used = (await call('GET', '/api/v1/account/api-keys', alice)).body.keys as Record<
      string,
      unknown
    >[];
    expect(used[0]).toMatchObject({ lastUsedIp: '127.0.0.1', lastUsedAt: expect.any(String) });
  });

  it('the secret is encrypted at rest: no column of the row holds it', async () => {
    const answer = await create(alice, { label: 'at rest' });
    const secret = answer.body.secret as string;
    secrets.push(secret);
    const id = (answer.body.key as { id: string }).id;
    const { rows } = await bed.test.database.query('SELECT * FROM api_keys WHERE id = $1', [id]);
    const row = rows[0] ?? {};
    const ciphertext = Buffer.from(row.secret_ciphertext as Uint8Array);
    expect(ciphertext[0]).toBe(1);
    expect(ciphertext.length).toBe(1 + 12 + 16 + 64);
    expect(ciphertext.includes(Buffer.from(secret))).toBe(false);
    const { rows: text } = await bed.test.database.query(
      'SELECT row_to_json(k)::text AS t FROM api_keys k WHERE id = $1',
      [id],
    );
    expect(String(text[0]?.t)).not.toContain(secret);
    expect(String(text[0]?.t)).not.toContain(Buffer.from(secret).toString('hex'));
  });

  it('an Ed25519 key stores the public key only and signs whoami', async () => {
    const { publicKeyPem, privateKey } = generateEd25519KeyPair();
    const answer = await create(bob, { type: 'ED25519', publicKey: publicKeyPem, label: 'ed' });
    expect(answer.status).toBe(201);
    expect(answer.body.secret).toBeNull();
    const key = answer.body.key as { apiKey: string; id: string; publicKey: string };
    expect(key.publicKey).toBe(publicKeyPem);
    const who = await whoami(key.apiKey, { privateKey });
    expect(who.body).toMatchObject({ userId: bob, apiKeyId: key.id });
    expect(await whoami(key.apiKey, { secret: 'not the key' })).toMatchObject({
      status: 401,
      body: { code: 'API_KEY_SIGNATURE_INVALID' },
    });
  });

  it('invalid requests are refused before the 2FA code is spent', async () => {
    const spent = bed.secondFactor.verified.length;
    const noIpList = await create(alice, { scopes: ['read', 'withdraw'] });
    expect(noIpList.status).toBe(400);
    expect(noIpList.body.code).toBe('API_KEY_IP_ALLOW_LIST_REQUIRED');
    const badIp = await create(alice, { scopes: ['withdraw'], ipAllowList: ['10.0.0.1/8'] });
    expect(badIp.body).toMatchObject({ code: 'API_KEY_IP_ALLOW_LIST_INVALID', details: { index: 0 } });
    const noPublicKey = await create(alice, { type: 'ED25519' });
    expect(noPublicKey.body.code).toBe('API_KEY_PUBLIC_KEY_INVALID');
    const past = await create(alice, { expiresAt: '2020-01-01T00:00:00Z' });
    expect(past.body.code).toBe('API_KEY_EXPIRY_INVALID');
    const unknownScope = await create(alice, { scopes: ['read', 'margin'] });
    expect(unknownScope.status).toBe(400);
    expect(unknownScope.body.code).toBe('VALIDATION_FAILED');
    expect(bed.secondFactor.verified.length).toBe(spent);

    const withdraw = await create(alice, {
      label: 'withdrawals',
      scopes: ['withdraw'],
      ipAllowList: ['203.0.113.0/24', '2001:DB8::1'],
      expiresAt: '2099-01-01T00:00:00+02:00',
    });
    expect(withdraw.status).toBe(201);
    secrets.push(withdraw.body.secret as string);
    expect(withdraw.body.key).toMatchObject({
      ipAllowList: ['203.0.113.0/24', '2001:db8::1'],
      expiresAt: '2098-12-31T22:00:00.000Z',
    });
  });

  it("users see and revoke only their own keys: another user's id is 404", async () => {
    const aliceKeys = (await call('GET', '/api/v1/account/api-keys', alice)).body.keys as { id: string }[];
    const bobKeys = (await call('GET', '/api/v1/account/api-keys', bob)).body.keys as { id: string }[];
    expect(aliceKeys.length).toBeGreaterThan(0);
    expect(bobKeys.map((key) => key.id)).not.toEqual(expect.arrayContaining([aliceKeys[0]?.id]));
    const target = aliceKeys[0]?.id ?? '';
    const asBob = await call('DELETE', `/api/v1/account/api-keys/${target}`, bob);
    expect(asBob.status).toBe(404);
    expect(asBob.body).toEqual({ code: 'API_KEY_NOT_FOUND', message: 'No such API key' });
    expect((await call('DELETE', '/api/v1/account/api-keys/key_doesnotexist', bob)).status).toBe(404);
    const still = (await call('GET', '/api/v1/account/api-keys', alice)).body.keys as {
      id: string;
      status: string;
    }[];
    expect(still.find((key) => key.id === target)?.status).toBe('active');
  });

  it('revoking stops the key at once; revoking again changes nothing', async () => {
    const created = await create(alice, { label: 'short-lived' });
    const secret = created.body.secret as string;
    secrets.push(secret);
    const key = created.body.key as { id: string; apiKey: string };
    expect((await whoami(key.apiKey, { secret })).status).toBe(200);
    const revoked = await call('DELETE', `/api/v1/account/api-keys/${key.id}`, alice);
    expect(revoked.status).toBe(200);
    expect(revoked.body.key).toMatchObject({ id: key.id, status: 'revoked', revokedAt: expect.any(String) });
    expect(await whoami(key.apiKey, { secret })).toEqual({
      status: 401,
      body: { code: 'API_KEY_REVOKED', message: 'This API key was revoked' },
    });
    const again = await call('DELETE', `/api/v1/account/api-keys/${key.id}`, alice);
    expect(again.body).toEqual(revoked.body);
  });

  it('unsafe session requests need the CSRF token; API keys cannot manage keys', async () => {
    const response = await fetch(`${bed.api.url}/api/v1/account/api-keys/key_x`, {
      method: 'DELETE',
      headers: { 'x-scaffold-user': alice },
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { code: string }).code).toBe('CSRF_TOKEN_INVALID');

    const created = await create(alice, { label: 'manager?', scopes: ['read', 'spot_trade', 'transfer'] });
    secrets.push(created.body.secret as string);
    const signed = signRequest({
      apiKey: (created.body.key as { apiKey: string }).apiKey,
      secret: created.body.secret as string,
    });
    secrets.push(signed.signature);
    const listed = await fetch(signed.urlFor(`${bed.api.url}/api/v1/account/api-keys`), {
      headers: signed.headers,
    });
    expect(listed.status).toBe(403);
    expect(await listed.json()).toEqual({
      code: 'API_KEY_SCOPE_MISSING',
      message: 'This endpoint cannot be called with an API key',
    });
  });

  it('the admin overview needs admin:api-keys and shows every user without the identifiers', async () => {
    expect((await call('GET', '/api/v1/admin/api-keys', alice)).body).toMatchObject({
      code: 'FORBIDDEN',
      details: { permission: 'admin:api-keys' },
    });
    const all = await call('GET', '/api/v1/admin/api-keys?limit=200', admin);
    expect(all.status).toBe(200);
    const keys = all.body.keys as Record<string, unknown>[];
    expect(new Set(keys.map((key) => key.userId))).toEqual(new Set([alice, bob]));
    for (const key of keys) {
      expect(key).not.toHaveProperty('apiKey');
      expect(key.apiKeyPrefix).toMatch(/^[A-Za-z0-9]{8}$/);
    }
    const bobs = await call('GET', `/api/v1/admin/api-keys?userId=${bob}`, admin);
    const bobKeys = bobs.body.keys as { id: string; userId: string }[];
    expect(bobKeys.map((key) => key.userId)).toEqual([bob]);

    const revoked = await call('DELETE', `/api/v1/admin/api-keys/${bobKeys[0]?.id}`, admin);
    expect(revoked.body.key).toMatchObject({ userId: bob, status: 'revoked' });
    expect((await call('DELETE', '/api/v1/admin/api-keys/key_nope', admin)).status).toBe(404);
  });

  it('creations and revocations are audited with actor and IP, never with a secret', async () => {
    const page = await bed.access.listAudit({ action: 'api-keys.*', limit: 200 });
    const actions = page.entries.map((entry) => `${entry.action} ${entry.actor}`);
    expect(actions).toContain(`api-keys.key.create ${alice}`);
    expect(actions).toContain(`api-keys.key.create ${bob}`);
    expect(actions).toContain(`api-keys.key.revoke ${alice}`);
    expect(actions).toContain(`api-keys.key.revoke ${admin}`);
    for (const entry of page.entries) expect(entry.ip).toBe('127.0.0.1');
    const text = JSON.stringify(page.entries);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(await bed.access.verifyAuditChain()).toMatchObject({ ok: true });
  });

  it('the routes are in the OpenAPI document', async () => {
    const response = await fetch(`${bed.api.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const paths = ((await response.json()) as { paths: Record<string, Record<string, unknown>> }).paths;
    expect(Object.keys(paths['/api/v1/account/api-keys'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(paths['/api/v1/account/api-keys/{id}'] ?? {})).toEqual(['delete']);
    expect(paths['/api/v1/account/api-keys/whoami']).toHaveProperty('get');
    expect(Object.keys(paths['/api/v1/admin/api-keys'] ?? {})).toEqual(['get']);
    expect(Object.keys(paths['/api/v1/admin/api-keys/{id}'] ?? {})).toEqual(['delete']);
  });

  it('the logs of this run hold no secret and no signature', () => {
    const logs = bed.api.logText();
    expect(logs).toContain('/api/v1/account/api-keys/whoami');
    expect(logs).toContain('signature=%5BREDACTED%5D');
    expect(secrets.length).toBeGreaterThan(8);
    for (const secret of secrets) {
      expect(logs).not.toContain(secret);
      expect(logs).not.toContain(encodeURIComponent(secret));
    }
  });
});
