/**
 * The GeoReport v2 JSON Schemas in test/fixtures/open311 (used to check every Open311 answer in
 * the integration tests) accept the spec's own examples and reject what the spec rules out.
 * The spec prints ids as bare numbers like 001, which is not JSON; here they are strings.
 */
import { open311SchemaErrors, type Open311Schema } from '../fixtures/open311/validate';

const specRequest = {
  service_request_id: '638344',
  status: 'closed',
  status_notes: 'Duplicate request.',
  service_name: 'Sidewalk and Curb Issues',
  service_code: '006',
  description: null,
  agency_responsible: null,
  service_notice: null,
  requested_datetime: '2010-04-14T06:37:38-08:00',
  updated_datetime: '2010-04-14T06:37:38-08:00',
  expected_datetime: '2010-04-15T06:37:38-08:00',
  address: '8TH AVE and JUDAH ST',
  address_id: 545483,
  zipcode: 94122,
  lat: 37.762221815,
  long: -122.4651145,
  media_url: 'http://city.gov.s3.amazonaws.com/requests/media/638344.jpg',
};

const valid: [Open311Schema, unknown][] = [
  [
    'discovery',
    {
      changeset: '2011-02-03 14:18',
      contact: 'You can email or call for assistance api@mycity.org +1 (555) 555-5555',
      key_service: 'You can request a key here: http://api.mycity.gov/api_key/request',
      endpoints: [
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: 'http://open311.mycity.gov/v2',
          changeset: '2010-11-23 09:01',
          type: 'production',
          formats: ['text/xml'],
        },
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: 'http://open311.mycity.gov/test/v2',
          changeset: '2010-10-02 09:01',
          type: 'test',
          formats: ['text/xml', 'application/json'],
        },
      ],
    },
  ],
  [
    'services',
    [
      {
        service_code: '001',
        service_name: 'Cans left out 24x7',
        description: 'Garbage or recycling cans ...',
        metadata: true,
        type: 'realtime',
        keywords: 'lorem, ipsum, dolor',
        group: 'sanitation',
      },
      {
        service_code: '002',
        metadata: true,
        type: 'realtime',
        keywords: 'lorem, ipsum, dolor',
        group: 'street',
        service_name: 'Construction plate shifted',
        description: 'Metal construction plate ...',
      },
    ],
  ],
  [
    'service-definition',
    {
      service_code: 'DMV66',
      attributes: [
        {
          variable: true,
          code: 'WHISHETN',
          datatype: 'singlevaluelist',
          required: true,
          datatype_description: null,
          order: 1,
          description: 'What is the ticket/tag/DL number?',
          values: [
            { key: 123, name: 'Ford' },
            { key: 124, name: 'Chrysler' },
          ],
        },
      ],
    },
  ],
  ['post-response', [{ service_request_id: 293944, service_notice: 'The City will inspect ...', account_id: null }]],
  ['post-response', [{ token: '2342342342', service_notice: 'The City will inspect ...', account_id: null }]],
  ['token-response', [{ service_request_id: 638344, token: 12345 }]],
  ['requests', [specRequest, { ...specRequest, service_request_id: '638349', status: 'open', status_notes: null }]],
  ['requests', [{ ...specRequest, requested_datetime: '2010-04-14T14:37:38Z', lat: undefined, long: undefined }]],
  ['errors', [{ code: 403, description: "Invalid api_key received -- can't proceed with create_request." }]],
];

const invalid: [string, Open311Schema, unknown][] = [
  [
    'a discovery without key_service',
    'discovery',
    {
      changeset: 'x',
      contact: 'y',
      endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: 'http://a.b/v2', changeset: 'x', type: 'production', formats: ['text/xml'] }],
    },
  ],
  ['a service whose type is not a spec value', 'services', [{ service_code: '1', service_name: 'x', metadata: false, type: 'instant' }]],
  ['metadata as the string "true"', 'services', [{ service_code: '1', service_name: 'x', metadata: 'true', type: 'realtime' }]],
  [
    'a value list without values',
    'service-definition',
    { service_code: 'x', attributes: [{ variable: true, code: 'a', datatype: 'multivaluelist', required: false, order: 1, description: 'd' }] },
  ],
  [
    'an unknown datatype',
    'service-definition',
    { service_code: 'x', attributes: [{ variable: true, code: 'a', datatype: 'boolean', required: false, order: 1, description: 'd' }] },
  ],
  ['an id and a token together', 'post-response', [{ service_request_id: '1', token: '2' }]],
  ['neither an id nor a token', 'post-response', [{ service_notice: 'x' }]],
  ['a status other than open/closed', 'requests', [{ ...specRequest, status: 'in_progress' }]],
  ['a datetime without a time zone', 'requests', [{ ...specRequest, requested_datetime: '2010-04-14T06:37:38' }]],
  ['a field the spec does not define', 'requests', [{ ...specRequest, reporter_phone: '13800000000' }]],
  ['a description over 4,000 characters', 'requests', [{ ...specRequest, description: 'x'.repeat(4001) }]],
  ['an error without a description', 'errors', [{ code: 400 }]],
  ['an empty errors array', 'errors', []],
];

describe('GeoReport v2 JSON Schemas', () => {
  it.each(valid.map(([schema, body], index) => [index, schema, body] as const))('example %i is a valid %s document', (_index, schema, body) => {
    expect(open311SchemaErrors(schema, body)).toEqual([]);
  });

  it.each(invalid)('reject %s', (_what, schema, body) => {
    expect(open311SchemaErrors(schema, body).length).toBeGreaterThan(0);
  });
});
