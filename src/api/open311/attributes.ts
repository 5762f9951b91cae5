// i18n-exempt-file: GeoReport v2 error descriptions are for the integrating developer, in English.
/**
 * Checks the `attribute[code]` answers of a submission against the service definition and turns
 * them into lines the grid worker reads in the case description.
 */
import { DateTime } from 'luxon';
import type { Locale } from '../../domain/vocabulary';
import { localName, type Open311Attribute } from './services';

/** Answers as a form or JSON body carries them: one value, or several for `attribute[code][]`. */
export type AttributeAnswers = Record<string, string | string[]>;

/** One accepted answer, ready to show: the question and the answer in words. */
export interface AnsweredAttribute {
  code: string;
  label: string;
  answer: string;
}

/** Longest answer to a `string` attribute (one line) and to a `text` attribute. */
const MAX_STRING = 200;
const MAX_TEXT = 4000;

/** The spec's "not html or code": a tag-like `<x`, `</x`, `<!` or `<?`. A bare `<` (3 < 5) is fine. */
const HTML_TAG = /<\s*[/!?]?\s*[a-zA-Z!?]/;
/** C0 controls other than tab and line breaks, and DEL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** True when free text looks like HTML or markup. */
export function containsHtml(text: string): boolean {
  return HTML_TAG.test(text);
}

/** The outcome of {@link checkAttributes}. */
export interface AttributeCheck {
  answers: AnsweredAttribute[];
  /** One description per bad answer, naming it as `attribute[code]`. */
  errors: string[];
}

/**
 * Validates answers against the definition: required ones present, no unknown codes, each value
 * of its datatype, list values among the listed keys. Answers to informational
 * (`variable: false`) attributes are ignored: the client had nothing to ask.
 */
export function checkAttributes(definition: readonly Open311Attribute[], given: AttributeAnswers, locale: Locale, timeZone: string): AttributeCheck {
  const errors: string[] = [];
  const answers: AnsweredAttribute[] = [];
  const byCode = new Map(definition.map((attribute) => [attribute.code, attribute]));
  for (const code of Object.keys(given)) {
    if (!byCode.has(code)) errors.push(`attribute[${code}]: not an attribute of this service`);
  }
  for (const attribute of definition) {
    if (!attribute.variable) continue;
    const name = `attribute[${attribute.code}]`;
    const raw = Object.hasOwn(given, attribute.code) ? given[attribute.code] : undefined;
    const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((value) => value.trim()).filter((value) => value !== '');
    if (values.length === 0) {
      if (attribute.required) errors.push(`${name}: required`);
      continue;
    }
    const result = checkValues(attribute, values, locale, timeZone);
    if (typeof result === 'string') errors.push(`${name}: ${result}`);
    else answers.push({ code: attribute.code, label: localName(attribute.description, locale), answer: result.answer });
  }
  return { answers, errors };
}

/** The answer in words, or why the values are wrong. */
function checkValues(attribute: Open311Attribute, values: string[], locale: Locale, timeZone: string): { answer: string } | string {
  if (attribute.datatype === 'multivaluelist') {
    const names = new Map(attribute.values.map((value) => [value.key, localName(value.name, locale)]));
    const unknown = values.filter((value) => !names.has(value));
    if (unknown.length > 0) return `${unknown.map((value) => `"${value}"`).join(', ')} not among the listed values`;
    return { answer: [...new Set(values)].map((value) => names.get(value)).join('、') };
  }
  // A single-valued attribute sent as `attribute[code][]` with one value is still one value.
  if (values.length > 1) return 'takes one value';
  const value = values[0]!;
  if (CONTROL.test(value)) return 'must not contain control characters';
  switch (attribute.datatype) {
    case 'singlevaluelist': {
      const choice = attribute.values.find((option) => option.key === value);
      return choice ? { answer: localName(choice.name, locale) } : `"${value}" is not among the listed values`;
    }
    case 'number':
      return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value) && Number.isFinite(Number(value)) ? { answer: value } : 'must be a number';
    case 'datetime': {
      const parsed = DateTime.fromISO(value, { zone: timeZone });
      return parsed.isValid ? { answer: parsed.setZone(timeZone).toFormat('yyyy-MM-dd HH:mm') } : 'must be an ISO 8601 date or date-time';
    }
    case 'string':
      if (/[\r\n]/.test(value)) return 'must be one line';
      if (value.length > MAX_STRING) return `must be at most ${MAX_STRING} characters`;
      return containsHtml(value) ? 'must not contain HTML' : { answer: value };
    case 'text':
      if (value.length > MAX_TEXT) return `must be at most ${MAX_TEXT} characters`;
      return containsHtml(value) ? 'must not contain HTML' : { answer: value };
  }
}
