/**
 * Shared test fixtures: the demo city, and case inputs built the way the API builds them.
 */
import { parseConfig, loadConfig } from '../../src/config/load';
import type { GridflowConfig } from '../../src/config/schema';
import type { Actor, CaseInput, SlaPlan } from '../../src/domain/case-model';
import { OrgTree } from '../../src/domain/org-tree';
import { planFor } from '../../src/domain/sla-policy';
import type { Priority } from '../../src/domain/vocabulary';

export const demoConfig: GridflowConfig = loadConfig();
export const demoOrg = new OrgTree(demoConfig.units, demoConfig.staff);

/** The first grid of the demo city and its ladder. */
export const demoGrid = demoConfig.units.find((unit) => unit.level === 'grid')!;

let counter = 0;

/** A case input for `gridId` as the API would build it at `submittedAtMs`. */
export function caseInputFor(options: {
  submittedAtMs: number;
  gridId?: string;
  priority?: Priority;
  category?: string;
  sla?: Partial<SlaPlan>;
  config?: GridflowConfig;
  org?: OrgTree;
  reporterEmail?: string;
  submittedBy?: Actor;
}): CaseInput {
  const config = options.config ?? demoConfig;
  const org = options.org ?? demoOrg;
  const gridId = options.gridId ?? demoGrid.id;
  const priority = options.priority ?? 'normal';
  const category = options.category ?? 'road_repair';
  counter++;
  return {
    caseId: `c-test${String(counter).padStart(4, '0')}${Math.random().toString(36).slice(2, 10)}`,
    submittedAt: new Date(options.submittedAtMs).toISOString(),
    category,
    priority,
    description: '路灯坏了 <b>请尽快</b>',
    address: '测试地址',
    reporter: { name: '张三', phone: '13812345678', email: options.reporterEmail },
    locale: 'zh-CN',
    submittedBy: options.submittedBy ?? { kind: 'integration', id: 'hotline-12345' },
    ladder: org.ladder(gridId),
    assigneeId: org.dutyOfficer(gridId)!.id,
    sla: { ...planFor(config, category, priority), ...options.sla },
  };
}

/** A small city for scenario tests: one grid per level, second-long SLAs. */
export function tinyCityConfig(overrides: string = ''): GridflowConfig {
  return parseConfig(`
city: { name: { zh-CN: 测试区 }, timeZone: Asia/Shanghai }
units:
  - { id: d, level: district, name: { zh-CN: 区 }, dutyOfficer: d-duty }
  - { id: s, level: street, parent: d, name: { zh-CN: 街道 }, dutyOfficer: s-duty }
  - { id: c, level: community, parent: s, name: { zh-CN: 社区 }, dutyOfficer: c-sec }
  - { id: g, level: grid, parent: c, name: { zh-CN: 网格 }, dutyOfficer: g-worker, addresses: [测试路1号] }
  - { id: c2, level: community, parent: s, name: { zh-CN: 另一社区 }, dutyOfficer: c2-sec }
  - { id: g2, level: grid, parent: c2, name: { zh-CN: 另一网格 }, dutyOfficer: g2-worker, addresses: [测试路2号] }
staff:
  - { id: d-duty, name: 区值班, email: d-duty@example.org, role: officer, unit: d }
  - { id: d-admin, name: 区管理员, email: d-admin@example.org, role: admin, unit: d }
  - { id: s-duty, name: 街道值班, email: s-duty@example.org, role: officer, unit: s }
  - { id: s-lead, name: 街道领导, email: s-lead@example.org, role: supervisor, unit: s }
  - { id: c-sec, name: 社区书记, email: c-sec@example.org, role: supervisor, unit: c }
  - { id: c2-sec, name: 另一书记, email: c2-sec@example.org, role: supervisor, unit: c2 }
  - { id: g-worker, name: 网格员, email: g-worker@example.org, role: grid_worker, unit: g }
  - { id: g2-worker, name: 另一网格员, email: g2-worker@example.org, role: grid_worker, unit: g2 }
categories:
  - { id: road_repair, name: { zh-CN: 道路维修, en: Road repair } }
sla:
  calendarHoursFor: [urgent, high, normal, low]
  confirmWithin: PT30S
  levels:
    grid: { urgent: PT4S, high: PT4S, normal: PT4S, low: PT4S }
    community: { urgent: PT4S, high: PT4S, normal: PT4S, low: PT4S }
    street: { urgent: PT4S, high: PT4S, normal: PT4S, low: PT4S }
    district: { urgent: PT4S, high: PT4S, normal: PT4S, low: PT4S }
integrations:
  - { id: app, name: App, apiKeySha256: [] }
${overrides}
`);
}
