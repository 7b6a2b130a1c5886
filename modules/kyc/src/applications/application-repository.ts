import type { Queryable } from '@tradeloom/db';
import { isoOf, msOf } from '../route-support.js';
import type { Application, ApplicationEvent, ApplicationStatus, KycDocument } from './application.js';

const msOrNull = (value: unknown) => (value === null || value === undefined ? null : msOf(value));

function rowToApplication(row: Record<string, unknown>): Application {
  return {
    id: String(row.id),
    userId: String(row.user_id),
    level: Number(row.level),
    templateId: String(row.template_id),
    answers: (row.answers ?? {}) as Record<string, string>,
    status: row.status as ApplicationStatus,
    reason: row.reason === null ? null : String(row.reason),
    changeFields: (row.change_fields ?? []) as string[],
    decidedBy: row.decided_by === null ? null : String(row.decided_by),
    decidedAtMs: msOrNull(row.decided_at),
    reverificationRequired: row.reverification_required === true,
    provider: row.provider === null ? null : String(row.provider),
    providerReference: row.provider_reference === null ? null : String(row.provider_reference),
    submittedAtMs: msOf(row.submitted_at),
    updatedAtMs: msOf(row.updated_at),
  };
}

function rowToDocument(row: Record<string, unknown>): KycDocument {
  return {
    id: String(row.id),
    applicationId: String(row.application_id),
    userId: String(row.user_id),
    fieldKey: String(row.field_key),
    storageKey: row.storage_key === null ? null : String(row.storage_key),
    mediaType: String(row.media_type),
    sizeBytes: Number(row.size_bytes),
    width: row.width === null ? null : Number(row.width),
    height: row.height === null ? null : Number(row.height),
    sha256: String(row.sha256),
    createdAtMs: msOf(row.created_at),
    erasedAtMs: msOrNull(row.erased_at),
  };
}

export async function insertApplication(db: Queryable, a: Application): Promise<void> {
  await db.query(
    `INSERT INTO kyc_applications (id, user_id, level, template_id, answers, status, submitted_at, updated_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $7)`,
    [a.id, a.userId, a.level, a.templateId, JSON.stringify(a.answers), a.status, isoOf(a.submittedAtMs)],
  );
}

export async function insertDocument(db: Queryable, d: KycDocument): Promise<void> {
  await db.query(
    `INSERT INTO kyc_documents (id, application_id, user_id, field_key, storage_key, media_type, size_bytes, width, height, sha256, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      d.id,
      d.applicationId,
      d.userId,
      d.fieldKey,
      d.storageKey,
      d.mediaType,
      d.sizeBytes,
      d.width,
      d.height,
      d.sha256,
      isoOf(d.createdAtMs),
    ],
  );
}

export async function recordEvent(
  db: Queryable,
  applicationId: string,
  actor: string,
  action: string,
  reason: string | null,
  atMs: number,
): Promise<void> {
  await db.query(
    'INSERT INTO kyc_events (application_id, actor, action, reason, at) VALUES ($1, $2, $3, $4, $5)',
    [applicationId, actor, action, reason, isoOf(atMs)],
  );
}

export async function findApplication(
  db: Queryable,
  id: string,
  forUpdate = false,
): Promise<Application | null> {
  const { rows } = await db.query(
    `SELECT * FROM kyc_applications WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] === undefined ? null : rowToApplication(rows[0]);
}

export async function findByProviderReference(
  db: Queryable,
  provider: string,
  reference: string,
): Promise<Application | null> {
  const { rows } = await db.query(
    'SELECT * FROM kyc_applications WHERE provider = $1 AND provider_reference = $2 FOR UPDATE',
    [provider, reference],
  );
  return rows[0] === undefined ? null : rowToApplication(rows[0]);
}

export interface QueueFilter {
  status?: ApplicationStatus;
  level?: number;
  userId?: string;
  reverificationRequired?: boolean;
  limit: number;
  offset: number;
}

/** The review queue: oldest first, so nobody waits longest by accident. */
export async function listApplications(db: Queryable, f: QueueFilter): Promise<Application[]> {
  const { rows } = await db.query(
    `SELECT * FROM kyc_applications
     WHERE ($1::text IS NULL OR status = $1) AND ($2::int IS NULL OR level = $2) AND ($3::text IS NULL OR user_id = $3)
       AND ($4::boolean IS NULL OR reverification_required = $4)
     ORDER BY submitted_at, id LIMIT $5 OFFSET $6`,
    [
      f.status ?? null,
      f.level ?? null,
      f.userId ?? null,
      f.reverificationRequired ?? null,
      f.limit,
      f.offset,
    ],
  );
  return rows.map(rowToApplication);
}

