import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/**
 * A request with a SigV4 signature for API Gateway (`execute-api`), as the IAM-authorized status
 * and ops routes require. The SDK's own signer, so a signature that works here works on AWS.
 */
export async function signedRequest(method: 'GET' | 'POST', url: string, region: string, credentials: SigningCredentials, body?: unknown): Promise<Response> {
  const parsed = new URL(url);
  const signer = new SignatureV4({ service: 'execute-api', region, credentials, sha256: Sha256 });
  const text = body === undefined ? undefined : JSON.stringify(body);
  const request = await signer.sign(
    new HttpRequest({
      method,
      protocol: parsed.protocol,
      hostname: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : undefined,
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      headers: { host: parsed.host, ...(text === undefined ? {} : { 'content-type': 'application/json' }) },
      body: text,
    }),
  );
  return fetch(url, { method, headers: request.headers as Record<string, string>, body: text });
}

export function signedGet(url: string, region: string, credentials: SigningCredentials): Promise<Response> {
  return signedRequest('GET', url, region, credentials);
}
