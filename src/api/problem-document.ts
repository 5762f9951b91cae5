/**
 * A ProblemError as the RFC 9457 document a caller reads: title, detail and field messages from
 * the catalogs in the caller's language, zod's own messages in that language for shape errors,
 * and instants among the values shown in the city's local time.
 */
import type { TFunction } from 'i18next';
import { z } from 'zod';
import type { Locale } from '../domain/vocabulary';
import { translator } from '../i18n';
import type { Message } from '../i18n/message';
import { formatLocalTime } from '../notifications/render';

/**
 * One bad field: `field` is a dotted path into the body, query or headers; the message is either
 * a catalog message or the zod issue itself, translated with zod's own locale when sent.
 */
export type FieldProblem = { field: string; message: Message } | { field: string; issue: z.core.$ZodIssue };

/**
 * What a document is written from. A ProblemError (./errors) is one; typed by shape here so that
 * writing a document needs nothing from the module that raises problems.
 */
export interface ProblemContent {
  readonly status: number;
  /** The kind, a key of the catalogs' `problem` section. */
  readonly kind: string;
  readonly detail: Message;
  readonly errors?: readonly FieldProblem[] | undefined;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** zod's messages per catalog language, for issues our schemas did not word themselves. */
const ZOD_LOCALES: Record<Locale, z.core.$ZodErrorMap> = { 'zh-CN': z.locales.zhCN().localeError, en: z.locales.en().localeError };

/** A catalog message in one language; ISO instants among its values become local times. */
export function renderMessage(t: TFunction, msg: Message, timeZone: string): string {
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(msg.values ?? {})) {
    values[name] = typeof value === 'string' && ISO_INSTANT.test(value) ? formatLocalTime(value, timeZone) : value;
  }
  return t(msg.key, values);
}

/** Value types the catalogs name (`valueType.…`), as zod reports what it expected. */
const VALUE_TYPES = new Set(['string', 'number', 'int', 'boolean', 'array', 'object']);

/**
 * The catalog's wording of the commonest zod issues. zod's own Chinese locale keeps its English
 * type names ("期望 string，实际接收 undefined"), so a missing or mistyped field and a size bound
 * are said here; anything else falls back to zod's locale.
 */
function catalogWording(issue: z.core.$ZodIssue, t: TFunction): string | undefined {
  if (issue.code === 'invalid_type') {
    // The input is there only when the parse reported it (parseOr400 does): then undefined means absent.
    if ('input' in issue && issue.input === undefined) return t('field.required');
    return VALUE_TYPES.has(issue.expected) ? t('field.wrongType', { expected: issue.expected }) : t('field.invalid');
  }
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    const small = issue.code === 'too_small';
    const bound = { minimum: Number(small ? issue.minimum : 0), maximum: Number(small ? 0 : issue.maximum) };
    if (issue.origin === 'string') return t(small ? 'field.minLength' : 'field.maxLength', bound);
    if (issue.origin === 'array' || issue.origin === 'set') return t(small ? 'field.minItems' : 'field.maxItems', bound);
    if (issue.origin === 'number' || issue.origin === 'int') {
      const inclusive = issue.inclusive !== false;
      if (small) return t(inclusive ? 'field.minNumber' : 'field.aboveNumber', bound);
      return t(inclusive ? 'field.maxNumber' : 'field.belowNumber', bound);
    }
  }
  return undefined;
}

/** One zod issue in one language: our schemas word theirs as catalog keys (`field.…`). */
export function issueText(issue: z.core.$ZodIssue, locale: Locale, t: TFunction = translator(locale)): string {
  if (issue.message.startsWith('field.')) return t(issue.message);
  const ours = catalogWording(issue, t);
  if (ours !== undefined) return ours;
  const worded = ZOD_LOCALES[locale](issue as unknown as z.core.$ZodRawIssue);
  if (typeof worded === 'string') return worded;
  return worded?.message ?? issue.message;
}

function fieldText(error: FieldProblem, t: TFunction, locale: Locale, timeZone: string): string {
  return 'issue' in error ? issueText(error.issue, locale, t) : renderMessage(t, error.message, timeZone);
}

/** The document for `p`, in `locale`. */
export function problemDocument(p: ProblemContent, locale: Locale, timeZone: string): ProblemDocument {
  const t = translator(locale);
  const errors = p.errors?.map((error) => ({ field: error.field, message: fieldText(error, t, locale, timeZone) }));
  return {
    type: `urn:gridflow:problem:${p.kind}`,
    title: t(`problem.${p.kind}`),
    status: p.status,
    detail: renderMessage(t, p.detail, timeZone),
    ...(errors ? { errors } : {}),
  };
}
