/**
 * What a GeoReport v2 submission may say: arguments (empty = absent, no HTML, bounded), attribute
 * answers checked against the service definition, the reporter's name, the place routed to a grid,
 * and the case description the grid worker reads.
 */
import { checkAttributes, containsHtml } from '../../src/api/open311/attributes';
import { serviceAttributes } from '../../src/api/open311/services';
import { attributeAnswersOf, listRequestsSchema, postRequestSchema } from '../../src/api/open311/schemas';
import { caseDescriptionOf, gridOf, reporterName, reporterOf } from '../../src/api/open311/submission';
import { translator } from '../../src/i18n';
import { open311City } from '../fixtures/open311/city';
import { demoConfig, demoOrg } from '../helpers/fixtures';

const definition = serviceAttributes(open311City.categories.find((category) => category.id === 'road_repair')!);
const check = (answers: Record<string, string | string[]>) => checkAttributes(definition, answers, 'zh-CN', 'Asia/Shanghai');
const required = { pole_number: 'CX-0012', fault: ['dark'] };

describe('attribute answers', () => {
  it('accepts every datatype and says each answer in words', () => {
    const result = check({
      ...required,
      fault: ['dark', 'flicker', 'dark'],
      lamp_type: 'led',
      count: '3',
      noticed_at: '2026-05-01T21:30:00+08:00',
      details: '第一行\n第二行',
    });
    expect(result.errors).toEqual([]);
    expect(result.answers).toEqual([
      { code: 'pole_number', label: '路灯杆编号', answer: 'CX-0012' },
      { code: 'fault', label: '故障现象', answer: '不亮、闪烁' },
      { code: 'lamp_type', label: '灯具类型', answer: 'LED 灯' },
      { code: 'count', label: '涉及灯杆数量', answer: '3' },
      { code: 'noticed_at', label: '发现时间', answer: '2026-05-01 21:30' },
      { code: 'details', label: '补充说明', answer: '第一行\n第二行' },
    ]);
  });

  it('names each bad answer as attribute[code]', () => {
    const result = check({ fault: ['dark', 'exploded'], lamp_type: 'neon', count: 'three', noticed_at: 'yesterday', pole_number: 'a\nb', nonsense: 'x' });
    expect(result.errors).toEqual([
      'attribute[nonsense]: not an attribute of this service',
      'attribute[pole_number]: must be one line',
      'attribute[fault]: "exploded" not among the listed values',
      'attribute[lamp_type]: "neon" is not among the listed values',
      'attribute[count]: must be a number',
      'attribute[noticed_at]: must be an ISO 8601 date or date-time',
    ]);
  });

  it('requires the required ones (blank counts as missing) and ignores informational attributes', () => {
    expect(check({ pole_number: '  ', safety_note: 'ignored' }).errors).toEqual(['attribute[pole_number]: required', 'attribute[fault]: required']);
    expect(check({ ...required, safety_note: 'ignored' }).answers.map((answer) => answer.code)).toEqual(['pole_number', 'fault']);
  });

  it('takes one value for single-valued attributes, even sent as attribute[code][]', () => {
    expect(check({ ...required, lamp_type: ['sodium'] }).answers.at(-1)).toEqual({ code: 'lamp_type', label: '灯具类型', answer: '钠灯' });
    expect(check({ ...required, lamp_type: ['led', 'sodium'] }).errors).toEqual(['attribute[lamp_type]: takes one value']);
  });

  it('rejects HTML in text answers', () => {
    expect(check({ ...required, details: '<script>alert(1)</script>' }).errors).toEqual(['attribute[details]: must not contain HTML']);
  });
});

describe('HTML detection', () => {
  it.each(['<b>x</b>', 'a <img src=x>', '</p>', '<!-- c -->', '<?php ?>', '< script>'])('finds %p', (text) => {
    expect(containsHtml(text)).toBe(true);
  });
  it.each(['3 < 5', 'a <= b', '<3', '1<2', '路灯坏了'])('leaves %p alone', (text) => {
    expect(containsHtml(text)).toBe(false);
  });
});

describe('attribute[code] in bodies', () => {
  it('reads the nested form qs makes, a long list qs turned into an object, and flat JSON keys', () => {
    expect(attributeAnswersOf({ attribute: { pole_number: 'A', fault: ['dark', 'flicker'] } })).toEqual({
      answers: { pole_number: 'A', fault: ['dark', 'flicker'] },
    });
    expect(attributeAnswersOf({ attribute: { fault: { 0: 'dark', 1: 'flicker' } } })).toEqual({ answers: { fault: ['dark', 'flicker'] } });
    expect(attributeAnswersOf({ 'attribute[pole_number]': 'A', 'attribute[fault][]': ['dark'] })).toEqual({ answers: { pole_number: 'A', fault: ['dark'] } });
  });

  it('refuses shapes that are not text', () => {
    expect(attributeAnswersOf({ attribute: 'x' })).toEqual({ error: 'attribute: must be sent as attribute[code]=value' });
    expect(attributeAnswersOf({ attribute: { a: { b: { c: 'd' } } } })).toEqual({ error: 'attribute[a]: must be text or a list of text' });
  });
});

