import { z } from 'zod';

/**
 * The error envelope, `{ "status": "error", "code": <status>, "errors": {...} }`: the one body of every answer that
 * is not a 2xx. `ErrorEnvelope` describes it (the OpenAPI documents' `Error` component is made from it) and
 * `errorBody` builds it (for errors.ts, the shutdown answer and the raw socket's refusals). To change its shape, change
 * both here: the answers, the documents and the tests' `expectError` follow.
 */

/** An error not tied to a field: a sentence for a person, and for some a machine code. */
export const ErrorDetail = z
  .strictObject({
    detail: z.string(),
    code: z.string().optional().describe('a machine code, e.g. token_not_valid'),
  })
  .meta({ title: 'ErrorDetail' });

/** Field -> its messages; nested fields dot-joined (`items.0.quantity`), the whole body's under `non_field_errors`. */
export const FieldErrors = z.record(z.string(), z.array(z.string())).meta({ title: 'FieldErrors' });

export const ErrorEnvelope = z.object({
  status: z.literal('error'),
  code: z.int().describe('the HTTP status'),
  errors: z
    .union([ErrorDetail, FieldErrors])
    .describe('field -> messages (nested fields dot-joined), or { detail, code? } for errors not tied to a field'),
});

export type ErrorDetail = z.infer<typeof ErrorDetail>;
export type FieldErrors = z.infer<typeof FieldErrors>;
export type ErrorBody = ErrorEnvelope['errors'];
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

/** The envelope of an answer with this status. */
export function errorBody(status: number, errors: ErrorBody): ErrorEnvelope {
  return { status: 'error', code: status, errors };
}
