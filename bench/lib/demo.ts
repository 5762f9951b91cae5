/**
 * The demo city's configuration and unit tree, as the benchmarks that need no stack use them.
 */
import { loadConfig } from '../../src/config/load';
import type { GridflowConfig } from '../../src/config/schema';
import { OrgTree } from '../../src/domain/org-tree';

export function demoConfigAndOrg(): { config: GridflowConfig; org: OrgTree } {
  const config = loadConfig();
  return { config, org: new OrgTree(config.units, config.staff) };
}
