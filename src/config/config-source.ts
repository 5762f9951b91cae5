/**
 * Where a key of the parsed config sits in the YAML text, and which list item it belongs to, so a
 * validation error can say "line 12345, units[950] (id: g-0950)" instead of `units.950`.
 */
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

/** One step of a zod issue path: a map key or a list index. */
export type PathSegment = string | number;

/** A 1-based line and column in the YAML text. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** What the source says about one path: where it is, and whether the key is there at all. */
export interface SourceLookup {
  /** The key itself when present; otherwise the nearest enclosing node that is. */
  position?: SourcePosition;
  /** False when the key (or an item on the way to it) is absent from the file. */
  present: boolean;
}

/** The innermost list item on a path that carries an `id`, e.g. `units[950]` with id `g-0950`. */
export interface ItemRef {
  /** How many path segments lead to the item (the index included). */
  depth: number;
  id: string;
}

/** A parsed YAML document that can answer "which line?" for a path into it. */
export class ConfigSource {
  /** The parsed document, its errors included (the caller decides what a YAML error means). */
  readonly document: Document.Parsed;
  private readonly lines: LineCounter;

  constructor(text: string) {
    this.lines = new LineCounter();
    // Each node's `range` is an offset into `text`, which the line counter turns into a line;
    // `keepSourceTokens` (the CST) would add nothing a position needs.
    this.document = parseDocument(text, { prettyErrors: true, lineCounter: this.lines });
  }

  /**
   * Finds `path` in the document. A map key is located at the key (`role:`), not its value, so a
   * nested map or list points at the line that names it; a missing key points at its parent.
   */
  locate(path: readonly PathSegment[]): SourceLookup {
    let node: unknown = this.document.contents;
    let position = this.positionOf(node);
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) return { position, present: false };
        position = this.positionOf(pair.key) ?? position;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
        if (node === undefined) return { position, present: false };
        position = this.positionOf(node) ?? position;
      } else {
        return { position, present: false };
      }
    }
    return { position, present: true };
  }

  /** The innermost list item on `path` whose map has a scalar `id`, if any. */
  itemOn(path: readonly PathSegment[]): ItemRef | undefined {
    let node: unknown = this.document.contents;
    let found: ItemRef | undefined;
    for (const [index, segment] of path.entries()) {
      if (isMap(node)) {
        node = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment))?.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
        const id = isMap(node) ? node.get('id', true) : undefined;
        if (isScalar(id) && (typeof id.value === 'string' || typeof id.value === 'number')) found = { depth: index + 1, id: String(id.value) };
      } else {
        break;
      }
    }
    return found;
  }

  private positionOf(node: unknown): SourcePosition | undefined {
    const range = (node as Node | null | undefined)?.range;
    if (!range) return undefined;
    const { line, col } = this.lines.linePos(range[0]);
    return { line, column: col };
  }
}
