import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as ddb from '@aws-sdk/client-dynamodb';
import { LocalHttpApi } from './apigateway/http-api.ts';
import {
  AwsServiceError,
  LOCAL_REGION,
  arnResourceName,
  arnService,
  createClock,
  type LocalClock,
  type LocalLogger,
  type TargetDelivery,
} from './contracts.ts';
import { startDynamoDbLocal, type RunningDynamoDb } from './dynamodb/dynamodb-local.ts';
import { createTableFromTemplate, type TableProperties } from './dynamodb/tables.ts';
import { LocalEndpoint } from './endpoint.ts';
import { EventBridgeService } from './eventbridge/service.ts';
import { LocalLambdaRuntime } from './lambda/index.ts';
import { SchedulerService, type ScheduleMode, type ScheduleSummary } from './scheduler/service.ts';
import { addScheduleFromTemplate, scheduleFromTemplate } from './scheduler/template.ts';
import { generateSecretString, SecretsManagerService, type GenerateSecretString } from './secrets/secrets-manager.ts';
import { startLocalS3 } from './s3/local-s3.ts';
import { SqsEventSourceMapping } from './sqs/event-source-mapping.ts';
import { SqsService } from './sqs/service.ts';
import { StepFunctionsService } from './stepfunctions/index.ts';
import { loadStageStacks } from './template/assembly.ts';
import { UnsupportedTemplateError } from './template/errors.ts';
import { substitute } from './template/intrinsics.ts';
import { resolveStacks, type ResolvedResource } from './template/stack-resolver.ts';

export interface LocalCloudOptions {
  /** The synthesized cloud assembly. @default 'cdk.out' */
  readonly assemblyDir?: string;
  /** The Stage to run. @default 'dev' */
  readonly stage?: string;
  /** Ports; 0 lets the OS choose. @default 0 */
  readonly apiPort?: number;
  readonly endpointPort?: number;
  /** Where function logs and access logs go. @default '.local/logs' */
  readonly logDir?: string;
  readonly logger: LocalLogger;
  /** >1 makes retries, visibility timeouts and task timeouts pass faster than real time. @default 1 */
  readonly clockSpeed?: number;
  /** First retry delay of EventBridge target deliveries and EventBridge Scheduler invocations, in clock milliseconds. @default 1000 */
  readonly eventRetryBaseDelayMs?: number;
  /**
   * `clock`: EventBridge Scheduler schedules fire on the local clock (a rate's first firing one
   * period after boot). `manual`: nothing fires by itself; use `runSchedule`. @default 'clock'
   */
  readonly schedules?: ScheduleMode;
  /**
   * Replaces the template value of these environment variables in every function that declares
   * them, e.g. to point `WMS_BASE_URL` at a local simulator. Variables a function does not declare
   * are not added; a key that no function declares fails the boot.
   */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
}

/** Checks in a row that must find nothing working before `quiescent()` resolves. */
const QUIET_CHECKS = 3;

/** Worker threads per function when the template reserves no concurrency. */
const LOCAL_WORKERS_PER_FUNCTION = 4;

/**
 * The synthesized app, running on this machine. Boots one Stage's templates from the cloud
 * assembly: DynamoDB Local for tables, worker threads for functions, and in-process emulations of
 * EventBridge, SQS, Step Functions, Secrets Manager and the HTTP API, all behind one endpoint that
 * the functions' real AWS SDK clients reach through AWS_ENDPOINT_URL.
 */
interface LocalCloudParts {
  readonly clock: LocalClock;
  readonly eventBridge: EventBridgeService;
  readonly sqs: SqsService;
  readonly stepFunctions: StepFunctionsService;
  readonly secrets: SecretsManagerService;
  readonly lambda: LocalLambdaRuntime;
  readonly scheduler: SchedulerService;
  readonly resources: readonly ResolvedResource[];
  readonly apiUrl: string;
  readonly endpointUrl: string;
  readonly dynamoDbEndpoint: string;
  readonly s3Endpoint: string;
  /** Seconds from the start of boot until the API answered. */
  readonly bootSeconds: number;
  readonly mappings: readonly SqsEventSourceMapping[];
  readonly faults: Map<string, number>;
  readonly closers: (() => Promise<void> | void)[];
}

