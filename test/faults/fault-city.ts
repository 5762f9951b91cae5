/**
 * The city of the fault drills: one branch per level plus a second grid, urgent cases with
 * 20-second deadlines on every rung (so a case climbs the whole ladder within the drill) and
 * low-priority cases with a day's deadline (so staff steps always meet the grid worker).
 */
import { hashApiKey } from '../../src/config/secrets';

/** The integration's API key in the drill (the config holds only its hash). */
export const DRILL_API_KEY = 'gf_fault-drill-integration-key';

/** Seconds each rung of an urgent case has before it escalates. */
export const URGENT_RUNG_SECONDS = 20;

/** The drill city as YAML, for the worker process (GRIDFLOW_CONFIG) and the API alike. */
export const FAULT_CITY_YAML = `
city: { name: { zh-CN: 故障演练区 }, timeZone: Asia/Shanghai }
units:
  - { id: d, level: district, name: { zh-CN: 区 }, dutyOfficer: d-duty }
  - { id: s, level: street, parent: d, name: { zh-CN: 街道 }, dutyOfficer: s-duty }
  - { id: c, level: community, parent: s, name: { zh-CN: 社区 }, dutyOfficer: c-sec }
  - { id: g, level: grid, parent: c, name: { zh-CN: 网格 }, dutyOfficer: g-worker, addresses: [演练路1号] }
staff:
  - { id: d-duty, name: 区值班, email: d-duty@example.org, role: officer, unit: d }
  - { id: d-admin, name: 区管理员, email: d-admin@example.org, role: admin, unit: d }
  - { id: s-duty, name: 街道值班, email: s-duty@example.org, role: officer, unit: s }
  - { id: s-lead, name: 街道领导, email: s-lead@example.org, role: supervisor, unit: s }
  - { id: c-sec, name: 社区书记, email: c-sec@example.org, role: supervisor, unit: c }
  - { id: g-worker, name: 网格员, email: g-worker@example.org, role: grid_worker, unit: g }
categories:
  - { id: road_repair, name: { zh-CN: 道路维修, en: Road repair } }
sla:
  calendarHoursFor: [urgent, high, normal, low]
  confirmWithin: P7D
  levels:
    grid: { urgent: PT${URGENT_RUNG_SECONDS}S, high: P1D, normal: P1D, low: P1D }
    community: { urgent: PT${URGENT_RUNG_SECONDS}S, high: P1D, normal: P1D, low: P1D }
    street: { urgent: PT${URGENT_RUNG_SECONDS}S, high: P1D, normal: P1D, low: P1D }
    district: { urgent: PT${URGENT_RUNG_SECONDS}S, high: P1D, normal: P1D, low: P1D }
integrations:
  - { id: app, name: 演练应用, apiKeySha256: [${hashApiKey(DRILL_API_KEY)}] }
rateLimits:
  intake: { window: PT1M, perKey: 100000, perIp: 100000 }
`;
