import type { ResolvedResource } from '../template/stack-resolver.ts';
import { UnsupportedTemplateError } from '../template/errors.ts';
import { ScheduleDefinitionError, ScheduleExpressionError } from './errors.ts';
import { parseScheduleExpression } from './expression.ts';
import type { ScheduleDefinition } from './service.ts';

interface ScheduleProperties {
  ScheduleExpression?: string;
  ScheduleExpressionTimezone?: string;
  State?: string;
  GroupName?: string;
  FlexibleTimeWindow?: { Mode?: string; MaximumWindowInMinutes?: number };
  StartDate?: string;
  EndDate?: string;
  Target?: Record<string, unknown>;
}

/** The parts of a target the local cloud honours; RoleArn is accepted because IAM is not enforced. */
const TARGET_PROPERTIES = ['Arn', 'RoleArn', 'Input', 'RetryPolicy', 'DeadLetterConfig'];

/**
 * Reads an `AWS::Scheduler::Schedule` into a schedule definition, or stops the boot naming the
 * logical id: an unsupported setting (a flexible window, a group, a non-Lambda target) with
 * `UnsupportedTemplateError`, an invalid one with a plain error.
 */
export function scheduleFromTemplate(resource: ResolvedResource): ScheduleDefinition {
  const { stackName, logicalId } = resource;
  const p = resource.properties as ScheduleProperties;
  const unsupported = (what: string): never => {
    throw new UnsupportedTemplateError(stackName, logicalId, what);
  };
  const invalid = (reason: string): never => {
    throw new Error(`${stackName}/${logicalId}: ${reason}`);
  };

  const mode = p.FlexibleTimeWindow?.Mode;
  if (mode !== 'OFF') {
    if (mode === 'FLEXIBLE') unsupported('FlexibleTimeWindow Mode FLEXIBLE (schedules fire on time locally)');
    invalid(`FlexibleTimeWindow Mode must be OFF or FLEXIBLE, received ${JSON.stringify(mode)}`);
  }
  if (p.GroupName !== undefined && p.GroupName !== 'default') unsupported(`GroupName ${p.GroupName} (schedules outside the default group)`);
  if (p.State !== undefined && p.State !== 'ENABLED' && p.State !== 'DISABLED') invalid(`State must be ENABLED or DISABLED, received ${p.State}`);
  if (typeof p.ScheduleExpression !== 'string') invalid('ScheduleExpression is required');

  const target = p.Target ?? invalid('Target is required');
  const extra = Object.keys(target).filter((key) => !TARGET_PROPERTIES.includes(key));
  if (extra.length > 0) unsupported(`target property ${extra.join(', ')}`);
  const arn = target.Arn;
  if (typeof arn !== 'string') return invalid('Target Arn is required');
  if (arn.split(':')[2] !== 'lambda') unsupported(`target ${arn} (only Lambda function targets)`);
  const retry = target.RetryPolicy as { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number } | undefined;
  const deadLetterArn = (target.DeadLetterConfig as { Arn?: string } | undefined)?.Arn;
  if (deadLetterArn !== undefined && deadLetterArn.split(':')[2] !== 'sqs') unsupported(`dead-letter target ${deadLetterArn} (only SQS queues)`);
  if (target.Input !== undefined && typeof target.Input !== 'string') invalid('Target Input must be a string');

  const path = String(resource.metadata['aws:cdk:path'] ?? '');
  const definition: ScheduleDefinition = {
    name: resource.name,
    aliases: [logicalId, ...(path ? [path, path.replace(/\/Resource$/, '')] : [])],
    expression: p.ScheduleExpression!,
    timeZone: p.ScheduleExpressionTimezone ?? 'UTC',
    state: (p.State ?? 'ENABLED') as 'ENABLED' | 'DISABLED',
    startDate: dateOf(p.StartDate, 'StartDate', invalid),
    endDate: dateOf(p.EndDate, 'EndDate', invalid),
    target: {
      arn,
      input: target.Input as string | undefined,
      retryPolicy: retry ? { maximumRetryAttempts: optionalNumber(retry.MaximumRetryAttempts), maximumEventAgeInSeconds: optionalNumber(retry.MaximumEventAgeInSeconds) } : undefined,
      deadLetterArn,
    },
  };
  // Check the expression here too, so a bad one names the logical id rather than the schedule.
  try {
    parseScheduleExpression(definition.expression, definition.timeZone);
  } catch (error) {
    if (error instanceof ScheduleExpressionError && error.unsupported) unsupported(`${error.reason} in ScheduleExpression ${error.expression}`);
    invalid((error as Error).message);
  }
  return definition;
}

/** Runs `add` (the service's `addSchedule`), naming the logical id in whatever it rejects. */
export function addScheduleFromTemplate(resource: ResolvedResource, add: (definition: ScheduleDefinition) => void): void {
  const definition = scheduleFromTemplate(resource);
  try {
    add(definition);
  } catch (error) {
    if (error instanceof ScheduleDefinitionError && error.unsupported) throw new UnsupportedTemplateError(resource.stackName, resource.logicalId, error.reason);
    if (error instanceof ScheduleDefinitionError || error instanceof ScheduleExpressionError) {
      throw new Error(`${resource.stackName}/${resource.logicalId}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function dateOf(text: string | undefined, property: string, invalid: (reason: string) => never): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) invalid(`${property} ${JSON.stringify(text)} is not an ISO 8601 date and time`);
  return ms;
}

/** Template numbers sometimes arrive as strings after intrinsic resolution. */
function optionalNumber(value: unknown): number | undefined {
  return value === undefined ? undefined : Number(value);
}