export class LocalCloud {
  readonly clock: LocalClock;
  readonly eventBridge: EventBridgeService;
  readonly sqs: SqsService;
  readonly stepFunctions: StepFunctionsService;
  readonly secrets: SecretsManagerService;
  readonly lambda: LocalLambdaRuntime;
  readonly scheduler: SchedulerService;
  readonly resources: readonly ResolvedResource[];
  readonly apiUrl: string;
  readonly endpointUrl: string;
  readonly dynamoDbEndpoint: string;
  readonly s3Endpoint: string;
  readonly bootSeconds: number;
  private readonly mappings: readonly SqsEventSourceMapping[];
  private readonly faults: Map<string, number>;
  private readonly closers: (() => Promise<void> | void)[];

  private constructor(parts: LocalCloudParts) {
    this.clock = parts.clock;
    this.eventBridge = parts.eventBridge;
    this.sqs = parts.sqs;
    this.stepFunctions = parts.stepFunctions;
    this.secrets = parts.secrets;
    this.lambda = parts.lambda;
    this.scheduler = parts.scheduler;
    this.resources = parts.resources;
    this.apiUrl = parts.apiUrl;
    this.endpointUrl = parts.endpointUrl;
    this.dynamoDbEndpoint = parts.dynamoDbEndpoint;
    this.s3Endpoint = parts.s3Endpoint;
    this.bootSeconds = parts.bootSeconds;
    this.mappings = parts.mappings;
    this.faults = parts.faults;
    this.closers = parts.closers;
  }

