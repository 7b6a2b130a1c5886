import type { Queryable } from '@tradeloom/db';
import { isoOf, msOf } from '../route-support.js';
import type { Template, TemplateField, TemplateStatus } from './template.js';

function rowToTemplate(row: Record<string, unknown>): Template {
  return {
    id: String(row.id),
    familyId: String(row.family_id),
    version: Number(row.version),
    level: Number(row.level),
    name: String(row.name),
    fields: row.fields as TemplateField[],
    status: row.status as TemplateStatus,
    createdBy: String(row.created_by),
    createdAtMs: msOf(row.created_at),
    activatedAtMs: row.activated_at === null ? null : msOf(row.activated_at),
  };
}

export async function insertTemplate(db: Queryable, t: Template): Promise<void> {
  await db.query(
    `INSERT INTO kyc_templates (id, family_id, version, level, name, fields, status, created_by, created_at, activated_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10)`,
    [
      t.id,
      t.familyId,
      t.version,
      t.level,
      t.name,
      JSON.stringify(t.fields),
      t.status,
      t.createdBy,
      isoOf(t.createdAtMs),
      t.activatedAtMs === null ? null : isoOf(t.activatedAtMs),
    ],
  );
}

export async function findTemplate(db: Queryable, id: string, forUpdate = false): Promise<Template | null> {
  const { rows } = await db.query(
    `SELECT * FROM kyc_templates WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] === undefined ? null : rowToTemplate(rows[0]);
}

export async function findActiveTemplate(db: Queryable, level: number): Promise<Template | null> {
  const { rows } = await db.query(`SELECT * FROM kyc_templates WHERE level = $1 AND status = 'active'`, [
    level,
  ]);
  return rows[0] === undefined ? null : rowToTemplate(rows[0]);
}

export async function listTemplates(db: Queryable, level?: number): Promise<Template[]> {
  const { rows } = await db.query(
    `SELECT * FROM kyc_templates WHERE ($1::int IS NULL OR level = $1) ORDER BY level, family_id, version`,
    [level ?? null],
  );
  return rows.map(rowToTemplate);
}

export async function nextVersionOf(db: Queryable, familyId: string): Promise<number> {
  const { rows } = await db.query(
    'SELECT COALESCE(MAX(version), 0) + 1 AS next FROM kyc_templates WHERE family_id = $1',
    [familyId],
  );
  return Number(rows[0]?.next ?? 1);
}

export async function setTemplateStatus(
  db: Queryable,
  id: string,
  status: TemplateStatus,
  atMs: number,
): Promise<void> {
  await db.query(
    `UPDATE kyc_templates SET status = $2, activated_at = CASE WHEN $2 = 'active' THEN $3::timestamptz ELSE activated_at END
     WHERE id = $1`,
    [id, status, isoOf(atMs)],
  );
}

export async function updateDraft(
  db: Queryable,
  id: string,
  name: string,
  fields: TemplateField[],
): Promise<void> {
  await db.query('UPDATE kyc_templates SET name = $2, fields = $3::jsonb WHERE id = $1', [
    id,
    name,
    JSON.stringify(fields),
  ]);
}

export async function templateInUse(db: Queryable, id: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM kyc_applications WHERE template_id = $1 LIMIT 1', [id]);
  return rows.length > 0;
}
