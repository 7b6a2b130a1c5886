// The fields a deposit method asks for, and the check of what a user sent against them.
import { DomainError } from '@tradeloom/kernel';
import { z } from 'zod';
import type { DepositMethodField } from './deposit.js';

export const FIELDS_MAX = 20;
export const FIELD_LENGTH_MAX = 1_000;

export const depositMethodFieldSchema = z.object({
  key: z
    .string()
    .regex(/^[a-z][a-zA-Z0-9_]{0,39}$/, 'a letter, then letters, digits or _, at most 40')
    .describe("Machine key, e.g. 'senderIban'"),
  label: z.string().min(1).max(80),
  required: z.boolean(),
  maxLength: z.number().int().min(1).max(FIELD_LENGTH_MAX),
});

export const depositMethodFieldsSchema = z
  .array(depositMethodFieldSchema)
  .max(FIELDS_MAX)
  .refine((fields) => new Set(fields.map((f) => f.key)).size === fields.length, 'field keys must be unique');

function invalid(field: string, problem: string): DomainError {
  return new DomainError('WALLET_DEPOSIT_FIELDS_INVALID', `Field ${field}: ${problem}`, { field, problem });
}

/**
 * The values as the method defines them: every key known, every required one present and not blank,
 * none longer than allowed. Blank optional values are dropped.
 */
export function checkFieldValues(
  definition: readonly DepositMethodField[],
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  const byKey = new Map(definition.map((f) => [f.key, f]));
  for (const key of Object.keys(values)) {
    if (!byKey.has(key)) throw invalid(key, 'unknown');
  }
  const checked: Record<string, string> = {};
  for (const field of definition) {
    const value = Object.hasOwn(values, field.key) ? values[field.key] : undefined;
    if (value === undefined || value.trim() === '') {
      if (field.required) throw invalid(field.key, 'required');
      continue;
    }
    if (value.length > field.maxLength) throw invalid(field.key, `longer than ${field.maxLength}`);
    checked[field.key] = value;
  }
  return checked;
}
