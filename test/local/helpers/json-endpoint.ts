import { silentLogger, type JsonProtocolService } from '../../../local/cloud/contracts.ts';
import { LocalEndpoint } from '../../../local/cloud/endpoint.ts';

export interface JsonEndpoint {
  /** `http://127.0.0.1:<port>`, for an SDK client's `endpoint`. */
  readonly url: string;
  /** The running endpoint, for services that can only be built once the URL is known. */
  readonly endpoint: LocalEndpoint;
  close(): Promise<void>;
}

/**
 * The local cloud's own AWS JSON-protocol endpoint, serving just the given services, so each
 * emulator's tests drive it through the real SDK client and the real routing.
 */
export async function startJsonEndpoint(services: readonly JsonProtocolService[]): Promise<JsonEndpoint> {
  const endpoint = new LocalEndpoint(silentLogger);
  for (const service of services) endpoint.register(service);
  const url = await endpoint.listen(0);
  return { url, endpoint, close: () => endpoint.close() };
}
