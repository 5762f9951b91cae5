/**
 * The workflows the API names to its callers, and how to tell from a workflow id which one an id
 * is. Temporal's "not found" carries the workflow id and nothing else, so the one error handler
 * can name what was missing (a case, a mediation, …) only by the shape of that id.
 */

/** The workflows' resources, as 404, 409 and 503 details name them (catalog `resource.…`). */
export type Resource = 'case' | 'mediation' | 'obligation' | 'handOver';

/**
 * The prefix each kind's workflow ids start with, longest first: `c-` from the case intake
 * (src/api/case-intake.ts), `m-` from mediationIdForCase, `o-` from obligationIdFor (both in
 * src/domain), `hand-over-` from handOverWorkflowId. A unit test ties each to its maker.
 */
const ID_PREFIXES: readonly (readonly [string, Resource])[] = [
  ['hand-over-', 'handOver'],
  ['c-', 'case'],
  ['m-', 'mediation'],
  ['o-', 'obligation'],
];

/** The resource a workflow id belongs to, or undefined for a workflow the API does not name (a roll-out, say). */
export function resourceOfWorkflowId(workflowId: string): Resource | undefined {
  return ID_PREFIXES.find(([prefix]) => workflowId.startsWith(prefix))?.[1];
}
