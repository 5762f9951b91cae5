// i18n-exempt-file: GeoReport v2 error descriptions are for the integrating developer, in English.
/**
 * The arguments of GeoReport v2 calls. The spec says an empty optional argument means the same as
 * an absent one, so empty strings are dropped before validation; unknown arguments are ignored,
 * as clients commonly send extras (jurisdiction_id, their own fields).
 */
import { z } from 'zod';
import { MAX_DESCRIPTION_LENGTH, reporterSchema } from '../schemas/cases';
import { freeText, nameText, numberFromText } from '../schemas/common';
import { containsHtml, type AttributeAnswers } from './attributes';

/** Empty string (or only spaces) → absent; other values are trimmed strings or left as they are. */
function blankToUndefined(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

/** Free text people type: bounded, no control characters, no HTML. */
const plainText = (max: number) => freeText(max).refine((text) => !containsHtml(text), 'field.noHtml');

/** A resident's name: plain text on one line, without text-direction controls. */
const personName = (max: number) => nameText(max).refine((text) => !containsHtml(text), 'field.noHtml');

/** Identifiers a client chooses (device, account, jurisdiction): printable, bounded. */
const clientId = freeText(200).refine((text) => !/[<>\r\n]/.test(text), 'field.oneLine');

/** `POST requests.{format}` arguments (api_key and attributes are read separately). */
export const postRequestSchema = z.object({
  jurisdiction_id: optional(clientId),
  service_code: optional(z.string().max(64)),
  // Forms send numbers as text, JSON as numbers; nothing else is a coordinate (`[39.52]` is not).
  lat: optional(numberFromText().pipe(z.number().min(-90).max(90))),
  long: optional(numberFromText().pipe(z.number().min(-180).max(180))),
  address_string: optional(plainText(300)),
  address_id: optional(clientId),
  email: optional(reporterSchema.shape.email.unwrap()),
  device_id: optional(clientId),
  account_id: optional(clientId),
  first_name: optional(personName(50)),
  last_name: optional(personName(50)),
  // Normalised to E.164 like every resident's phone.
  phone: z.preprocess(blankToUndefined, reporterSchema.shape.phone),
  description: optional(plainText(MAX_DESCRIPTION_LENGTH)),
  media_url: optional(z.url({ protocol: /^https?$/, error: 'field.httpUrl' }).max(2000)),
});
/** Validated `POST requests` arguments. */
export type PostRequestArgs = z.infer<typeof postRequestSchema>;

/** `attribute[code]`/`attribute[code][]` from a form (qs makes a nested object) or a JSON body (nested or flat keys). */
export function attributeAnswersOf(body: Record<string, unknown>): { answers: AttributeAnswers } | { error: string } {
  // No prototype: a code such as `__proto__` or `constructor` is an own key like any other, so
  // the unknown-attribute check sees it instead of it vanishing into (or coming from) Object.prototype.
  const answers = Object.create(null) as AttributeAnswers;
  const add = (code: string, value: unknown): string | undefined => {
    if (typeof value === 'string') answers[code] = value;
    // JSON clients send numbers as numbers.
    else if (typeof value === 'number' && Number.isFinite(value)) answers[code] = String(value);
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) answers[code] = value;
    // qs turns a long `attribute[code][]` list into an object keyed by index.
    else if (isRecord(value) && Object.values(value).every((item) => typeof item === 'string')) answers[code] = Object.values(value) as string[];
    else return `attribute[${code}]: must be text or a list of text`;
    return undefined;
  };
  const nested = body.attribute;
  if (nested !== undefined) {
    if (!isRecord(nested)) return { error: 'attribute: must be sent as attribute[code]=value' };
    for (const [code, value] of Object.entries(nested)) {
      const error = add(code, value);
      if (error) return { error };
    }
  }
  for (const [key, value] of Object.entries(body)) {
    const flat = /^attribute\[([^\]]+)\](\[\d*\])?$/.exec(key);
    const code = flat?.[1];
    if (code === undefined) continue;
    const earlier = answers[code];
    const error = add(code, value);
    if (error) return { error };
    // A list comes as `attribute[code][]` repeated or as `attribute[code][0]`, `[1]`…: one key each.
    if (flat?.[2] !== undefined) answers[code] = [...listOf(earlier), ...listOf(answers[code])];
  }
  return { answers };
}

function listOf(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** A parsed body as a record; anything else (no body, a JSON array) as an empty one. */
export function bodyRecord(body: unknown): Record<string, unknown> {
  return isRecord(body) ? body : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A comma-delimited argument that may also be repeated: `status=open,closed` or `status=open&status=closed`. */
const listArgument = z.preprocess(
  (value) =>
    (Array.isArray(value) ? value : [value])
      .filter((item): item is string => typeof item === 'string')
      .flatMap((item) => item.split(','))
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  z.array(z.string().max(64)).max(100, 'field.tooManyValues'),
);

/** `GET requests.{format}` arguments; dates are parsed by the window logic. */
export const listRequestsSchema = z.object({
  jurisdiction_id: optional(z.unknown()),
  service_request_id: listArgument,
  service_code: listArgument,
  status: listArgument.pipe(z.array(z.enum(['open', 'closed']))),
  start_date: optional(z.string().max(64)),
  end_date: optional(z.string().max(64)),
});
/** Validated `GET requests` arguments. */
export type ListRequestsArgs = z.infer<typeof listRequestsSchema>;