  static async boot(options: LocalCloudOptions): Promise<LocalCloud> {
    const started = Date.now();
    const { logger } = options;
    const logDir = options.logDir ?? '.local/logs';
    rmSync(logDir, { recursive: true, force: true });
    mkdirSync(logDir, { recursive: true });
    const clock = createClock(options.clockSpeed ?? 1);
    const closers: (() => Promise<void> | void)[] = [];
    const stop = async () => {
      for (const close of closers.reverse()) await close();
    };

    try {
      const endpoint = new LocalEndpoint(logger);
      const endpointUrl = await endpoint.listen(options.endpointPort ?? 0);
      closers.push(() => endpoint.close());
      const stacks = loadStageStacks(options.assemblyDir ?? 'cdk.out', options.stage ?? 'dev');
      // Resolving checks every type, property and intrinsic before anything starts.
      const resources = resolveStacks(stacks, endpointUrl);
      const byType = (type: string) => resources.filter((resource) => resource.type === type);
      // Checked before anything starts, so a mistake costs no DynamoDB Local boot.
      const schedules = byType('AWS::Scheduler::Schedule');
      checkScheduleTargets(schedules, byType('AWS::Lambda::Function'), byType('AWS::SQS::Queue'));
      const environmentOverrides = options.functionEnvironment ?? {};
      checkEnvironmentOverrides(byType('AWS::Lambda::Function'), environmentOverrides);

      const dynamo: RunningDynamoDb = await startDynamoDbLocal();
      closers.push(() => dynamo.stop());
      const dynamoDb = new ddb.DynamoDBClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      closers.push(() => dynamoDb.destroy());
      for (const table of byType('AWS::DynamoDB::Table')) {
        await createTableFromTemplate(dynamoDb, table.name, table.properties as unknown as TableProperties);
      }

      // Objects live beside the logs and, like them, start empty at every boot.
      const s3Directory = `${logDir.replace(/\/$/, '')}-s3`;
      rmSync(s3Directory, { recursive: true, force: true });
      const s3 = await startLocalS3({ directory: s3Directory, logger });
      closers.push(() => s3.stop());
      for (const bucket of byType('AWS::S3::Bucket')) await s3.createBucket(bucket.name);

      const secrets = new SecretsManagerService();
      for (const secret of byType('AWS::SecretsManager::Secret')) {
        const { SecretString, GenerateSecretString: generate } = secret.properties as { SecretString?: string; GenerateSecretString?: GenerateSecretString };
        secrets.createSecret(secret.name, SecretString ?? generateSecretString(generate ?? {}));
      }

      const sqs = new SqsService({ clock, logger, endpointUrl });
      // A dead-letter queue must exist before the queue that redrives into it.
      const queues = byType('AWS::SQS::Queue').sort((a, b) => Number('RedrivePolicy' in a.properties) - Number('RedrivePolicy' in b.properties));
      for (const queue of queues) {
        const p = queue.properties as { VisibilityTimeout?: number; MessageRetentionPeriod?: number; DelaySeconds?: number; ReceiveMessageWaitTimeSeconds?: number; RedrivePolicy?: { deadLetterTargetArn: string; maxReceiveCount: number } };
        sqs.createQueue({
          name: queue.name,
          visibilityTimeoutSeconds: p.VisibilityTimeout,
          messageRetentionSeconds: p.MessageRetentionPeriod,
          delaySeconds: p.DelaySeconds,
          receiveWaitTimeSeconds: p.ReceiveMessageWaitTimeSeconds,
          redrivePolicy: p.RedrivePolicy ? { deadLetterTargetArn: p.RedrivePolicy.deadLetterTargetArn, maxReceiveCount: Number(p.RedrivePolicy.maxReceiveCount) } : undefined,
        });
      }

      const lambda = new LocalLambdaRuntime({ logger, logDir, clock });
      closers.push(() => lambda.close());
      const functionDeadLetters = new Map<string, string>();
      for (const fn of byType('AWS::Lambda::Function')) {
        const p = fn.properties as { Handler: string; Environment?: { Variables?: Record<string, string> }; Timeout?: number; MemorySize?: number; ReservedConcurrentExecutions?: number; DeadLetterConfig?: { TargetArn: string }; Runtime?: string };
        if (!p.Runtime?.startsWith('nodejs')) throw new UnsupportedTemplateError(fn.stackName, fn.logicalId, `runtime ${p.Runtime}`);
        const assetPath = fn.metadata['aws:asset:path'];
        if (typeof assetPath !== 'string') throw new UnsupportedTemplateError(fn.stackName, fn.logicalId, 'Code that is not a bundled asset');
        if (p.DeadLetterConfig?.TargetArn) functionDeadLetters.set(fn.name, p.DeadLetterConfig.TargetArn);
        lambda.register({
          logicalId: fn.logicalId,
          functionName: fn.name,
          assetDir: join(fn.stack.assemblyDir, assetPath),
          handler: p.Handler,
          environment: {
            ...withOverrides(p.Environment?.Variables ?? {}, environmentOverrides),
            AWS_ENDPOINT_URL: endpointUrl,
            AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
            AWS_ENDPOINT_URL_S3: s3.endpoint,
          },
          timeoutSeconds: p.Timeout ?? 3,
          memorySizeMb: p.MemorySize ?? 128,
          // More workers than a laptop has cores add cold starts, not throughput; a burst queues instead.
          maxConcurrency: p.ReservedConcurrentExecutions ?? LOCAL_WORKERS_PER_FUNCTION,
        });
      }
      await Promise.all(byType('AWS::Lambda::Function').map((fn) => lambda.warm(fn.name)));

      // Targets can start executions and executions can put events: the two services refer to each other.
      const late: { stepFunctions?: StepFunctionsService } = {};
      const faults = new Map<string, number>();
      const delivery: TargetDelivery = {
        async deliver(targetArn, body, attributes) {
          const injected = faults.get(targetArn) ?? 0;
          if (injected > 0) {
            faults.set(targetArn, injected - 1);
            throw new AwsServiceError('InjectedFault', `delivery to ${targetArn} failed on purpose (fault injection)`);
          }
          switch (arnService(targetArn)) {
            case 'sqs':
              await sqs.sendMessage(targetArn, body, attributes);
              return;
            case 'lambda':
              // Resolves once accepted; rejects (unknown function, runtime closed) so the caller retries.
              await lambda.invokeAsync(targetArn, JSON.parse(body), {
                onFailure: async (event) => {
                  const dlq = functionDeadLetters.get(targetArn.split(':').pop()!);
                  if (dlq) await sqs.sendMessage(dlq, JSON.stringify(event));
                  else logger.error('async invocation failed and the function has no DLQ; event dropped', { targetArn });
                },
              });
              return;
            case 'states':
              await late.stepFunctions!.handle('StartExecution', { stateMachineArn: targetArn, input: body });
              return;
            default:
              throw new AwsServiceError('UnsupportedTarget', `the local cloud cannot deliver to ${targetArn}`);
          }
        },
      };

      const eventBridge = new EventBridgeService({ clock, logger, delivery, retryBaseDelayMs: options.eventRetryBaseDelayMs });
      closers.push(() => eventBridge.stop());
      closers.push(() => faults.clear());
      for (const bus of byType('AWS::Events::EventBus')) eventBridge.createBus({ name: bus.name });
      for (const archive of byType('AWS::Events::Archive')) {
        const p = archive.properties as { SourceArn: string; EventPattern?: unknown; RetentionDays?: number };
        eventBridge.createArchive({ name: archive.name, sourceBusArn: p.SourceArn, eventPattern: p.EventPattern, retentionDays: p.RetentionDays });
      }
      for (const rule of byType('AWS::Events::Rule')) {
        const p = rule.properties as { EventBusName?: string; EventPattern?: unknown; State?: 'ENABLED' | 'DISABLED'; Targets?: Record<string, unknown>[] };
        if (!p.EventPattern) throw new UnsupportedTemplateError(rule.stackName, rule.logicalId, 'a rule without EventPattern (scheduled rules)');
        const targets = (p.Targets ?? []).map((target) => {
          const unknown = Object.keys(target).filter((key) => !['Arn', 'Id', 'RetryPolicy', 'DeadLetterConfig', 'Input', 'InputPath', 'RoleArn'].includes(key));
          if (unknown.length > 0) throw new UnsupportedTemplateError(rule.stackName, rule.logicalId, `target property ${unknown.join(', ')}`);
          const retry = target.RetryPolicy as { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number } | undefined;
          return {
            id: String(target.Id),
            arn: String(target.Arn),
            input: target.Input as string | undefined,
            inputPath: target.InputPath as string | undefined,
            retryPolicy: retry ? { maximumRetryAttempts: retry.MaximumRetryAttempts, maximumEventAgeInSeconds: retry.MaximumEventAgeInSeconds } : undefined,
            deadLetterArn: (target.DeadLetterConfig as { Arn?: string } | undefined)?.Arn,
          };
        });
        eventBridge.addRule({ name: rule.name, busName: (p.EventBusName ?? 'default').split('/').pop()!, eventPattern: p.EventPattern, state: p.State, targets });
      }

      const sfn = new StepFunctionsService({
        clock,
        logger,
        integrations: {
          invokeLambda: (arn, event) => lambda.invoke(arn, event),
          callService: async (service, action, params) => {
            if (service === 'dynamodb') return callDynamoDb(dynamoDb, action, params);
            if (service === 'events' && action === 'putEvents') {
              const entries = ((params.Entries as Record<string, unknown>[] | undefined) ?? []).map((entry) => ({
                ...entry,
                Detail: typeof entry.Detail === 'string' ? entry.Detail : JSON.stringify(entry.Detail ?? {}),
              }));
              const result = (await eventBridge.handle('PutEvents', { Entries: entries })) as { FailedEntryCount: number };
              // Step Functions' putEvents integration fails the task when any entry failed.
              if (result.FailedEntryCount > 0) throw new AwsServiceError('FailedEntry', JSON.stringify(result));
              return result;
            }
            if (service === 'sqs' && action === 'sendMessage') return sqs.handle('SendMessage', params);
            throw new AwsServiceError('UnsupportedIntegration', `${service}:${action} is not emulated by the local cloud`);
          },
        },
      });
      late.stepFunctions = sfn;
      closers.push(() => sfn.shutdown());
      for (const machine of byType('AWS::StepFunctions::StateMachine')) {
        const p = machine.properties as { StateMachineType?: 'STANDARD' | 'EXPRESS'; DefinitionString?: string; DefinitionS3Location?: { Key: string }; DefinitionSubstitutions?: Record<string, unknown> };
        const definitionText = p.DefinitionString ?? readDefinitionAsset(machine, p.DefinitionS3Location?.Key);
        const substitutions = p.DefinitionSubstitutions ?? {};
        const definition = substitute(definitionText, (name) => {
          if (!(name in substitutions)) throw new UnsupportedTemplateError(machine.stackName, machine.logicalId, `definition placeholder \${${name}} with no substitution`);
          return String(substitutions[name]);
        });
        sfn.registerStateMachine({ name: machine.name, definition, type: p.StateMachineType ?? 'STANDARD' });
      }

      const mappings: SqsEventSourceMapping[] = [];
      for (const mapping of byType('AWS::Lambda::EventSourceMapping')) {
        const p = mapping.properties as { EventSourceArn: string; FunctionName: string; BatchSize?: number; MaximumBatchingWindowInSeconds?: number; FunctionResponseTypes?: string[]; ScalingConfig?: { MaximumConcurrency?: number }; Enabled?: boolean };
        if (arnService(p.EventSourceArn) !== 'sqs') throw new UnsupportedTemplateError(mapping.stackName, mapping.logicalId, `event source ${p.EventSourceArn}`);
        if (p.Enabled === false) continue;
        const queue = sqs.queueByArn(p.EventSourceArn);
        if (!queue) throw new UnsupportedTemplateError(mapping.stackName, mapping.logicalId, `event source ${p.EventSourceArn} that is not a queue of this stage`);
        const esm = new SqsEventSourceMapping({
          queue,
          functionArn: p.FunctionName,
          invoker: lambda,
          batchSize: p.BatchSize,
          maximumBatchingWindowSeconds: p.MaximumBatchingWindowInSeconds,
          maximumConcurrency: p.ScalingConfig?.MaximumConcurrency,
          reportBatchItemFailures: (p.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
          clock,
          logger,
        });
        esm.start();
        mappings.push(esm);
        closers.push(() => esm.stop());
      }

      const scheduler = new SchedulerService({
        clock,
        logger,
        mode: options.schedules ?? 'clock',
        retryBaseDelayMs: options.eventRetryBaseDelayMs,
        // Scheduler invokes Lambda targets asynchronously, like an EventBridge rule target.
        invoker: {
          invokeAsync: (functionArn, event) => delivery.deliver(functionArn, JSON.stringify(event)),
          invoke: (functionArn, event) => lambda.invoke(functionArn, event),
        },
        deadLetters: { sendToDeadLetter: (queueArn, body, attributes) => delivery.deliver(queueArn, body, { ...attributes }) },
      });
      closers.push(() => scheduler.stop());
      for (const schedule of schedules) addScheduleFromTemplate(schedule, (definition) => scheduler.addSchedule(definition));

      endpoint.register(eventBridge);
      endpoint.register(sqs);
      endpoint.register(sfn);
      endpoint.register(secrets);

      const apiUrl = await startHttpApis(resources, lambda, logger, logDir, options.apiPort ?? 0, closers);
      // Last, so a rate's first firing is one period after the stage is up.
      scheduler.start();
      return new LocalCloud({
        clock,
        eventBridge,
        sqs,
        stepFunctions: sfn,
        secrets,
        faults,
        lambda,
        scheduler,
        resources,
        apiUrl,
        endpointUrl,
        dynamoDbEndpoint: dynamo.endpoint,
        s3Endpoint: s3.endpoint,
        bootSeconds: (Date.now() - started) / 1000,
        mappings,
        closers,
      });
    } catch (error) {
      await stop();
      throw error;
    }
  }

  /** The resolved resource with this logical id or CDK path suffix, for tests and ops commands. */
  resource(type: string, pathSuffix: string): ResolvedResource {
    const found = this.resources.find(
      (resource) => resource.type === type && (resource.logicalId === pathSuffix || String(resource.metadata['aws:cdk:path'] ?? '').endsWith(pathSuffix)),
    );
    if (!found) throw new Error(`no ${type} at ${pathSuffix}`);
    return found;
  }

  physicalName(type: string, pathSuffix: string): string {
    return this.resource(type, pathSuffix).name;
  }

  /**
   * Makes the next `count` deliveries to `targetArn` (a rule target or DLQ) fail, to show retry
   * and dead-lettering without breaking anything for real.
   */
  failNextDeliveries(targetArn: string, count: number): void {
    this.faults.set(targetArn, count);
  }

  /**
   * Fires an EventBridge Scheduler schedule now, by name, logical id or CDK path suffix: one
   * synchronous invocation of its target, without retries, whatever its state. Resolves with the
   * function's result; rejects with its error.
   */
  async runSchedule(nameOrPathSuffix: string): Promise<unknown> {
    return this.scheduler.runNow(nameOrPathSuffix);
  }

  /** Every schedule of the stage, with when it fires next on the local clock. */
  schedules(): ScheduleSummary[] {
    return this.scheduler.list();
  }

  /**
   * Resolves once no event delivery, queued message, running execution or invocation (scheduled
   * or event) remains. Schedules' future firings are not waited for. Executions parked on task
   * tokens count as done, but whatever waits on the clock is waited for in clock time: an
   * execution in a Wait state or retry pause, a message delayed or in flight, a retry backoff. With
   * timers hours or days away use `quiescent()` or `fastForward()` instead.
   */
  async idle(): Promise<void> {
    for (let settledRounds = 0; settledRounds < 2; ) {
      await this.eventBridge.idle();
      await this.scheduler.idle();
      await Promise.all(this.mappings.map((mapping) => mapping.idle()));
      await this.stepFunctions.idle();
      await this.lambda.idle();
      const busy = this.eventBridge.pendingDeliveries() > 0 || this.scheduler.pendingDeliveries() > 0 || this.lambda.pendingAsyncInvocations() > 0;
      settledRounds = busy ? 0 : settledRounds + 1;
    }
  }

  /**
   * Resolves once nothing runs that would finish without the clock moving or outside input: no
   * Lambda invocation runs, no event or scheduled invocation is being handed over, no queue batch
   * is being handled and no visible message waits for its event source mapping, and every running
   * execution waits only for task tokens or for the clock. Unlike `idle()`, it does not wait for
   * what only the clock brings (a Wait state or task timeout days away, a retry backoff, a delayed
   * or in-flight message), so it resolves while an execution is parked on a long timer.
   */
  async quiescent(): Promise<void> {
    for (let quietChecks = 0; quietChecks < QUIET_CHECKS; ) {
      // Let microtasks and I/O callbacks run first: the runner moves between states in microtasks,
      // and a real timer of a millisecond lets any zero-delay timers of the libraries fire.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 1));
      quietChecks = this.hasRunnableWork() ? 0 : quietChecks + 1;
    }
  }

  /**
   * Makes `ms` of local time pass in seconds of real time, deterministically: the clock jumps
   * (`Clock.advance`) from one due timer to the next (Wait states, task and heartbeat timeouts,
   * retry backoffs, visibility timeouts), or by `step` ms at most, and before every jump and after
   * the last one waits for `quiescent()` and then `settle()` (for simulators beside the cloud), so
   * the work each timer set off (Lambda calls, queue deliveries, callbacks) finishes before time
   * jumps again. Resolves while executions stay parked on task tokens or later timers.
   *
   * Schedules do not fire once per missed period: a schedule jumped over fires once per jump and
   * carries on from the current time (see `SchedulerService.fire`), and the event source
   * mappings' long polls do not make jumps stop every 20 s (both use deferrable timers). SQS
   * visibility timeouts and retry backoffs run on the clock too, so a jump makes messages still in
   * flight visible again and they are received again. Jumps come only once no batch is being
   * handled, so that takes messages whose batch failed (their retry, as on AWS) or that a client
   * outside the mappings received and has not deleted; every consumer is idempotent.
   *
   * Lambda functions read this clock too: their `Date` follows it (see lambda/worker-clock.ts).
   */
  async fastForward(ms: number, options: { step?: number; settle?: () => Promise<void> } = {}): Promise<void> {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`fastForward needs a finite number of milliseconds >= 0, received ${ms}`);
    const { step, settle } = options;
    if (step !== undefined && !(step > 0)) throw new RangeError(`fastForward step must be > 0 milliseconds, received ${step}`);
    const settled = async (): Promise<void> => {
      await this.quiescent();
      if (!settle) return;
      await settle();
      await this.quiescent();
    };
    const end = this.clock.now() + ms;
    await settled();
    for (let now = this.clock.now(); now < end; now = this.clock.now()) {
      let target = end;
      const next = this.clock.nextDueAt();
      if (next !== undefined) target = Math.min(target, next);
      if (step !== undefined) target = Math.min(target, now + step);
      await this.clock.advance(Math.max(0, target - now));
      await settled();
    }
  }

