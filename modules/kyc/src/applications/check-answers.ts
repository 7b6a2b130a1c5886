// Checks a submission against its form: every text answer by its field's rules (all problems are
// reported at once), then every file by content. Nothing is stored by this step.
import { DomainError } from '@tradeloom/kernel';
import { type CheckedFile, checkUpload, UPLOAD_BYTES_MAX, type Upload } from '../files/upload.js';
import { defaultAccept, isFileField, type TemplateField } from '../templates/template.js';

/** One field's problem. */
export interface AnswerProblem {
  field: string;
  code: 'required' | 'unknown' | 'too_short' | 'too_long' | 'pattern' | 'option' | 'date' | 'age' | 'country';
  message: string;
}

/** A submission that passed. */
export interface CheckedSubmission {
  answers: Record<string, string>;
  files: { field: TemplateField; file: CheckedFile }[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const COUNTRY = /^[A-Z]{2}$/;

/** Throws KYC_ANSWERS_INVALID (details.fields) or an UPLOAD_* error; answers the checked submission. */
export function checkSubmission(
  fields: readonly TemplateField[],
  answers: Readonly<Record<string, string>>,
  files: Readonly<Record<string, Upload>>,
  nowMs: number,
): CheckedSubmission {
  const problems: AnswerProblem[] = [];
  const byKey = new Map(fields.map((field) => [field.key, field]));
  for (const key of [...Object.keys(answers), ...Object.keys(files)]) {
    const field = byKey.get(key);
    if (field === undefined || isFileField(field.type) !== key in files)
      problems.push({
        field: key,
        code: 'unknown',
        message: 'not a field of this form (or of another kind)',
      });
  }
  const cleaned: Record<string, string> = {};
  for (const field of fields) {
    if (isFileField(field.type)) {
      if (field.required && files[field.key] === undefined)
        problems.push({ field: field.key, code: 'required', message: `${field.label} is required` });
      continue;
    }
    const value = answers[field.key]?.trim();
    if (value === undefined || value === '') {
      if (field.required)
        problems.push({ field: field.key, code: 'required', message: `${field.label} is required` });
      continue;
    }
    const problem = textProblem(field, value, nowMs);
    if (problem === null) cleaned[field.key] = value;
    else problems.push({ field: field.key, ...problem });
  }
  if (problems.length > 0)
    throw new DomainError('KYC_ANSWERS_INVALID', 'Some answers do not satisfy the form', {
      fields: problems,
    });
  const checked: CheckedSubmission['files'] = [];
  for (const field of fields) {
    const upload = files[field.key];
    if (upload === undefined || !isFileField(field.type)) continue;
    const r = field.rules;
    checked.push({
      field,
      file: checkUpload(
        upload,
        {
          accept: r.accept ?? defaultAccept(field.type),
          maxBytes: r.maxBytes ?? UPLOAD_BYTES_MAX,
          ...(r.minWidth === undefined ? {} : { minWidth: r.minWidth }),
          ...(r.minHeight === undefined ? {} : { minHeight: r.minHeight }),
        },
        field.key,
      ),
    });
  }
  return { answers: cleaned, files: checked };
}

function textProblem(
  field: TemplateField,
  value: string,
  nowMs: number,
): Omit<AnswerProblem, 'field'> | null {
  const r = field.rules;
  const maxLength = r.maxLength ?? 500;
  if (value.length > maxLength) return { code: 'too_long', message: `at most ${maxLength} characters` };
  if (r.minLength !== undefined && value.length < r.minLength)
    return { code: 'too_short', message: `at least ${r.minLength} characters` };
  if (r.pattern !== undefined && !new RegExp(`^(?:${r.pattern})$`, 'u').test(value))
    return { code: 'pattern', message: 'not in the expected format' };
  if (field.type === 'select' && !(r.options ?? []).includes(value))
    return { code: 'option', message: 'not one of the choices' };
  if (field.type === 'country') {
    if (!COUNTRY.test(value) || (r.allowedCountries !== undefined && !r.allowedCountries.includes(value)))
      return { code: 'country', message: 'not an accepted country (ISO 3166-1 alpha-2, e.g. DE)' };
  }
  if (field.type === 'date') {
    const match = DATE.exec(value);
    const ms = match === null ? Number.NaN : Date.parse(`${value}T00:00:00Z`);
    if (match === null || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value)
      return { code: 'date', message: 'a date as YYYY-MM-DD' };
    if (r.notInFuture === true && ms > nowMs)
      return { code: 'date', message: 'a date that is not in the future' };
    if (r.minAgeYears !== undefined) {
      const now = new Date(nowMs);
      const limit = Date.UTC(now.getUTCFullYear() - r.minAgeYears, now.getUTCMonth(), now.getUTCDate());
      if (ms > limit) return { code: 'age', message: `at least ${r.minAgeYears} years ago` };
    }
  }
  return null;
}
