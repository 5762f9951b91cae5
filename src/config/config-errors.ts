/**
 * Turns zod's issues on a city file into problems an operator can act on: the YAML line, the
 * list item's id, the bad value (unless secret), one line per kind of mistake with a count, and
 * no follow-on errors. A 12,000-line city file with a bulk edit gone wrong must read as a handful
 * of lines, not two thousand.
 */
import type { z } from 'zod';
import { findFollowOns } from './config-follow-ons';
import { hintFor } from './config-hints';
import { echoValue, isHiddenValue } from './config-redaction';
import type { ConfigSource, PathSegment } from './config-source';

/** One kind of mistake, at its first place, with every other place it recurs. */
export interface ConfigProblem {
  /** 1-based line and column of the first place (the key itself, or its parent when missing). */
  line?: number;
  column?: number;
  /** `units[950].role` */
  path: string;
  /** `units[950] (id: g-0950)`, when the path lies inside a list item with an id. */
  item?: string;
  /** What is wrong, without the place: `must be one of …; got "boss"`. */
  message: string;
  /** The other places with the same mistake, in file order. */
  more: { line?: number; path: string }[];
  /** The problem as printed: place, message, and the "… and N more" line when there are more. */
  text: string;
}

/** How many line numbers a grouped problem lists before "…". */
const MAX_LISTED_LINES = 10;

/** One issue on one key, before grouping. */
interface Finding {
  path: PathSegment[];
  message: string;
  /** The message with quoted values blanked: findings that agree on it (and the path shape) are grouped. */
  shape: string;
  line?: number;
  column?: number;
}

/**
 * Describes `issues` (from validating `raw`, the parsed `source`) as grouped problems in file
 * order. Identical mistakes on the same kind of key (`staff[].role`) become one problem.
 */
export function describeConfigIssues(issues: readonly z.core.$ZodIssue[], source: ConfigSource, raw: unknown): ConfigProblem[] {
  const findings = issues.flatMap((issue) => findingsOf(issue, source, raw));
  const { dropped, notes } = findFollowOns(findings, raw);
  const kept = findings.flatMap((finding, index) => {
    if (dropped.has(index)) return [];
    const extra = [hintFor(finding.path, finding.message, raw, source), ...(notes.get(index) ?? [])].filter((text) => text !== undefined);
    return [extra.length > 0 ? { ...finding, message: `${finding.message} (${extra.join('; ')})` } : finding];
  });
  kept.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));

  const groups = new Map<string, Finding[]>();
  for (const finding of kept) {
    const key = `${finding.path.map((segment) => (typeof segment === 'number' ? '[]' : segment)).join('.')}\u0000${finding.shape}`;
    const group = groups.get(key);
    if (group) group.push(finding);
    else groups.set(key, [finding]);
  }
  return [...groups.values()].map((group) => problemOf(group, source));
}

function problemOf([first, ...rest]: Finding[], source: ConfigSource): ConfigProblem {
  const finding = first!;
  const ref = source.itemOn(finding.path);
  const itemPath = ref ? finding.path.slice(0, ref.depth) : [];
  const idShown = ref && !isHiddenValue([...itemPath, 'id'], ref.id) ? ` (id: ${echoId(ref.id)})` : '';
  const item = ref ? `${formatPath(itemPath)}${idShown}` : undefined;
  const more = rest.map((other) => ({ ...(other.line === undefined ? {} : { line: other.line }), path: formatPath(other.path) }));
  const place = [
    finding.line === undefined ? undefined : `line ${finding.line}:${finding.column}`,
    item,
    ref ? formatPath(finding.path.slice(ref.depth)) || undefined : formatPath(finding.path),
  ].filter((part) => part !== undefined);
  let text = `${place.join(', ')}: ${finding.message}`;
  if (more.length > 0) {
    const places = more.slice(0, MAX_LISTED_LINES).map((other) => (other.line === undefined ? other.path : String(other.line)));
    const label = more.every((other) => other.line !== undefined) ? (more.length === 1 ? 'line ' : 'lines ') : '';
    text += `\n    … and ${more.length.toLocaleString('en-US')} more like this: ${label}${places.join(', ')}${more.length > MAX_LISTED_LINES ? ', …' : ''}`;
  }
  return {
    ...(finding.line === undefined ? {} : { line: finding.line, column: finding.column }),
    path: formatPath(finding.path),
    ...(item === undefined ? {} : { item }),
    message: finding.message,
    more,
    text,
  };
}

/** The findings of one issue: one per unknown key, else one. */
function findingsOf(issue: z.core.$ZodIssue, source: ConfigSource, raw: unknown): Finding[] {
  const path = issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => finding([...path, key], 'unknown key', source));
  const lookup = source.locate(path);
  if (!lookup.present) return [finding(path, issue.code === 'invalid_type' ? 'is required' : issue.message, source)];
  const value = valueAt(raw, path);
  // YAML reads an unquoted 13800138000 or `yes` as a number or boolean.
  const unquoted = issue.code === 'invalid_type' && issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean');
  const message = unquoted ? 'must be a string: put it in quotes' : messageOf(issue);
  if (isHiddenValue(path, value)) {
    // A cross-reference message may quote the value itself.
    const redacted = typeof value === 'string' && value !== '' ? message.split(value).join('…') : message;
    return [finding(path, `${redacted} (value not shown)`, source)];
  }
  // "got a list" helps only when the type is what is wrong.
  if (typeof value === 'object' && value !== null && issue.code !== 'invalid_type') return [finding(path, message, source)];
  const shown = echoValue(value);
  // Cross-reference messages already quote the value: `unknown unit "nowhere"`.
  const echoed = typeof value === 'string' && message.includes(shown) ? message : `${message}; got ${shown}`;
  return [finding(path, echoed, source, message)];
}

function finding(path: PathSegment[], message: string, source: ConfigSource, shape = message): Finding {
  const { position } = source.locate(path);
  return { path, message, shape: shape.replace(/"[^"]*"/g, '""'), ...(position ? { line: position.line, column: position.column } : {}) };
}

/** zod's message in the operator's words, without the value (which is echoed separately). */
function messageOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${JSON.stringify(issue.values[0])}` : `must be one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
    case 'too_big':
      return boundMessage(issue);
    default:
      return issue.message;
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  tuple: 'a list',
  object: 'a map',
  record: 'a map',
};

function boundMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  const unit = issue.origin === 'array' || issue.origin === 'set' ? 'item' : issue.origin === 'string' ? 'character' : undefined;
  if (unit === undefined) return `must be ${small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than'} ${bound}`;
  return `must have ${small ? 'at least' : 'at most'} ${bound} ${unit}${bound === 1 ? '' : 's'}`;
}

/** `units[950].role`: indices in brackets, keys dotted, as in the YAML's own nesting. */
function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment), '');
}

/** Ids are validated too, so a bad one is shown cut short like any value. */
function echoId(id: string): string {
  const shown = echoValue(id);
  return /^"[\w.-]+"$/.test(shown) ? shown.slice(1, -1) : shown;
}

function valueAt(raw: unknown, path: readonly PathSegment[]): unknown {
  let value = raw;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PathSegment, unknown>)[segment];
  }
  return value;
}