  /** Whether any part of the cloud is working right now (see `quiescent`). */
  private hasRunnableWork(): boolean {
    return (
      this.lambda.hasRunnableWork() ||
      this.eventBridge.activeDeliveries() > 0 ||
      this.scheduler.activeDeliveries() > 0 ||
      this.mappings.some((mapping) => mapping.hasRunnableWork()) ||
      this.stepFunctions.hasRunnableWork()
    );
  }

  /** Runs `close` when the cloud stops, before its own parts: for simulators started beside it. */
  onStop(close: () => Promise<void> | void): void {
    this.closers.push(close);
  }

  async stop(): Promise<void> {
    const closers = this.closers.splice(0).reverse();
    for (const close of closers) await close();
  }
}

/** A schedule's target and dead-letter queue must be resources of this stage (and of a kind it supports). */
function checkScheduleTargets(schedules: readonly ResolvedResource[], functions: readonly ResolvedResource[], queues: readonly ResolvedResource[]): void {
  const functionNames = new Set(functions.map((fn) => fn.name));
  const queueNames = new Set(queues.map((queue) => queue.name));
  for (const schedule of schedules) {
    const { target } = scheduleFromTemplate(schedule);
    if (!functionNames.has(arnResourceName(target.arn))) {
      throw new UnsupportedTemplateError(schedule.stackName, schedule.logicalId, `target ${target.arn} that is not a function of this stage`);
    }
    if (target.deadLetterArn !== undefined && !queueNames.has(arnResourceName(target.deadLetterArn))) {
      throw new UnsupportedTemplateError(schedule.stackName, schedule.logicalId, `dead-letter target ${target.deadLetterArn} that is not a queue of this stage`);
    }
  }
}

