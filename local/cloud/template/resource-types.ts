import { LOCAL_ACCOUNT, LOCAL_REGION } from '../contracts.ts';

/**
 * Every resource type the local cloud emulates, with the exact properties it understands. A
 * property is either honoured (it changes local behaviour) or accepted with a stated reason why
 * it has no local effect. Anything else stops the boot.
 */
export interface ResourceTypeSpec {
  readonly honoured: readonly string[];
  readonly noLocalEffect?: Readonly<Record<string, string>>;
  /** The property holding the resource's physical name, when the template may set it. */
  readonly nameProperty?: string;
  /** How CloudFormation would name it when the template does not; default `<stack>-<logicalId>`. */
  readonly generatedName?: (stackName: string, logicalId: string) => string;
  /** `Ref` of the resource. */
  ref(name: string, endpointUrl: string): string;
  /** `Fn::GetAtt` attributes. */
  attributes: Readonly<Record<string, (name: string, endpointUrl: string) => string>>;
}

const arn = (service: string, resource: string, region: string = LOCAL_REGION) =>
  `arn:aws:${service}:${region}:${LOCAL_ACCOUNT}:${resource}`;

const NOT_ENFORCED_IAM = 'IAM is not enforced locally; infra tests check least privilege on the template instead';
const ENCRYPTION = 'data at rest is not encrypted locally; the template is checked for encryption by cdk-nag';

