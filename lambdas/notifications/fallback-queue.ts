import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { NotificationKey } from './adapters/notifications-table.ts';
import type { FallbackRequest } from './fallback-request.ts';

/** Asks the sender to try the next channel for a message the provider accepted and then could not deliver. */
export class FallbackQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly sqs: SQSClient = new SQSClient({}),
  ) {}

  async request(failed: NotificationKey): Promise<void> {
    const request: FallbackRequest = { fallback: { brand: failed.brand, orderId: failed.orderId, kind: failed.kind, subject: failed.subject, after: failed.channel } };
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(request) }));
  }
}
