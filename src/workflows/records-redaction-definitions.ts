/**
 * The name the redaction schedule starts `recordsRedactionWorkflow` by: beside the workflow, so the
 * schedule never imports the workflow body (wire name: never rename).
 */
export const RECORDS_REDACTION_WORKFLOW_TYPE = 'recordsRedactionWorkflow';
