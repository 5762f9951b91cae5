/**
 * The two wire formats of GeoReport v2. Documents are built once as JSON values; XML is derived
 * from them by the spec's Spark convention (an array is a container element repeating one child
 * element, null is an empty element), so the two formats cannot drift apart.
 */
import type { Response } from 'express';

/** The format named by a resource's extension (`services.xml`). */
export type Open311Format = 'json' | 'xml';

/** A JSON value of a GeoReport v2 document; `undefined` members are left out. */
export type Open311Value = string | number | boolean | null | undefined | Open311Value[] | { [key: string]: Open311Value };

/** The spec's content types: JSON per RFC 4627, XML as text/xml, both UTF-8. */
export const CONTENT_TYPES: Record<Open311Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

/** The child element of each container element in the spec's XML. */
export const ITEM_ELEMENT: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

/** `json` or `xml` for a path extension; anything else is not a resource here. */
export function parseFormat(extension: string | undefined): Open311Format | undefined {
  const lower = extension?.toLowerCase();
  return lower === 'json' || lower === 'xml' ? lower : undefined;
}

/** The format of a request path by its extension, JSON when it has none we know (errors must still be answered). */
export function formatOfPath(path: string): Open311Format {
  return /\.xml$/i.test(path) ? 'xml' : 'json';
}

/** Characters XML 1.0 cannot carry at all, even escaped: dropped rather than failing the whole document. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes text for XML element content. */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHAR, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function element(name: string, value: Open311Value): string {
  if (value === undefined) return '';
  if (value === null || value === '') return `<${name}/>`;
  if (Array.isArray(value)) {
    const item = ITEM_ELEMENT[name];
    if (item === undefined) throw new Error(`no XML element is defined for the items of "${name}"`);
    return value.length === 0 ? `<${name}/>` : `<${name}>${value.map((child) => element(item, child)).join('')}</${name}>`;
  }
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value)
      .map(([key, child]) => element(key, child))
      .join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/**
 * A document as XML with the declaration the spec requires. `root` is the root element: for a
 * top-level array the container (`services`, `service_requests`, `errors`), otherwise the
 * document's own name (`discovery`, `service_definition`).
 */
export function toXml(root: string, document: Open311Value): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, document)}\n`;
}

/** Sends a document in the requested format. */
export function sendDocument(res: Response, format: Open311Format, root: string, document: Open311Value, status = 200): void {
  res
    .status(status)
    .type(CONTENT_TYPES[format])
    .send(format === 'xml' ? toXml(root, document) : JSON.stringify(document));
}
