import { z } from 'zod';
import { ValidationError, type FieldErrors } from './errors.js';

/**
 * Zod's issues, said the way the reference design (Django REST framework) says
 * them. A message written on the schema itself (`.min(1, 'Quantity must be at
 * least 1.')`) always wins over these defaults.
 */
const messageFor: z.core.$ZodErrorMap = (issue) => {
  // absent, whatever the type (an enum says `invalid_value` for it)
  if (issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) return 'This field is required.';
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'This field is required.';
      if (issue.input === null) return 'This field may not be null.';
      const format = (issue.inst as { _zod?: { def?: { format?: string } } } | undefined)?._zod?.def?.format;
      if (issue.expected === 'int' || format === 'safeint' || format === 'int32') return 'A valid integer is required.';
      if (issue.expected === 'number') return 'A valid number is required.';
      if (issue.expected === 'string') return 'Not a valid string.';
      if (issue.expected === 'boolean') return 'Must be a valid boolean.';
      if (issue.expected === 'array') return `Expected a list of items but got type "${typeName(issue.input)}".`;
      if (issue.expected === 'object') return `Invalid data. Expected a dictionary, but got ${typeName(issue.input)}.`;
      return 'Invalid value.';
    }
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1 ? 'This field may not be blank.' : `Ensure this field has at least ${issue.minimum} characters.`;
      }
      if (issue.origin === 'array') return `Ensure this field has at least ${issue.minimum} elements.`;
      return `Ensure this value is greater than or equal to ${issue.minimum}.`;
    case 'too_big':
      if (issue.origin === 'string') return `Ensure this field has no more than ${issue.maximum} characters.`;
      if (issue.origin === 'array') return `Ensure this field has no more than ${issue.maximum} elements.`;
      return `Ensure this value is less than or equal to ${issue.maximum}.`;
    case 'invalid_value':
      return `"${String(issue.input)}" is not a valid choice.`;
    case 'invalid_format':
      if (issue.format === 'email') return 'Enter a valid email address.';
      if (issue.format === 'uuid') return 'Must be a valid UUID.';
      if (issue.format === 'datetime') return 'Datetime has wrong format. Use ISO 8601.';
      if (issue.format === 'date') return 'Date has wrong format. Use YYYY-MM-DD.';
      return 'Enter a valid value.';
    default:
      return undefined;
  }
};

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'dict' : typeof value === 'string' ? 'str' : typeof value;
}

/** Zod issues -> `{ "items.0.quantity": ["..."] }`; issues on the whole body go under non_field_errors. */
export function toFieldErrors(error: z.ZodError): FieldErrors {
  // no prototype: a field may be named `constructor`, `toString` or `valueOf` like any other
  const errors: FieldErrors = Object.create(null) as FieldErrors;
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.map(String).join('.') : 'non_field_errors';
    (errors[key] ??= []).push(issue.message);
  }
  return errors;
}

/** Validates input against a schema; throws the 400 ValidationError the envelope expects. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input, { error: messageFor });
  if (!result.success) throw new ValidationError(toFieldErrors(result.error));
  // what the schema kept (unknown fields are dropped, ignored as ever): no string of it may hold a NUL, which
  // PostgreSQL cannot store and no other database should
  const nul = nullCharacterPaths(result.data);
  if (nul.length > 0) {
    const errors: FieldErrors = Object.create(null) as FieldErrors;
    for (const key of nul) errors[key] = [NULL_CHARACTERS];
    throw new ValidationError(errors);
  }
  return result.data;
}

const NULL_CHARACTERS = 'Null characters are not allowed.';

/** The dot paths of the strings holding U+0000 in a parsed value (`non_field_errors` for the value itself). */
function nullCharacterPaths(value: unknown, path: string[] = [], found: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push(path.length > 0 ? path.join('.') : 'non_field_errors');
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => nullCharacterPaths(item, [...path, String(index)], found));
  } else if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) nullCharacterPaths(item, [...path, key], found);
  }
  return found;
}

/** A decimal with a fixed scale, accepted as a string or a number, normalised to a string (`"12.50"`). */
export function decimal(options: { places: number; maxDigits: number; min?: number; max?: number }) {
  const { places, maxDigits } = options;
  const pattern = /^-?\d+(\.\d+)?$/;
  // the document says as much as the checks below: digits before and after the point, the sign only where allowed
  const sign = options.min === undefined || options.min < 0 ? '-?' : '';
  const fraction = places > 0 ? `(\\.\\d{1,${places}})?` : '';
  const documented = `^\\s*${sign}0*\\d{1,${maxDigits - places}}${fraction}\\s*$`;
  const bounds = {
    ...(options.min !== undefined ? { minimum: options.min } : {}),
    ...(options.max !== undefined ? { maximum: options.max } : {}),
  };
  return z
    .union(
      [z.string().meta({ pattern: documented, examples: [places > 0 ? `12.${'5'.padEnd(places, '0')}` : '12'] }), z.number().meta(bounds)],
      {
        error: (issue) => (issue.input === undefined ? 'This field is required.' : 'A valid number is required.'),
      },
    )
    .transform((value, ctx) => {
      const text = typeof value === 'number' ? String(value) : value.trim();
      if (!pattern.test(text) || !Number.isFinite(Number(text))) {
        ctx.addIssue({ code: 'custom', message: 'A valid number is required.' });
        return z.NEVER;
      }
      const [whole = '', fraction = ''] = text.replace('-', '').split('.');
      if (fraction.length > places) {
        ctx.addIssue({ code: 'custom', message: `Ensure that there are no more than ${places} decimal places.` });
        return z.NEVER;
      }
      if (whole.replace(/^0+(?=\d)/, '').length > maxDigits - places) {
        ctx.addIssue({
          code: 'custom',
          message: `Ensure that there are no more than ${maxDigits - places} digits before the decimal point.`,
        });
        return z.NEVER;
      }
      const number = Number(text);
      if (options.min !== undefined && number < options.min) {
        ctx.addIssue({ code: 'custom', message: `Ensure this value is greater than or equal to ${options.min}.` });
        return z.NEVER;
      }
      if (options.max !== undefined && number > options.max) {
        ctx.addIssue({ code: 'custom', message: `Ensure this value is less than or equal to ${options.max}.` });
        return z.NEVER;
      }
      // built from the digits, not through a float, so no value is ever rounded
      const sign = text.startsWith('-') && Number(text) !== 0 ? '-' : '';
      const digits = whole.replace(/^0+(?=\d)/, '') || '0';
      return places > 0 ? `${sign}${digits}.${fraction.padEnd(places, '0')}` : `${sign}${digits}`;
    })
    .meta({ description: `decimal with ${places} places, as a string or a number` });
}
