// Proves the service rules on both drivers: the operator path skips 2FA and is audited as the
// operator, input rules (scopes, withdraw needs an allow-list, labels, public keys) hold in the
// service and in the table, at most 30 usable keys per user even under concurrent creation, the key
// cache's bounded staleness across processes, throttled last-used writes, and signed payloads.
import { bothModes, type TestDatabase } from '@tradeloom/db/testing';
import { DomainError, newId, SettableClock } from '@tradeloom/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateApiKeyInput } from './api-key.js';
import { keysPerUserMax } from './service.js';
import { createApiKeysTestDatabase, createModules } from './test-scaffolding.js';
import { generateEd25519KeyPair, signPayload, signRequest } from './testing.js';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'none';
}

const hmacInput: CreateApiKeyInput = { label: 'bot', type: 'HMAC', scopes: ['read'] };

describe.each(bothModes)('api-keys service on %s', (mode) => {
  let test: TestDatabase;
  const clock = new SettableClock(Date.parse('2030-01-01T00:00:00Z'));
  let modules: ReturnType<typeof createModules>;
  const service = () => modules.apiKeys.service;

  beforeAll(async () => {
    test = await createApiKeysTestDatabase(mode);
    modules = createModules(test, { clock });
  });
  afterAll(() => test.drop());

  it('an operator creates a key without 2FA, audited as the operator', async () => {
    const user = newId('usr');
    const created = await service().createKey(
      user,
      { ...hmacInput, scopes: ['spot_trade', 'read', 'read'] },
      'cli:root',
      '10.1.1.1',
    );
    expect(created.secret).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(created.key).toMatchObject({
      userId: user,
      scopes: ['read', 'spot_trade'],
      createdAt: '2030-01-01T00:00:00.000Z',
    });
    expect(modules.secondFactor.verified).toEqual([]);
    const audit = await modules.access.service.listAudit({ target: created.key.id });
    expect(audit.entries).toMatchObject([
      {
        actor: 'cli:root',
        action: 'api-keys.key.create',
        ip: '10.1.1.1',
        after: {
          userId: user,
          label: 'bot',
          type: 'HMAC',
          scopes: ['read', 'spot_trade'],
          ipAllowList: [],
          expiresAt: null,
        },
      },
    ]);
    expect(JSON.stringify(audit.entries)).not.toContain(created.secret);
    expect(JSON.stringify(audit.entries)).not.toContain(created.key.apiKey);
  });

  it("a user's own key must go through createOwnKey", async () => {
    const user = newId('usr');
    await expect(service().createKey(user, hmacInput, user)).rejects.toThrow('createOwnKey');
  });

  it.each([
    [{ scopes: [] }, 'API_KEY_SCOPES_REQUIRED'],
    [{ scopes: ['read', 'margin'] }, 'API_KEY_SCOPE_UNKNOWN'],
    [{ scopes: ['withdraw'] }, 'API_KEY_IP_ALLOW_LIST_REQUIRED'],
    [{ scopes: ['withdraw'], ipAllowList: ['example.com'] }, 'API_KEY_IP_ALLOW_LIST_INVALID'],
    [{ label: '  ' }, 'API_KEY_LABEL_INVALID'],
    [{ label: 'x'.repeat(65) }, 'API_KEY_LABEL_INVALID'],
    [{ label: 'tab\there' }, 'API_KEY_LABEL_INVALID'],
    [{ publicKey: generateEd25519KeyPair().publicKeyPem }, 'API_KEY_PUBLIC_KEY_INVALID'],
    [{ type: 'ED25519' }, 'API_KEY_PUBLIC_KEY_INVALID'],
    [{ type: 'RSA' }, 'VALIDATION_FAILED'],
    [{ expiresAt: new Date('2029-12-31T23:59:59Z') }, 'API_KEY_EXPIRY_INVALID'],
    [{ expiresAt: new Date('garbage') }, 'API_KEY_EXPIRY_INVALID'],
  ] as [Partial<CreateApiKeyInput>, string][])('refuses %j with %s', async (change, code) => {
    expect(await codeOf(service().createKey(newId('usr'), { ...hmacInput, ...change }, 'cli:root'))).toBe(
      code,
    );
  });

  it('the table itself refuses a withdraw key without an allow-list', async () => {
    const insert = test.database.query(
      `INSERT INTO api_keys (id, user_id, label, type, api_key, public_key, scopes, created_at, created_by)
       VALUES ('key_x', 'usr_x', 'x', 'ED25519', $1, 'pem', '{withdraw}', now(), 'test')`,
      ['A'.repeat(64)],
    );
    const error = await insert.then(
      () => null,
      (failure: unknown) => failure as { cause?: { constraint?: string } },
    );
    expect(error?.cause?.constraint).toBe('api_keys_withdraw_needs_ip_allow_list');
  });

  it(`allows ${keysPerUserMax} usable keys per user, even when created concurrently`, async () => {
    const user = newId('usr');
    const expiring = await service().createKey(
      user,
      { ...hmacInput, expiresAt: new Date(clock.nowMs() + 1000) },
      'cli:root',
    );
    for (let i = 0; i < keysPerUserMax - 3; i++) await service().createKey(user, hmacInput, 'cli:root');
    // 28 usable: of 5 concurrent creations exactly 2 fit.
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => service().createKey(user, hmacInput, 'cli:root')),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(2);
    const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    expect(refused.map((error) => (error as DomainError).code)).toEqual(
      Array(3).fill('API_KEY_LIMIT_REACHED'),
    );
    // An expired key no longer counts, nor does a revoked one.
    clock.advance(1000);
    const next = await service().createKey(user, hmacInput, 'cli:root');
    expect(await codeOf(service().createKey(user, hmacInput, 'cli:root'))).toBe('API_KEY_LIMIT_REACHED');
    await service().revokeKey(user, next.key.id, 'cli:root');
    await service().createKey(user, hmacInput, 'cli:root');
    expect((await service().listKeys(user)).map((key) => key.status).sort()).toEqual(
      [...Array<string>(keysPerUserMax).fill('active'), 'expired', 'revoked'].sort(),
    );
    expect((await service().listKeys(user)).find((key) => key.id === expiring.key.id)?.status).toBe(
      'expired',
    );
  });

  it('the self-service path checks the form and the limit before spending the code', async () => {
    const user = newId('usr');
    modules.secondFactor.enrolled.add(user);
    expect(await codeOf(service().createOwnKey(user, { ...hmacInput, scopes: ['withdraw'] }, '246810'))).toBe(
      'API_KEY_IP_ALLOW_LIST_REQUIRED',
    );
    expect(modules.secondFactor.verified).not.toContain(user);
    const created = await service().createOwnKey(user, hmacInput, '246810', '192.0.2.9');
    expect(modules.secondFactor.verified).toContain(user);
    const audit = await modules.access.service.listAudit({ target: created.key.id });
    expect(audit.entries).toMatchObject([{ actor: user, action: 'api-keys.key.create', ip: '192.0.2.9' }]);
  });

  it('a revocation applies at once in its process and within the cache TTL in another', async () => {
    const user = newId('usr');
    const other = createModules(test, { clock, keyCacheTtlMs: 5_000 }).apiKeys.service;
    const created = await service().createKey(user, hmacInput, 'cli:root');
    const request = (n: number) => {
      const signed = signRequest({
        apiKey: created.key.apiKey,
        secret: created.secret ?? '',
        params: { n },
        timestamp: clock.nowMs(),
      });
      return {
        apiKey: created.key.apiKey,
        ip: '127.0.0.1',
        queryString: signed.queryString,
        body: '',
        bodyIsForm: false,
      };
    };
    expect(await other.authenticateSignedRequest(request(1))).toEqual({
      userId: user,
      apiKeyId: created.key.id,
      scopes: ['read'],
    });
    await service().revokeKey(user, created.key.id, user);
    expect(await codeOf(service().authenticateSignedRequest(request(2)))).toBe('API_KEY_REVOKED');
    // The other process still holds the key from its cache ...
    expect((await other.authenticateSignedRequest(request(3))).apiKeyId).toBe(created.key.id);
    clock.advance(5_000);
    // ... for at most keyCacheTtlMs.
    expect(await codeOf(other.authenticateSignedRequest(request(4)))).toBe('API_KEY_REVOKED');
  });

  it('records the last use at most once a minute per IP, at once for a new IP', async () => {
    const user = newId('usr');
    const created = await service().createKey(user, hmacInput, 'cli:root');
    const use = (ip: string, n: number) => {
      const signed = signRequest({
        apiKey: created.key.apiKey,
        secret: created.secret ?? '',
        params: { n },
        timestamp: clock.nowMs(),
      });
      return service().authenticateSignedRequest({
        apiKey: created.key.apiKey,
        ip,
        queryString: signed.queryString,
        body: '',
        bodyIsForm: false,
      });
    };
    const lastUse = async () => {
      const key = (await service().listKeys(user))[0];
      return [key?.lastUsedAt, key?.lastUsedIp];
    };
    const start = clock.nowMs();
    const at = (offset: number) => new Date(start + offset).toISOString();
    await use('198.51.100.1', 1);
    expect(await lastUse()).toEqual([at(0), '198.51.100.1']);
    clock.advance(30_000);
    await use('198.51.100.1', 2);
    expect(await lastUse()).toEqual([at(0), '198.51.100.1']);
    await use('2001:db8::7', 3);
    expect(await lastUse()).toEqual([at(30_000), '2001:db8::7']);
    clock.advance(60_000);
    await use('2001:db8::7', 4);
    expect(await lastUse()).toEqual([at(90_000), '2001:db8::7']);
  });

  it('authenticates a payload signed by the caller (the WebSocket API builds its own)', async () => {
    const user = newId('usr');
    const { publicKeyPem, privateKey } = generateEd25519KeyPair();
    const created = await service().createKey(
      user,
      { ...hmacInput, type: 'ED25519', publicKey: publicKeyPem },
      'cli:root',
    );
    const payload = `apiKey=${created.key.apiKey}&timestamp=${clock.nowMs()}`;
    const found = await service().authenticateSignedPayload({
      apiKey: created.key.apiKey,
      ip: '127.0.0.1',
      payload,
      signature: signPayload({ privateKey }, payload),
      timestampMs: clock.nowMs(),
      recvWindowMs: 5000,
    });
    expect(found).toEqual({ userId: user, apiKeyId: created.key.id, scopes: ['read'] });
  });

  it('the admin listing filters by user and pages', async () => {
    const user = newId('usr');
    for (const label of ['a', 'b', 'c']) {
      await service().createKey(user, { ...hmacInput, label }, 'cli:root');
      clock.advance(1);
    }
    const firstTwo = await service().listAllKeys({ userId: user, limit: 2 });
    expect(firstTwo.map((key) => key.label)).toEqual(['c', 'b']);
    expect(
      (await service().listAllKeys({ userId: user, limit: 2, offset: 2 })).map((key) => key.label),
    ).toEqual(['a']);
    expect((await service().listAllKeys({ limit: 1000 })).length).toBeLessThanOrEqual(200);
  });
});
