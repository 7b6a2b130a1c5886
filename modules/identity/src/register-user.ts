import type { Queryable } from '@tradeloom/db';
import { DomainError, newId } from '@tradeloom/kernel';
import { issueToken } from './auth-tokens.js';
import './errors.js';
import type { IdentityContext, RequestContext } from './identity-context.js';
import { normalizeEmail } from './normalize-email.js';
import { audit, linkTo, sendMail } from './notify.js';
import { hashPassword } from './password-hash.js';
import { checkPassword } from './password-policy.js';
import { isoOf } from './timestamps.js';
import { findUserByEmail, findUserById, publicUser, type User } from './user-repository.js';

/** What registering asks for. */
export interface RegisterInput {
  email: string;
  password: string;
  displayName?: string;
}

/** Throws IDENTITY_WEAK_PASSWORD listing every rule the password breaks. */
export function assertPasswordAcceptable(password: string, email: string): void {
  const reasons = checkPassword(password, { email });
  if (reasons.length > 0) {
    throw new DomainError('IDENTITY_WEAK_PASSWORD', 'Choose another password', { reasons });
  }
}

/**
 * Self-service registration. Answers the same whether the email is new or taken (no enumeration):
 * a new email gets an account and a verification link; a taken one gets a mail telling its owner
 * someone tried, with a reset link. The password is hashed in both cases, so timing matches too.
 * Nobody is signed in by registering.
 */
export async function registerUser(
  context: IdentityContext,
  input: RegisterInput,
  request: RequestContext,
): Promise<void> {
  const email = normalizeEmail(input.email);
  assertPasswordAcceptable(input.password, email);
  const passwordHash = await hashPassword(input.password);
  try {
    await context.database.transaction(async (tx) => {
      const existing = await findUserByEmail(tx, email);
      if (existing !== null) {
        await tellOwnerOfAttempt(context, tx, existing.id, email, request);
        return;
      }
      const userId = await insertUser(context, tx, {
        email,
        passwordHash,
        displayName: input.displayName ?? null,
        emailVerified: false,
      });
      await audit(context, tx, {
        actor: userId,
        action: 'identity.user.register',
        target: userId,
        ip: request.ip,
      });
      await sendVerificationMail(context, tx, userId, email);
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Two registrations of one email raced: the loser is told like any taken email.
    await context.database.transaction(async (tx) => {
      const existing = await findUserByEmail(tx, email);
      if (existing !== null) await tellOwnerOfAttempt(context, tx, existing.id, email, request);
    });
  }
}

async function tellOwnerOfAttempt(
  context: IdentityContext,
  q: Queryable,
  userId: string,
  email: string,
  request: RequestContext,
): Promise<void> {
  await audit(context, q, {
    actor: 'anonymous',
    action: 'identity.register.email-taken',
    target: userId,
    ip: request.ip,
  });
  await sendMail(context, q, {
    to: email,
    userId,
    template: 'identity.account-exists',
    vars: { loginUrl: linkTo(context, '/login'), resetUrl: linkTo(context, '/forgot-password') },
  });
}

/** Issues a verification token (older ones die) and mails its link. */
export async function sendVerificationMail(
  context: IdentityContext,
  q: Queryable,
  userId: string,
  email: string,
): Promise<void> {
  const { token } = await issueToken(context, q, {
    purpose: 'verify_email',
    userId,
    email,
    ttlMs: context.tuning.verifyEmailTtlMs,
    supersede: true,
  });
  await sendMail(context, q, {
    to: email,
    userId,
    template: 'identity.verify-email',
    vars: {
      verifyUrl: linkTo(context, '/verify-email', token),
      validHours: String(Math.round(context.tuning.verifyEmailTtlMs / 3_600_000)),
    },
  });
}

/**
 * Creates a user directly (operator CLI, seeding, other modules' tests): IDENTITY_EMAIL_TAKEN when
 * the email is in use, IDENTITY_WEAK_PASSWORD when the password breaks the rules.
 */
export async function createUser(
  context: IdentityContext,
  input: RegisterInput & { emailVerified?: boolean },
  actor: string,
): Promise<User> {
  const email = normalizeEmail(input.email);
  assertPasswordAcceptable(input.password, email);
  const passwordHash = await hashPassword(input.password);
  try {
    return await context.database.transaction(async (tx) => {
      if ((await findUserByEmail(tx, email)) !== null) throw emailTaken();
      const userId = await insertUser(context, tx, {
        email,
        passwordHash,
        displayName: input.displayName ?? null,
        emailVerified: input.emailVerified === true,
      });
      await audit(context, tx, {
        actor,
        action: 'identity.user.create',
        target: userId,
        after: { emailVerified: input.emailVerified === true },
      });
      const user = await findUserById(tx, userId);
      if (user === null) throw new Error('identity: the user just inserted is missing');
      return publicUser(user);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

function emailTaken(): DomainError {
  return new DomainError('IDENTITY_EMAIL_TAKEN', 'This email address belongs to another account');
}

/** Inserts a user row (no checks) and runs `onUserCreated` in the same transaction. */
export async function insertUser(
  context: IdentityContext,
  q: Queryable,
  input: { email: string; passwordHash: string | null; displayName: string | null; emailVerified: boolean },
): Promise<string> {
  const userId = newId('usr');
  const now = isoOf(context.clock.nowMs());
  await q.query(
    `INSERT INTO users (id, email, email_verified_at, password_hash, password_changed_at, display_name,
       created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $5, $5)`,
    [userId, input.email, input.emailVerified ? now : null, input.passwordHash, now, input.displayName],
  );
  if (context.onUserCreated !== undefined) await context.onUserCreated(userId, q);
  return userId;
}

/** Whether a database error is a unique-constraint violation (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '23505';
}
