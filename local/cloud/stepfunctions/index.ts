export { StepFunctionsService, type StateMachineRegistration, type StepFunctionsServiceOptions } from './service.ts';
export type { TaskIntegrations } from './integrations.ts';
export type { ExecutionDescription, ExecutionStatus } from './execution.ts';
export type { HistoryEvent } from './history.ts';
export { InvalidDefinitionError } from './definition.ts';
export { UnsupportedResourceError } from './resources.ts';
