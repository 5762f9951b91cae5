/**
 * XML of GeoReport v2 documents: the spec's root and item elements (Spark convention), escaping
 * of user text, and XML that a parser reads back to the same values.
 */
import { XMLParser } from 'fast-xml-parser';
import { escapeXml, formatOfPath, parseFormat, toXml } from '../../src/api/open311/format';

const parser = new XMLParser({
  parseTagValue: false,
  isArray: (name) => ['service', 'request', 'error', 'attribute', 'value', 'endpoint', 'format'].includes(name),
});

describe('toXml', () => {
  it('wraps a top-level array in its container with the spec item element and the UTF-8 declaration', () => {
    const xml = toXml('services', [
      { service_code: 'road_repair', metadata: true },
      { service_code: 'sanitation', metadata: false },
    ]);
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<services><service>')).toBe(true);
    expect(parser.parse(xml)).toEqual({
      '?xml': '',
      services: {
        service: [
          { service_code: 'road_repair', metadata: 'true' },
          { service_code: 'sanitation', metadata: 'false' },
        ],
      },
    });
  });

  it('nests the spec containers: attributes/attribute, values/value, endpoints/endpoint, formats/format', () => {
    const definition = toXml('service_definition', {
      service_code: 'x',
      attributes: [{ code: 'a', values: [{ key: 'k', name: '甲' }] }],
    });
    expect(definition).toContain('<attributes><attribute><code>a</code><values><value><key>k</key><name>甲</name></value></values></attribute></attributes>');
    const discovery = toXml('discovery', { endpoints: [{ formats: ['text/xml', 'application/json'] }] });
    expect(discovery).toContain('<endpoints><endpoint><formats><format>text/xml</format><format>application/json</format></formats></endpoint></endpoints>');
  });

  it('writes null and empty text as an empty element, leaves undefined out, and an empty list as an empty container', () => {
    const xml = toXml('service_requests', [{ service_request_id: 'c-1', account_id: null, service_notice: '', lat: undefined }]);
    expect(xml).toContain('<request><service_request_id>c-1</service_request_id><account_id/><service_notice/></request>');
    expect(xml).not.toContain('lat');
    expect(toXml('service_requests', [])).toContain('<service_requests/>');
  });

  it('escapes markup in user text so it reads back verbatim', () => {
    const text = '路灯 <b>坏了</b> & "漏电" \'危险\' ]]>';
    const xml = toXml('errors', [{ code: 400, description: text }]);
    expect(xml).not.toContain('<b>');
    expect(parser.parse(xml).errors.error[0].description).toBe(text);
  });

  it('drops characters XML 1.0 cannot carry instead of producing a broken document', () => {
    expect(escapeXml('a\u0000b\u0007c\uFFFEd')).toBe('abcd');
    expect(escapeXml('tab\tline\nok 😀')).toBe('tab\tline\nok 😀');
  });

  it('refuses an array whose item element the spec does not define', () => {
    expect(() => toXml('service_requests', [{ surprises: [1] }])).toThrow(/surprises/);
  });
});

describe('formats', () => {
  it('are named by the extension, json or xml only', () => {
    expect(parseFormat('json')).toBe('json');
    expect(parseFormat('XML')).toBe('xml');
    expect(parseFormat('html')).toBeUndefined();
    expect(parseFormat(undefined)).toBeUndefined();
    expect(formatOfPath('/services/x.xml')).toBe('xml');
    expect(formatOfPath('/services/x.html')).toBe('json');
  });
});
