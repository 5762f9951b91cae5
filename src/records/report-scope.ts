/**
 * Which units a report covers: the requested unit's subtree, and which of its children each unit
 * of the subtree rolls up to (the `byUnit` rows).
 */
import type { OrgTree } from '../domain/org-tree';

export interface ReportScope {
  unitId: string;
  /** Every unit of the subtree, the unit itself included. */
  units: Set<string>;
  /** Unit id → the child of `unitId` whose subtree holds it (the unit itself for `unitId`). */
  childOf: Map<string, string>;
}

export function reportScope(org: OrgTree, unitId: string): ReportScope {
  const units = new Set<string>([unitId]);
  const childOf = new Map<string, string>([[unitId, unitId]]);
  for (const child of org.children(unitId)) {
    const stack = [child.id];
    while (stack.length > 0) {
      const id = stack.pop()!;
      units.add(id);
      childOf.set(id, child.id);
      stack.push(...org.children(id).map((unit) => unit.id));
    }
  }
  return { unitId, units, childOf };
}
