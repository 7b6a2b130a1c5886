// A verification form: ordered fields of several kinds, each with its validation rules.
import { z } from 'zod';
import { FILE_KINDS } from '../files/inspect-file.js';
import { UPLOAD_BYTES_MAX } from '../files/upload.js';

export const TEXT_FIELD_TYPES = ['text', 'date', 'country', 'select'] as const;
export const FILE_FIELD_TYPES = ['document_front', 'document_back', 'selfie', 'address_proof'] as const;
export const FIELD_TYPES = [...TEXT_FIELD_TYPES, ...FILE_FIELD_TYPES] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const TEMPLATE_STATUSES = ['draft', 'active', 'retired'] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

const rulesSchema = z
  .object({
    minLength: z.number().int().min(0).max(10_000).optional(),
    maxLength: z.number().int().min(1).max(10_000).optional(),
    pattern: z.string().max(300).optional().describe('A regular expression the whole answer must match'),
    options: z.array(z.string().min(1).max(100)).max(200).optional().describe('select: the choices'),
    minAgeYears: z.number().int().min(0).max(150).optional().describe('date: at least this old'),
    notInFuture: z.boolean().optional().describe('date: not after today'),
    allowedCountries: z
      .array(z.string().regex(/^[A-Z]{2}$/))
      .max(300)
      .optional()
      .describe('country: ISO 3166-1 alpha-2 codes accepted (default: all)'),
    accept: z.array(z.enum(FILE_KINDS)).min(1).optional().describe('files: kinds accepted'),
    maxBytes: z.number().int().min(1).max(UPLOAD_BYTES_MAX).optional(),
    minWidth: z.number().int().min(1).max(10_000).optional(),
    minHeight: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();

export const fieldSchema = z.object({
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/)
    .describe('Stable name of the answer, e.g. first_name'),
  type: z.enum(FIELD_TYPES),
  label: z.string().min(1).max(200),
  help: z.string().max(1000).optional(),
  required: z.boolean().default(true),
  rules: rulesSchema.default({}),
});
export type TemplateField = z.infer<typeof fieldSchema>;
export type FieldRules = TemplateField['rules'];

export const fieldsSchema = z.array(fieldSchema).min(1).max(50);

/** A stored form version. */
export interface Template {
  id: string;
  familyId: string;
  version: number;
  level: number;
  name: string;
  fields: TemplateField[];
  status: TemplateStatus;
  createdBy: string;
  createdAtMs: number;
  activatedAtMs: number | null;
}

export function isFileField(type: FieldType): boolean {
  return (FILE_FIELD_TYPES as readonly string[]).includes(type);
}

/** Kinds a file field takes when its rules do not say: pictures of people are images only. */
export function defaultAccept(type: FieldType): readonly (typeof FILE_KINDS)[number][] {
  return type === 'selfie' ? ['image/jpeg', 'image/png'] : FILE_KINDS;
}

/** What is wrong with a field list as a whole; empty when it holds together. */
export function templateProblems(fields: readonly TemplateField[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.key)) problems.push(`${field.key}: the key is used twice`);
    seen.add(field.key);
    const r = field.rules;
    if (field.type === 'select' && (r.options === undefined || r.options.length === 0))
      problems.push(`${field.key}: a select needs options`);
    if (r.pattern !== undefined) {
      try {
        new RegExp(r.pattern);
      } catch {
        problems.push(`${field.key}: the pattern is not a regular expression`);
      }
    }
    if (r.minLength !== undefined && r.maxLength !== undefined && r.minLength > r.maxLength)
      problems.push(`${field.key}: minLength is above maxLength`);
    const fileRule = r.accept ?? r.maxBytes ?? r.minWidth ?? r.minHeight;
    if (fileRule !== undefined && !isFileField(field.type))
      problems.push(`${field.key}: file rules on a ${field.type} field`);
  }
  return problems;
}
