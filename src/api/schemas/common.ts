/**
 * Schemas shared by several routes: problem+json, ids, times.
 */
import { z } from 'zod';
import { LEVELS, PRIORITIES } from '../../domain/vocabulary';

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export const unitIdParam = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'field.unitId');
export const levelParam = z.enum(LEVELS);
export const priorityParam = z.enum(PRIORITIES);

/** Who took a step, as timelines show it. */
export const actorSchema = z.object({ kind: z.enum(['staff', 'resident', 'integration', 'system']), id: z.string().optional() });

/** ISO 8601 instant with offset (`Z` or `+08:00`), as all times travel. */
export const isoInstant = z.iso.datetime({ offset: true });

/** C0 controls except tab, newline and carriage return, and DEL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Free text from people: bounded, and without control characters other than newlines and tabs. */
export function freeText(max: number) {
  return z
    .string()
    .max(max)
    .refine((text) => !CONTROL_CHARACTERS.test(text), 'field.noControlChars');
}

/**
 * Line breaks, and the Unicode controls that reorder how text is shown (U+202A–U+202E embeddings
 * and overrides, U+2066–U+2069 isolates, U+200E/U+200F/U+061C marks): a name carrying them can
 * split a mail header or show "张三" where the bytes say something else.
 */
const NOT_IN_A_NAME = /[\r\n\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/;

/** A person's or body's name: free text on one line, without text-direction controls. */
export function nameText(max: number) {
  return freeText(max).refine((text) => !NOT_IN_A_NAME.test(text), 'field.plainName');
}

/** A decimal number as text (a form or query value, trimmed) becomes that number. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A number, or a decimal number sent as text (forms and queries carry nothing else). Unlike
 * `z.coerce.number()` nothing else is converted: `[39.52]`, `true`, `""` and `0x10` are refused.
 */
export function numberFromText() {
  return z.preprocess((value) => (typeof value === 'string' && DECIMAL.test(value.trim()) ? Number(value.trim()) : value), z.number());
}

/** Standard problem responses for the OpenAPI document. */
// i18n-exempt: OpenAPI response descriptions, read by developers.
const PROBLEM_STATUSES: [number, string][] = [
  [400, 'Malformed input; `errors` names each field'],
  [401, 'Missing or invalid credentials'],
  [403, 'Not allowed for this caller or outside their unit scope'],
  [404, 'Not found'],
  [409, 'Not possible in the current state'],
  [422, 'Well-formed but unprocessable (e.g. unknown category or place)'],
  [503, 'Temporal unreachable; retry after Retry-After seconds'],
];

export const problemResponses: Record<number, { description: string; content: Record<string, { schema: typeof problemSchema }> }> = Object.fromEntries(
  PROBLEM_STATUSES.map(([status, description]) => [status, { description, content: { 'application/problem+json': { schema: problemSchema } } }]),
);