/** Every override must name a variable some function declares; a typo would otherwise change nothing. */
function checkEnvironmentOverrides(functions: readonly ResolvedResource[], overrides: Readonly<Record<string, string>>): void {
  const declared = new Set(functions.flatMap((fn) => Object.keys((fn.properties as { Environment?: { Variables?: Record<string, string> } }).Environment?.Variables ?? {})));
  const unknown = Object.keys(overrides).filter((name) => !declared.has(name));
  if (unknown.length > 0) {
    throw new Error(
      `functionEnvironment ${unknown.join(', ')}: no function of this stage declares ${unknown.length === 1 ? 'this variable' : 'these variables'}; declared: ${[...declared].sort().join(', ') || 'none'}`,
    );
  }
}

/** The function's variables, with the overridden ones replaced; nothing is added. */
function withOverrides(variables: Readonly<Record<string, string>>, overrides: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, Object.hasOwn(overrides, name) ? overrides[name]! : value]));
}

function readDefinitionAsset(machine: ResolvedResource, key: string | undefined): string {
  const assetId = key?.replace(/\.json$/, '');
  const path = assetId ? machine.stack.assets.get(assetId) : undefined;
  if (!path) throw new UnsupportedTemplateError(machine.stackName, machine.logicalId, `DefinitionS3Location ${key} that is not a local asset`);
  return readFileSync(path, 'utf8');
}

