/**
 * What a Task state's `Resource` asks for, in terms the local cloud can serve. Anything not listed
 * here is refused when the state machine is registered, so no run can ever reach real AWS.
 */

export type IntegratedService = 'dynamodb' | 'events' | 'sqs';

export type TaskResource =
  | { readonly kind: 'lambda-invoke'; readonly resource: string; readonly waitForTaskToken: boolean }
  | { readonly kind: 'lambda-function'; readonly resource: string; readonly functionArn: string }
  | {
      readonly kind: 'service';
      readonly resource: string;
      readonly service: IntegratedService;
      readonly action: string;
      readonly waitForTaskToken: boolean;
    };

/** Actions of the optimized integrations the app uses, and whether AWS allows a callback on them. */
const SERVICE_ACTIONS: Record<IntegratedService, { actions: readonly string[]; callback: boolean }> = {
  // AWS supports only request-response for DynamoDB: no .sync, no .waitForTaskToken.
  dynamodb: { actions: ['getItem', 'putItem', 'updateItem', 'deleteItem'], callback: false },
  events: { actions: ['putEvents'], callback: true },
  sqs: { actions: ['sendMessage'], callback: true },
};

/** The prefix AWS puts on error names coming from each integration, e.g. `DynamoDB.ConditionalCheckFailedException`. */
export const ERROR_PREFIX: Record<IntegratedService | 'lambda', string> = {
  lambda: 'Lambda',
  dynamodb: 'DynamoDB',
  events: 'EventBridge',
  sqs: 'SQS',
};

const WAIT_FOR_TASK_TOKEN = '.waitForTaskToken';
const INTEGRATION_ARN = /^arn:aws[\w-]*:states:::([a-z0-9-]+):([A-Za-z0-9]+)(\.[A-Za-z]+)?$/;
const LAMBDA_FUNCTION_ARN = /^arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;

export class UnsupportedResourceError extends Error {
  constructor(resource: string, reason: string) {
    super(`unsupported Task resource "${resource}": ${reason}`);
    this.name = 'UnsupportedResourceError';
  }
}

export function parseTaskResource(resource: string): TaskResource {
  if (LAMBDA_FUNCTION_ARN.test(resource)) return { kind: 'lambda-function', resource, functionArn: resource };

  const match = INTEGRATION_ARN.exec(resource);
  if (!match) {
    throw new UnsupportedResourceError(
      resource,
      'the local cloud runs Lambda functions and the optimized lambda, dynamodb, events and sqs integrations only',
    );
  }
  const [, service = '', action = '', pattern] = match;
  if (pattern !== undefined && pattern !== WAIT_FOR_TASK_TOKEN) {
    throw new UnsupportedResourceError(resource, `the "${pattern}" integration pattern is not emulated`);
  }
  const waitForTaskToken = pattern === WAIT_FOR_TASK_TOKEN;

  if (service === 'lambda') {
    if (action !== 'invoke') throw new UnsupportedResourceError(resource, 'only lambda:invoke is emulated');
    return { kind: 'lambda-invoke', resource, waitForTaskToken };
  }
  if (!isIntegratedService(service)) {
    throw new UnsupportedResourceError(resource, `the "${service}" service integration is not emulated`);
  }
  const supported = SERVICE_ACTIONS[service];
  if (!supported.actions.includes(action)) {
    throw new UnsupportedResourceError(resource, `${service} supports ${supported.actions.join(', ')}`);
  }
  if (waitForTaskToken && !supported.callback) {
    throw new UnsupportedResourceError(resource, `AWS does not offer .waitForTaskToken for ${service}`);
  }
  return { kind: 'service', resource, service, action, waitForTaskToken };
}

function isIntegratedService(service: string): service is IntegratedService {
  return Object.hasOwn(SERVICE_ACTIONS, service);
}

export function isCallback(resource: TaskResource): boolean {
  return resource.kind !== 'lambda-function' && resource.waitForTaskToken;
}

/** `resourceType` and `resource` as the execution history reports them, e.g. `sqs` / `sendMessage.waitForTaskToken`. */
export function historyResourceFields(resource: TaskResource): { resourceType: string; resource: string } {
  switch (resource.kind) {
    case 'lambda-function':
      return { resourceType: 'lambda', resource: resource.functionArn };
    case 'lambda-invoke':
      return { resourceType: 'lambda', resource: `invoke${resource.waitForTaskToken ? WAIT_FOR_TASK_TOKEN : ''}` };
    case 'service':
      return {
        resourceType: resource.service,
        resource: `${resource.action}${resource.waitForTaskToken ? WAIT_FOR_TASK_TOKEN : ''}`,
      };
  }
}
