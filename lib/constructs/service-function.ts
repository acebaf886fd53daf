import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface ServiceFunctionProps {
  /** Path of the handler module, relative to the repository root (e.g. `lambdas/orders/validate-order.ts`). */
  readonly entry: string;
  /** Powertools service name: the bounded context, e.g. `intake`. */
  readonly serviceName: string;
  readonly description: string;
  /** Days to keep the function's logs. */
  readonly logRetentionDays: number;
  /** Variables merged over the defaults; a caller value wins. @default {} */
  readonly environment?: Record<string, string>;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** Whether the log group survives stack deletion. @default RemovalPolicy.DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/** Metrics namespace shared by every function, so one dashboard reads them all. */
export const METRICS_NAMESPACE = 'OrderAutomation';

/**
 * The one way this app builds a Lambda function: esbuild bundle (minified, source maps), Node.js
 * 22 on arm64, X-Ray tracing, Powertools configured, a log group with retention, and a role that
 * may write only to that log group (no AWS-managed policy).
 */
export class ServiceFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly logGroup: logs.LogGroup;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    if (!props.entry.startsWith('lambdas/') || !props.entry.endsWith('.ts')) {
      throw new Error(`ServiceFunction ${id}: entry must be a .ts file under lambdas/, received "${props.entry}"`);
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${id} (${props.serviceName})`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        minify: true,
        sourceMap: true,
        target: 'node22',
        format: OutputFormat.CJS,
        // The Lambda runtime ships an AWS SDK, but bundling our pinned one keeps local and cloud identical.
        externalModules: [],
      },
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Pinned to nodejs22.x, the Node.js line the offline local cloud and the test suite run on, so what is tested is what is deployed',
    });
    // Tracing adds xray:PutTraceSegments/PutTelemetryRecords, which IAM only grants on "*".
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions',
    });
  }
}