/** The DynamoDB actions the workflow's direct integrations may call, with Step Functions' parameters as input. */
function sendDynamoDb(client: ddb.DynamoDBClient, action: string, params: Record<string, unknown>): Promise<{ $metadata: unknown }> {
  switch (action) {
    case 'putItem':
      return client.send(new ddb.PutItemCommand(params as unknown as ddb.PutItemCommandInput));
    case 'getItem':
      return client.send(new ddb.GetItemCommand(params as unknown as ddb.GetItemCommandInput));
    case 'updateItem':
      return client.send(new ddb.UpdateItemCommand(params as unknown as ddb.UpdateItemCommandInput));
    case 'deleteItem':
      return client.send(new ddb.DeleteItemCommand(params as unknown as ddb.DeleteItemCommandInput));
    default:
      throw new AwsServiceError('UnsupportedIntegration', `dynamodb:${action} is not emulated by the local cloud`);
  }
}

async function callDynamoDb(client: ddb.DynamoDBClient, action: string, params: Record<string, unknown>): Promise<unknown> {
  try {
    const { $metadata: _metadata, ...output } = await sendDynamoDb(client, action, params);
    return output;
  } catch (error) {
    if (error instanceof AwsServiceError) throw error;
    const name = error instanceof Error ? error.name : 'InternalServerError';
    throw new AwsServiceError(name, error instanceof Error ? error.message : String(error));
  }
}