export const RESOURCE_TYPES: Readonly<Record<string, ResourceTypeSpec>> = {
  'AWS::DynamoDB::Table': {
    honoured: ['KeySchema', 'AttributeDefinitions', 'BillingMode', 'GlobalSecondaryIndexes', 'TimeToLiveSpecification', 'TableName'],
    noLocalEffect: {
      PointInTimeRecoverySpecification: 'DynamoDB Local keeps no backups',
      SSESpecification: ENCRYPTION,
      DeletionProtectionEnabled: 'the local cloud deletes nothing while running',
    },
    nameProperty: 'TableName',
    ref: (name) => name,
    attributes: { Arn: (name) => arn('dynamodb', `table/${name}`), StreamArn: (name) => arn('dynamodb', `table/${name}/stream/local`) },
  },
  'AWS::Lambda::Function': {
    honoured: ['Code', 'Handler', 'Runtime', 'Environment', 'Timeout', 'MemorySize', 'FunctionName', 'ReservedConcurrentExecutions', 'DeadLetterConfig'],
    noLocalEffect: {
      Architectures: 'workers run on this machine\'s architecture',
      Role: NOT_ENFORCED_IAM,
      TracingConfig: 'X-Ray is not emulated; segments are not recorded locally',
      LoggingConfig: 'logs go to .local/logs/<function>.log',
      Description: 'descriptive only',
    },
    nameProperty: 'FunctionName',
    ref: (name) => name,
    attributes: { Arn: (name) => arn('lambda', `function:${name}`) },
  },
  'AWS::Lambda::Permission': {
    honoured: [],
    noLocalEffect: { Action: NOT_ENFORCED_IAM, FunctionName: NOT_ENFORCED_IAM, Principal: NOT_ENFORCED_IAM, SourceArn: NOT_ENFORCED_IAM },
    ref: (name) => name,
    attributes: {},
  },
  'AWS::Lambda::EventSourceMapping': {
    honoured: ['EventSourceArn', 'FunctionName', 'BatchSize', 'MaximumBatchingWindowInSeconds', 'FunctionResponseTypes', 'ScalingConfig', 'Enabled'],
    ref: (name) => name,
    attributes: {},
  },
  'AWS::IAM::Role': {
    honoured: ['RoleName'],
    noLocalEffect: { AssumeRolePolicyDocument: NOT_ENFORCED_IAM, Description: 'descriptive only', Policies: NOT_ENFORCED_IAM, ManagedPolicyArns: NOT_ENFORCED_IAM },
    nameProperty: 'RoleName',
    ref: (name) => name,
    attributes: { Arn: (name) => `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`, RoleId: (name) => `AROALOCAL${name.length}` },
  },
  'AWS::IAM::Policy': {
    honoured: [],
    noLocalEffect: { PolicyDocument: NOT_ENFORCED_IAM, PolicyName: NOT_ENFORCED_IAM, Roles: NOT_ENFORCED_IAM },
    ref: (name) => name,
    attributes: {},
  },
  'AWS::Logs::LogGroup': {
    honoured: ['LogGroupName'],
    noLocalEffect: { RetentionInDays: 'local logs are files under .local/logs, truncated at each boot' },
    nameProperty: 'LogGroupName',
    ref: (name) => name,
    attributes: { Arn: (name) => arn('logs', `log-group:${name}:*`) },
  },
  'AWS::SecretsManager::Secret': {
    honoured: ['Name', 'SecretString', 'GenerateSecretString'],
    noLocalEffect: { Description: 'descriptive only' },
    nameProperty: 'Name',
    ref: (name) => arn('secretsmanager', `secret:${name}-local`),
    attributes: { Id: (name) => arn('secretsmanager', `secret:${name}-local`) },
  },
  'AWS::SQS::Queue': {
    honoured: ['QueueName', 'VisibilityTimeout', 'MessageRetentionPeriod', 'DelaySeconds', 'ReceiveMessageWaitTimeSeconds', 'RedrivePolicy'],
    noLocalEffect: { SqsManagedSseEnabled: ENCRYPTION, KmsMasterKeyId: ENCRYPTION },
    nameProperty: 'QueueName',
    ref: (name, endpointUrl) => `${endpointUrl}/${LOCAL_ACCOUNT}/${name}`,
    attributes: {
      Arn: (name) => arn('sqs', name),
      QueueName: (name) => name,
      QueueUrl: (name, endpointUrl) => `${endpointUrl}/${LOCAL_ACCOUNT}/${name}`,
    },
  },
  'AWS::S3::Bucket': {
    honoured: ['BucketName'],
    noLocalEffect: {
      BucketEncryption: ENCRYPTION,
      LifecycleConfiguration: 'objects do not expire locally; the rules are checked on the template',
      PublicAccessBlockConfiguration: 'the local S3 listens on loopback only',
    },
    nameProperty: 'BucketName',
    // Bucket names are lower case; CloudFormation generates them that way too.
    generatedName: (stackName, logicalId) => `${stackName}-${logicalId}`.toLowerCase().slice(0, 63),
    ref: (name) => name,
    attributes: { Arn: (name) => `arn:aws:s3:::${name}`, DomainName: (name) => `${name}.s3.amazonaws.com`, RegionalDomainName: (name) => `${name}.s3.${LOCAL_REGION}.amazonaws.com` },
  },
  'AWS::S3::BucketPolicy': {
    honoured: [],
    noLocalEffect: { Bucket: NOT_ENFORCED_IAM, PolicyDocument: NOT_ENFORCED_IAM },
    ref: (name) => name,
    attributes: {},
  },
  'AWS::SQS::QueuePolicy': {
    honoured: [],
    noLocalEffect: { PolicyDocument: NOT_ENFORCED_IAM, Queues: NOT_ENFORCED_IAM },
    ref: (name) => name,
    attributes: {},
  },
  'AWS::Events::EventBus': {
    honoured: ['Name'],
    noLocalEffect: { Description: 'descriptive only' },
    nameProperty: 'Name',
    ref: (name) => name,
    attributes: { Arn: (name) => arn('events', `event-bus/${name}`), Name: (name) => name },
  },
  'AWS::Events::Archive': {
    honoured: ['ArchiveName', 'SourceArn', 'EventPattern', 'RetentionDays'],
    noLocalEffect: { Description: 'descriptive only', KmsKeyIdentifier: ENCRYPTION },
    nameProperty: 'ArchiveName',
    ref: (name) => name,
    attributes: { Arn: (name) => arn('events', `archive/${name}`) },
  },
  'AWS::Events::Rule': {
    honoured: ['Name', 'EventBusName', 'EventPattern', 'State', 'Targets'],
    noLocalEffect: { Description: 'descriptive only' },
    nameProperty: 'Name',
    ref: (name) => name,
    attributes: { Arn: (name) => arn('events', `rule/${name}`) },
  },
  'AWS::Scheduler::Schedule': {
    // StartDate/EndDate bound the firings; GroupName may only be the default group, FlexibleTimeWindow
    // only Mode OFF, and the target only a Lambda function: local/cloud/scheduler/template.ts checks.
    honoured: ['Name', 'ScheduleExpression', 'ScheduleExpressionTimezone', 'State', 'Target', 'FlexibleTimeWindow', 'StartDate', 'EndDate', 'GroupName'],
    noLocalEffect: { Description: 'descriptive only', KmsKeyArn: ENCRYPTION },
    nameProperty: 'Name',
    // Schedule names are at most 64 characters.
    generatedName: (stackName, logicalId) => `${stackName}-${logicalId}`.slice(0, 64),
    ref: (name) => name,
    attributes: { Arn: (name) => arn('scheduler', `schedule/default/${name}`) },
  },
  'AWS::StepFunctions::StateMachine': {
    honoured: ['StateMachineName', 'StateMachineType', 'DefinitionString', 'DefinitionS3Location', 'DefinitionSubstitutions'],
    noLocalEffect: {
      RoleArn: NOT_ENFORCED_IAM,
      LoggingConfiguration: 'execution history is kept in memory and served by GetExecutionHistory',
      TracingConfiguration: 'X-Ray is not emulated',
    },
    nameProperty: 'StateMachineName',
    ref: (name) => arn('states', `stateMachine:${name}`),
    attributes: { Arn: (name) => arn('states', `stateMachine:${name}`), Name: (name) => name },
  },
  'AWS::ApiGatewayV2::Api': {
    honoured: ['Name', 'ProtocolType'],
    noLocalEffect: { Description: 'descriptive only' },
    ref: (name) => name,
    attributes: { ApiEndpoint: (name) => name, ApiId: (name) => name },
  },
  'AWS::ApiGatewayV2::Integration': {
    honoured: ['ApiId', 'IntegrationType', 'IntegrationUri', 'PayloadFormatVersion'],
    ref: (name) => name,
    attributes: {},
  },
  'AWS::ApiGatewayV2::Route': {
    honoured: ['ApiId', 'RouteKey', 'Target', 'AuthorizationType'],
    ref: (name) => name,
    attributes: {},
  },
  'AWS::ApiGatewayV2::Stage': {
    honoured: ['ApiId', 'StageName', 'DefaultRouteSettings', 'AccessLogSettings'],
    noLocalEffect: { AutoDeploy: 'routes are live as soon as the local cloud boots' },
    ref: (name) => name,
    attributes: {},
  },
};

/** Template sections the local cloud reads or, for these, knowingly skips. */
export const SKIPPED_PARAMETERS = new Set(['BootstrapVersion']);
