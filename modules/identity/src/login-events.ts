import type { Queryable } from '@tradeloom/db';
import { newId } from '@tradeloom/kernel';
import { deviceLabelOf } from './device-label.js';
import type { IdentityContext, RequestContext } from './identity-context.js';
import { isoOf, msOf } from './timestamps.js';

/** How a login attempt on an account ended. */
export type LoginOutcome =
  | 'success'
  | 'wrong_password'
  | 'wrong_second_factor'
  | 'locked'
  | 'blocked'
  | 'second_factor_required';

/** Which proof the attempt used. */
export type LoginMethod = 'password' | 'totp' | 'recovery_code' | 'siwe' | 'oidc' | 'passkey';

/** One line of a user's login history. */
export interface LoginEvent {
  id: string;
  outcome: LoginOutcome;
  method: LoginMethod;
  ip: string | null;
  deviceLabel: string | null;
  createdAt: string;
}

/** Appends to the account's login history. */
export async function recordLoginEvent(
  context: IdentityContext,
  q: Queryable,
  input: { userId: string; outcome: LoginOutcome; method: LoginMethod; request: RequestContext },
): Promise<void> {
  await q.query(
    `INSERT INTO login_events (id, user_id, outcome, method, ip, user_agent, device_label, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      newId('lgn'),
      input.userId,
      input.outcome,
      input.method,
      input.request.ip,
      input.request.userAgent?.slice(0, 512) ?? null,
      deviceLabelOf(input.request.userAgent),
      isoOf(context.clock.nowMs()),
    ],
  );
}

/** The account's latest login events, newest first. */
export async function listLoginEvents(
  context: IdentityContext,
  userId: string,
  limit: number,
): Promise<LoginEvent[]> {
  const { rows } = await context.database.query(
    `SELECT id, outcome, method, ip, device_label, created_at FROM login_events
     WHERE user_id = $1 ORDER BY created_at DESC, seq DESC LIMIT $2`,
    [userId, limit],
  );
  return rows.map((row) => ({
    id: String(row.id),
    outcome: String(row.outcome) as LoginOutcome,
    method: String(row.method) as LoginMethod,
    ip: row.ip === null ? null : String(row.ip),
    deviceLabel: row.device_label === null ? null : String(row.device_label),
    createdAt: isoOf(msOf(row.created_at)),
  }));
}