async function startHttpApis(
  resources: readonly ResolvedResource[],
  invoker: LocalLambdaRuntime,
  logger: LocalLogger,
  logDir: string,
  port: number,
  closers: (() => Promise<void> | void)[],
): Promise<string> {
  const apis = resources.filter((resource) => resource.type === 'AWS::ApiGatewayV2::Api');
  if (apis.length !== 1) throw new Error(`the local cloud serves exactly one HTTP API per stage; this stage has ${apis.length}`);
  const api = apis[0]!;
  if ((api.properties as { ProtocolType?: string }).ProtocolType !== 'HTTP') {
    throw new UnsupportedTemplateError(api.stackName, api.logicalId, `ProtocolType ${String((api.properties as { ProtocolType?: string }).ProtocolType)}`);
  }
  const integrations = new Map(
    resources
      .filter((resource) => resource.type === 'AWS::ApiGatewayV2::Integration')
      .map((integration) => {
        const p = integration.properties as { IntegrationType: string; IntegrationUri: string; PayloadFormatVersion?: string };
        if (p.IntegrationType !== 'AWS_PROXY' || p.PayloadFormatVersion !== '2.0') {
          throw new UnsupportedTemplateError(integration.stackName, integration.logicalId, `integration ${p.IntegrationType} with payload ${p.PayloadFormatVersion}`);
        }
        return [integration.name, p.IntegrationUri] as const;
      }),
  );
  const routes = resources
    .filter((resource) => resource.type === 'AWS::ApiGatewayV2::Route')
    .map((route) => {
      const p = route.properties as { RouteKey: string; Target: string; AuthorizationType?: string };
      if (p.AuthorizationType && p.AuthorizationType !== 'NONE' && p.AuthorizationType !== 'AWS_IAM') {
        throw new UnsupportedTemplateError(route.stackName, route.logicalId, `AuthorizationType ${p.AuthorizationType}`);
      }
      const functionArn = integrations.get(p.Target.replace(/^integrations\//, ''));
      if (!functionArn) throw new UnsupportedTemplateError(route.stackName, route.logicalId, `route target ${p.Target}`);
      return { routeKey: p.RouteKey, functionArn, authorization: (p.AuthorizationType ?? 'NONE') as 'NONE' | 'AWS_IAM' };
    });
  const stage = resources.find((resource) => resource.type === 'AWS::ApiGatewayV2::Stage');
  const settings = (stage?.properties as { DefaultRouteSettings?: { ThrottlingRateLimit?: number; ThrottlingBurstLimit?: number } } | undefined)?.DefaultRouteSettings;
  const http = new LocalHttpApi({
    apiId: api.name,
    routes,
    invoker,
    logger,
    throttle: settings?.ThrottlingRateLimit ? { rateLimit: settings.ThrottlingRateLimit, burstLimit: settings.ThrottlingBurstLimit ?? settings.ThrottlingRateLimit } : undefined,
    accessLogFile: join(logDir, 'http-api-access.log'),
  });
  const url = await http.listen(port);
  closers.push(() => http.close());
  return url;
}
