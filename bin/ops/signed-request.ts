import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/**
 * GET with a SigV4 signature for API Gateway (`execute-api`), as the IAM-authorized status route
 * requires. The SDK's own signer, so a signature that works here works on AWS.
 */
export async function signedGet(url: string, region: string, credentials: SigningCredentials): Promise<Response> {
  const parsed = new URL(url);
  const signer = new SignatureV4({ service: 'execute-api', region, credentials, sha256: Sha256 });
  const request = await signer.sign(
    new HttpRequest({
      method: 'GET',
      protocol: parsed.protocol,
      hostname: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : undefined,
      path: parsed.pathname,
      headers: { host: parsed.host },
    }),
  );
  return fetch(url, { method: 'GET', headers: request.headers as Record<string, string> });
}
