import type { Queryable } from '@tradeloom/db';
import { deviceLabelOf } from './device-label.js';
import type { IdentityContext, RequestContext } from './identity-context.js';
import { nameOf, sendMail } from './notify.js';
import { macOf, randomToken } from './secret-keys.js';
import { isoOf } from './timestamps.js';

/**
 * Remembers the browser (by its `tl_device` cookie) for the user and, when the user had signed in
 * from other browsers before but never this one, mails identity.login-new-device. The very first
 * device of an account is learnt silently (the owner just registered). Returns the device token the
 * response sets as the cookie.
 */
export async function noteDevice(
  context: IdentityContext,
  q: Queryable,
  user: { id: string; email: string; displayName: string | null },
  request: RequestContext,
): Promise<string> {
  const deviceToken =
    request.deviceToken !== undefined && request.deviceToken.length <= 128
      ? request.deviceToken
      : randomToken();
  const deviceHash = macOf(context.keys.macKey, 'device', deviceToken);
  const now = context.clock.nowMs();
  const label = deviceLabelOf(request.userAgent);
  const { rows } = await q.query(
    `UPDATE known_devices SET last_seen_at = $3, label = $4 WHERE user_id = $1 AND device_hash = $2
     RETURNING device_hash`,
    [user.id, deviceHash, isoOf(now), label],
  );
  if (rows.length > 0) return deviceToken;
  const known = await q.query('SELECT count(*)::int AS n FROM known_devices WHERE user_id = $1', [user.id]);
  await q.query(
    `INSERT INTO known_devices (user_id, device_hash, label, first_seen_at, last_seen_at)
     VALUES ($1, $2, $3, $4, $4) ON CONFLICT DO NOTHING`,
    [user.id, deviceHash, label, isoOf(now)],
  );
  if (Number(known.rows[0]?.n ?? 0) > 0) {
    await sendMail(context, q, {
      to: user.email,
      userId: user.id,
      template: 'identity.login-new-device',
      vars: { device: label, ip: request.ip, time: isoOf(now), ...nameOf(user) },
    });
  }
  return deviceToken;
}
