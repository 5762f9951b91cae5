/** Every workflow type the worker registers. */
export { caseWorkflow } from './case';
export { obligationWorkflow } from './obligation';
export { mediationWorkflow } from './mediation';
export { recordsRedactionWorkflow } from './records-redaction';
export { handOverWorkflow } from './hand-over';
export { calendarRolloutWorkflow } from './calendar-rollout';
