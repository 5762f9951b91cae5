/**
 * Where else to look, for the cross-reference errors whose fix lies on another line of a long
 * file: the first holder of a duplicate id, and the units that claim to be the root.
 */
import type { ConfigSource, PathSegment } from './config-source';

/** How many other places a hint names before it stops. */
const MAX_PLACES = 5;

/**
 * A short hint for the finding at `path`, or undefined. `raw` is the config as parsed (it failed
 * validation, so it is read defensively).
 */
export function hintFor(path: readonly PathSegment[], message: string, raw: unknown, source: ConfigSource): string | undefined {
  const [list, index, key] = path;
  const items = listAt(raw, list);
  const duplicate = /^duplicate id "(.*)"$/.exec(message);
  if (duplicate && typeof index === 'number' && key === 'id' && typeof list === 'string') {
    const first = items.findIndex((item) => item?.id === duplicate[1]);
    const line = first >= 0 && first < index ? source.locate([list, first]).position?.line : undefined;
    return line === undefined ? undefined : `first at line ${line}`;
  }
  if (path.length === 1 && list === 'units' && message.startsWith('must have exactly one root unit')) {
    const roots = items.flatMap((item, i) => (item?.parent === undefined ? [i] : []));
    if (roots.length < 2) return undefined;
    const places = roots.slice(0, MAX_PLACES).map((i) => {
      const line = source.locate(['units', i]).position?.line;
      return `${typeof items[i]?.id === 'string' ? items[i].id : `units[${i}]`}${line === undefined ? '' : ` (line ${line})`}`;
    });
    return `roots: ${places.join(', ')}${roots.length > MAX_PLACES ? ', …' : ''}`;
  }
  return undefined;
}

function listAt(raw: unknown, key: unknown): { id?: unknown; parent?: unknown }[] {
  const value = typeof raw === 'object' && raw !== null && typeof key === 'string' ? (raw as Record<string, unknown>)[key] : undefined;
  return Array.isArray(value) ? (value as { id?: unknown; parent?: unknown }[]) : [];
}
