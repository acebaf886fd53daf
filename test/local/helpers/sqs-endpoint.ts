import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_REGION, silentLogger, type Clock, type LocalLogger } from '../../../local/cloud/contracts.ts';
import { SqsService } from '../../../local/cloud/sqs/service.ts';
import { startJsonEndpoint } from './json-endpoint.ts';

export interface SqsEndpoint {
  readonly service: SqsService;
  /** An SDK v3 client pointed at the endpoint, as a function would build it. */
  readonly client: SQSClient;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The local endpoint on 127.0.0.1:0 serving only SQS, so the protocol tests run the real SDK
 * client (serialisation, MD5 checks, error mapping) against the emulator.
 */
export async function startSqsEndpoint(options: { clock: Clock; logger?: LocalLogger }): Promise<SqsEndpoint> {
  // Queue URLs name the endpoint, so the service is built once the port is known.
  const running = await startJsonEndpoint([]);
  const service = new SqsService({ clock: options.clock, logger: options.logger ?? silentLogger, endpointUrl: running.url });
  running.endpoint.register(service);
  const client = new SQSClient({
    endpoint: running.url,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return {
    service,
    client,
    url: running.url,
    close: async () => {
      client.destroy();
      await running.close();
    },
  };
}