export async function countApplications(
  db: Queryable,
  f: Omit<QueueFilter, 'limit' | 'offset'>,
): Promise<number> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM kyc_applications
     WHERE ($1::text IS NULL OR status = $1) AND ($2::int IS NULL OR level = $2) AND ($3::text IS NULL OR user_id = $3)
       AND ($4::boolean IS NULL OR reverification_required = $4)`,
    [f.status ?? null, f.level ?? null, f.userId ?? null, f.reverificationRequired ?? null],
  );
  return Number(rows[0]?.n ?? 0);
}

export async function listUserApplications(db: Queryable, userId: string): Promise<Application[]> {
  const { rows } = await db.query(
    'SELECT * FROM kyc_applications WHERE user_id = $1 ORDER BY submitted_at DESC, id DESC',
    [userId],
  );
  return rows.map(rowToApplication);
}

export async function documentsOf(db: Queryable, applicationId: string): Promise<KycDocument[]> {
  const { rows } = await db.query(
    'SELECT * FROM kyc_documents WHERE application_id = $1 ORDER BY field_key',
    [applicationId],
  );
  return rows.map(rowToDocument);
}

export async function userDocuments(db: Queryable, userId: string): Promise<KycDocument[]> {
  const { rows } = await db.query('SELECT * FROM kyc_documents WHERE user_id = $1 AND erased_at IS NULL', [
    userId,
  ]);
  return rows.map(rowToDocument);
}

export async function findDocument(db: Queryable, id: string): Promise<KycDocument | null> {
  const { rows } = await db.query('SELECT * FROM kyc_documents WHERE id = $1', [id]);
  return rows[0] === undefined ? null : rowToDocument(rows[0]);
}

export async function eventsOf(db: Queryable, applicationId: string): Promise<ApplicationEvent[]> {
  const { rows } = await db.query(
    'SELECT actor, action, reason, at FROM kyc_events WHERE application_id = $1 ORDER BY seq',
    [applicationId],
  );
  return rows.map((row) => ({
    actor: String(row.actor),
    action: String(row.action),
    reason: row.reason === null ? null : String(row.reason),
    atMs: msOf(row.at),
  }));
}

export async function decide(
  db: Queryable,
  id: string,
  status: ApplicationStatus,
  decision: { reason: string | null; changeFields?: readonly string[]; decidedBy: string; atMs: number },
): Promise<void> {
  await db.query(
    `UPDATE kyc_applications SET status = $2, reason = $3, change_fields = $4::text[], decided_by = $5, decided_at = $6, updated_at = $6
     WHERE id = $1`,
    [
      id,
      status,
      decision.reason,
      [...(decision.changeFields ?? [])],
      decision.decidedBy,
      isoOf(decision.atMs),
    ],
  );
}

export async function setProvider(
  db: Queryable,
  id: string,
  provider: string,
  reference: string,
  atMs: number,
) {
  await db.query(
    'UPDATE kyc_applications SET provider = $2, provider_reference = $3, updated_at = $4 WHERE id = $1',
    [id, provider, reference, isoOf(atMs)],
  );
}

/** The level a user holds (0 without a row). */
export async function levelOf(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query('SELECT level FROM kyc_user_levels WHERE user_id = $1', [userId]);
  return rows[0] === undefined ? 0 : Number(rows[0].level);
}

/** Raises the user's level to `level` (never lowers it: approving level 1 after 2 keeps 2). */
export async function raiseLevel(
  db: Queryable,
  userId: string,
  level: number,
  applicationId: string,
  atMs: number,
) {
  await db.query(
    `INSERT INTO kyc_user_levels (user_id, level, application_id, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id) DO UPDATE SET level = EXCLUDED.level, application_id = EXCLUDED.application_id, updated_at = EXCLUDED.updated_at
     WHERE kyc_user_levels.level < EXCLUDED.level`,
    [userId, level, applicationId, isoOf(atMs)],
  );
}

/** Users approved on another form of `level` than `templateId`: flagged for re-verification; answers them. */
export async function markForReverification(
  db: Queryable,
  level: number,
  templateId: string,
  atMs: number,
): Promise<{ applicationId: string; userId: string }[]> {
  const { rows } = await db.query(
    `UPDATE kyc_applications SET reverification_required = true, updated_at = $3
     WHERE level = $1 AND template_id <> $2 AND status = 'approved' AND NOT reverification_required
     RETURNING id, user_id`,
    [level, templateId, isoOf(atMs)],
  );
  return rows.map((row) => ({ applicationId: String(row.id), userId: String(row.user_id) }));
}

/** Approved applications of the level the user held before, superseded by a new approval. */
export async function clearReverification(db: Queryable, userId: string, level: number, atMs: number) {
  await db.query(
    `UPDATE kyc_applications SET reverification_required = false, updated_at = $3
     WHERE user_id = $1 AND level <= $2 AND reverification_required`,
    [userId, level, isoOf(atMs)],
  );
}

/** Users at `minLevel` or above, active, after `afterUserId` in id order (announcement segments). */
export async function usersAtLevel(
  db: Queryable,
  minLevel: number,
  afterUserId: string,
  limit: number,
): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT u.id FROM users u LEFT JOIN kyc_user_levels l ON l.user_id = u.id
     WHERE u.status = 'active' AND COALESCE(l.level, 0) >= $1 AND u.id > $2 ORDER BY u.id LIMIT $3`,
    [minLevel, afterUserId, limit],
  );
  return rows.map((row) => String(row.id));
}

/** How many active users hold `minLevel` or above. */
export async function countUsersAtLevel(db: Queryable, minLevel: number): Promise<number> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM users u LEFT JOIN kyc_user_levels l ON l.user_id = u.id
     WHERE u.status = 'active' AND COALESCE(l.level, 0) >= $1`,
    [minLevel],
  );
  return Number(rows[0]?.n ?? 0);
}
