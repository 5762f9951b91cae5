/**
 * Categories as GeoReport v2 services: the optional `open311` block of a category (defaults keep
 * the shipped config valid; bad definitions are named), the service list entry and the service
 * definition, both valid against the spec schemas.
 */
import { open311Services, serviceDefinition, serviceEntry } from '../../src/api/open311/services';
import { categorySchema } from '../../src/config/schema';
import { translator } from '../../src/i18n';
import { HIDDEN_SERVICE, open311City } from '../fixtures/open311/city';
import { open311SchemaErrors } from '../fixtures/open311/validate';
import { demoConfig } from '../helpers/fixtures';

const roadRepair = open311City.categories.find((category) => category.id === 'road_repair')!;
const base = { id: 'x', name: { 'zh-CN': '测试' } };

describe('the open311 block of a category', () => {
  it('is optional: the shipped config offers every service category; only road repair asks extra questions', () => {
    expect(demoConfig.categories.filter((category) => category.open311 !== undefined).map((category) => category.id)).toEqual(['road_repair']);
    expect(demoConfig.categories.find((category) => category.id === 'road_repair')!.open311!.attributes.map((a) => a.code)).toEqual([
      'hazard',
      'blocking_traffic',
    ]);
    expect(open311Services(demoConfig).map((category) => category.id)).toEqual(
      demoConfig.categories.filter((category) => category.kind === 'service').map((category) => category.id),
    );
  });

  it('fills in its defaults', () => {
    expect(categorySchema.parse({ ...base, open311: {} }).open311).toEqual({ enabled: true, keywords: [], attributes: [] });
    const attribute = categorySchema.parse({ ...base, open311: { attributes: [{ code: 'a', datatype: 'string', description: { 'zh-CN': '问' } }] } }).open311!
      .attributes[0];
    expect(attribute).toMatchObject({ required: false, variable: true, values: [] });
  });

  it('names a bad definition', () => {
    const result = categorySchema.safeParse({
      ...base,
      open311: {
        attributes: [
          { code: 'a[b]', datatype: 'string', description: { 'zh-CN': '问' } },
          { code: 'list', datatype: 'singlevaluelist', description: { 'zh-CN': '问' } },
          { code: 'list', datatype: 'number', description: { 'zh-CN': '问' }, values: [{ key: '1', name: { 'zh-CN': '一' } }] },
          { code: 'b', datatype: 'boolean', description: { 'zh-CN': '问' } },
        ],
      },
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['open311.attributes.0.code', 'open311.attributes.3.datatype']);
    // Cross-attribute checks run once every attribute is well-formed.
    const wellFormed = categorySchema.safeParse({
      ...base,
      open311: {
        attributes: [
          { code: 'list', datatype: 'singlevaluelist', description: { 'zh-CN': '问' } },
          { code: 'list', datatype: 'number', description: { 'zh-CN': '问' }, values: [{ key: '1', name: { 'zh-CN': '一' } }] },
        ],
      },
    });
    expect(wellFormed.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual([
      'open311.attributes.0.values: a value list needs values',
      'open311.attributes.1.code: duplicate code "list"',
      'open311.attributes.1.values: a number takes no values',
    ]);
  });
});

describe('the service list', () => {
  it('leaves out hidden categories and disputes, whose mediation needs parties GeoReport v2 cannot carry', () => {
    const codes = open311Services(open311City).map((category) => category.id);
    expect(codes).toContain('road_repair');
    expect(codes).not.toContain(HIDDEN_SERVICE);
    expect(codes).not.toContain('neighbour_dispute');
    const enabledDispute = categorySchema.parse({ ...base, kind: 'dispute', open311: { enabled: true } });
    expect(open311Services({ ...open311City, categories: [enabledDispute] })).toEqual([]);
  });

  it('describes a service in the caller’s language with the other language as keywords', () => {
    expect(serviceEntry(roadRepair, 'zh-CN')).toEqual({
      service_code: 'road_repair',
      service_name: '道路维修',
      description: roadRepair.description!['zh-CN'],
      metadata: true,
      type: 'realtime',
      keywords: '路灯, 坑洼, Road repair, Urban management',
      group: '城市管理',
    });
    const sanitation = open311City.categories.find((category) => category.id === 'sanitation')!;
    expect(serviceEntry(sanitation, 'en')).toMatchObject({
      service_name: 'Sanitation',
      metadata: false,
      keywords: '环境卫生, 城市管理',
      group: 'Urban management',
    });
    expect(
      open311SchemaErrors(
        'services',
        open311Services(open311City).map((category) => serviceEntry(category, 'zh-CN')),
      ),
    ).toEqual([]);
  });
});

describe('the service definition', () => {
  const definition = serviceDefinition(roadRepair, 'zh-CN', translator('zh-CN')) as { service_code: string; attributes: Record<string, unknown>[] };

  it('lists the attributes in order with values for the lists only', () => {
    expect(definition.service_code).toBe('road_repair');
    expect(definition.attributes.map((attribute) => [attribute.order, attribute.code, attribute.datatype])).toEqual([
      [1, 'pole_number', 'string'],
      [2, 'fault', 'multivaluelist'],
      [3, 'lamp_type', 'singlevaluelist'],
      [4, 'count', 'number'],
      [5, 'noticed_at', 'datetime'],
      [6, 'details', 'text'],
      [7, 'safety_note', 'string'],
    ]);
    expect(definition.attributes[1]).toEqual({
      variable: true,
      code: 'fault',
      datatype: 'multivaluelist',
      required: true,
      datatype_description: '从列出的选项中选择一项或多项',
      order: 2,
      description: '故障现象',
      values: [
        { key: 'dark', name: '不亮' },
        { key: 'flicker', name: '闪烁' },
        { key: 'daytime', name: '白天常亮' },
      ],
    });
    expect(definition.attributes[0]!.values).toBeUndefined();
    expect(definition.attributes[5]!.datatype_description).toBe('可写多行');
    expect(definition.attributes[6]!.variable).toBe(false);
    expect(open311SchemaErrors('service-definition', definition)).toEqual([]);
  });
});