describe('POST arguments', () => {
  it('treat an empty argument as absent, as the spec says, and coerce lat/long', () => {
    const args = postRequestSchema.parse({
      service_code: 'road_repair',
      lat: '39.52',
      long: '121.43',
      email: '',
      description: '  ',
      phone: '(0411) 8888-1234',
    });
    expect(args).toMatchObject({ service_code: 'road_repair', lat: 39.52, long: 121.43, phone: '+8641188881234' });
    expect(args.email).toBeUndefined();
    expect(args.description).toBeUndefined();
  });

  it('reject HTML, over-long descriptions, bad e-mail, non-http media and out-of-range positions', () => {
    const result = postRequestSchema.safeParse({
      description: '<a href="x">点我</a>',
      email: 'not-an-email',
      media_url: 'javascript:alert(1)',
      lat: '91',
      long: 'east',
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['description', 'email', 'lat', 'long', 'media_url']);
    expect(postRequestSchema.safeParse({ description: '长'.repeat(4001) }).success).toBe(false);
    expect(postRequestSchema.safeParse({ description: '长'.repeat(4000) }).success).toBe(true);
  });

  it('list arguments take commas and repeats alike, and status only open/closed', () => {
    expect(listRequestsSchema.parse({ service_request_id: 'a,b', status: ['open', 'closed'] })).toMatchObject({
      service_request_id: ['a', 'b'],
      status: ['open', 'closed'],
      service_code: [],
    });
    expect(listRequestsSchema.safeParse({ status: 'pending' }).success).toBe(false);
  });
});

describe('the reporter', () => {
  it('writes Chinese names family name first without a space, others first name first', () => {
    expect(reporterName('三', '张')).toBe('张三');
    expect(reporterName('John', 'Smith')).toBe('John Smith');
    expect(reporterName(undefined, '王')).toBe('王');
    expect(reporterName(undefined, undefined)).toBeUndefined();
    expect(reporterOf(postRequestSchema.parse({}))).toBeUndefined();
  });
});

describe('routing the place', () => {
  const grid = demoConfig.units.find((unit) => unit.level === 'grid' && unit.bounds && unit.addresses.length > 0)!;
  const [minLng, minLat, maxLng, maxLat] = grid.bounds!;
  const inside = { lat: (minLat + maxLat) / 2, long: (minLng + maxLng) / 2 };

  it('uses lat/long, and the address when the position lies in no grid', () => {
    expect(gridOf(demoOrg, postRequestSchema.parse(inside))).toEqual({ gridId: grid.id });
    expect(gridOf(demoOrg, postRequestSchema.parse({ lat: 10, long: 10, address_string: `${grid.addresses[0]}5号` }))).toEqual({ gridId: grid.id });
  });

  it('names what is wrong when nothing routes', () => {
    expect(gridOf(demoOrg, postRequestSchema.parse({ lat: 10, long: 10, address_string: '火星' }))).toEqual({
      errors: ['lat, long: the location lies in no grid of this district', 'address_string: the address matches no grid of this district'],
    });
    expect(gridOf(demoOrg, postRequestSchema.parse({ lat: 10 }))).toEqual({ errors: ['lat, long: both must be sent'] });
    expect(gridOf(demoOrg, postRequestSchema.parse({}))).toEqual({ errors: ['lat & long or address_string: a location is required'] });
    expect(gridOf(demoOrg, postRequestSchema.parse({ address_id: '545483' }))).toEqual({
      errors: ['address_id: not supported by this endpoint; send lat & long or address_string'],
    });
  });
});

describe('the case description', () => {
  const t = translator('zh-CN');
  it('adds the answers and the media link under a heading', () => {
    const answers = [{ code: 'pole_number', label: '路灯杆编号', answer: 'CX-0012' }];
    expect(caseDescriptionOf(t, '道路维修', '路灯不亮', answers, 'https://img.example.org/1.jpg')).toBe(
      '路灯不亮\n\n【Open311 补充信息】\n路灯杆编号：CX-0012\n附件链接：https://img.example.org/1.jpg',
    );
  });
  it('is the service name when the reporter wrote nothing, and just the text when there is nothing to add', () => {
    expect(caseDescriptionOf(t, '道路维修', undefined, [], undefined)).toBe('道路维修');
    expect(caseDescriptionOf(t, '道路维修', '路面塌陷', [], undefined)).toBe('路面塌陷');
  });
});
