import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { executionNameFor } from '../domain/execution-name.ts';

/** Starts an order's execution under its deterministic name; a duplicate start is a no-op. */
export class LifecycleStarter {
  constructor(
    private readonly stateMachineArn: string,
    private readonly client: SFNClient = new SFNClient({}),
  ) {}

  /** True when this call started the execution, false when it already existed. */
  async start(brand: string, orderId: string, input: unknown): Promise<boolean> {
    try {
      await this.client.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: executionNameFor(brand, orderId), input: JSON.stringify(input) }));
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return false;
      throw error;
    }
  }
}

/** The queue the legacy order process consumes. */
export class LegacyHandoff {
  constructor(
    private readonly queueUrl: string,
    private readonly client: SQSClient = new SQSClient({}),
  ) {}

  async send(message: { brand: string; orderId: string; route: string; order: unknown; correlationId: string }): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        // The legacy process deduplicates on this, in case a crash between send and mark repeats a send.
        MessageAttributes: { orderKey: { DataType: 'String', StringValue: `${message.brand}#${message.orderId}` } },
      }),
    );
  }
}
