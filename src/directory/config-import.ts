/**
 * The config file and the directory: a city still starts from its YAML, imported idempotently
 * (the same file twice changes nothing; a changed file becomes audited changes), and the
 * directory can be written back as YAML in the config's shape, the rest of the file kept as it is.
 */
import { Document, isMap, isSeq, parseDocument, type Node } from 'yaml';
import type { GridflowConfig } from '../config/schema';
import { importTree } from './directory-changes';
import type { AppliedChange, DirectoryStore } from './directory-store';
import { canonicalTree, diffTrees, type DirectoryTree } from './directory-tree';

/** Who an import is recorded as in the audit (no staff member: the operator ran it). */
export const IMPORT_ACTOR = 'import';

/** The directory a config describes. */
export function treeOfConfig(config: Pick<GridflowConfig, 'units' | 'staff'>): DirectoryTree {
  return canonicalTree({ units: config.units, staff: config.staff });
}

/** True when importing the file would change the store's directory (which wins at start; see README). */
export function differsFromConfig(tree: DirectoryTree, config: Pick<GridflowConfig, 'units' | 'staff'>): boolean {
  try {
    return diffTrees(tree, importTree(treeOfConfig(config))(tree).tree).length > 0;
  } catch {
    // The file would be refused (it drops a unit): it certainly says something else.
    return true;
  }
}

/** Imports the config's units and staff: one audited change, or none when the store already says the same. */
export function importDirectory(
  store: DirectoryStore,
  config: Pick<GridflowConfig, 'units' | 'staff'>,
  options: { reason?: string; actorId?: string } = {},
): Promise<AppliedChange> {
  return store.apply(importTree(treeOfConfig(config)), { actorId: options.actorId ?? IMPORT_ACTOR, reason: options.reason });
}

/** Staff one per line, as the shipped config writes them; units as blocks. */
function flowItems(node: Node | null | undefined): void {
  if (!isSeq(node)) return;
  for (const item of node.items) if (isMap(item)) item.flow = true;
}

/**
 * The directory as YAML in the config's shape. Given the config file's text, the result is that
 * file with its `units:` and `staff:` replaced (comments elsewhere kept), so it can be loaded as a
 * config or imported again; without it, a document of the two lists alone.
 */
export function exportDirectory(tree: DirectoryTree, configText?: string): string {
  const canonical = canonicalTree(tree);
  const document = configText === undefined ? new Document({}) : parseDocument(configText);
  // A unit without addresses leaves the key out, as the file would.
  const units = document.createNode(canonical.units.map(({ addresses, ...unit }) => (addresses.length > 0 ? { ...unit, addresses } : unit)));
  const staff = document.createNode(canonical.staff);
  flowItems(staff);
  if (isSeq(units))
    for (const unit of units.items) if (isMap(unit)) for (const pair of unit.items) if (isMap(pair.value) || isSeq(pair.value)) pair.value.flow = true;
  document.set('units', units);
  document.set('staff', staff);
  return document.toString({ lineWidth: 0 });
}
